"""Long output on a terminal goes through a pager, as git's does.

The pager is the ``pager`` setting (``$CITETOOL_PAGER``), else ``$PAGER``, else ``less -FRX`` (with
``-F`` less quits at once when the text fits one screen, ``-R`` keeps the
colours, ``-X`` leaves the text on screen).  An empty value or ``cat`` turns
paging off, as ``--no-pager`` does; output that is not a terminal is never
paged.
"""

from __future__ import annotations

import itertools
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator

import click

from citetool import config


def pager_command() -> list[str] | None:
    """The pager to run, or None for none."""
    configured = config.pager()
    try:
        words = shlex.split(configured)
    except ValueError:
        return None
    if not words or words[0] == "cat" or shutil.which(words[0]) is None:
        return None
    return words


def page_lines(lines: Iterable[str], enabled: bool = True) -> None:
    """Print ``lines`` (each ending in a newline) on stdout as they come: through the pager once they are more
    than a screen on a terminal, so the first screen shows before the last line is made."""
    command = pager_command() if enabled and sys.stdout.isatty() else None
    if command is None:
        for chunk in _chunks(lines):
            click.echo(chunk, nl=False)
        return
    screen = shutil.get_terminal_size().lines
    head: list[str] = []
    rest = iter(lines)
    for line in rest:
        head.append(line)
        if len(head) >= screen:
            break
    else:
        click.echo("".join(head), nl=False)
        return
    _through_pager(command, itertools.chain(["".join(head)], _chunks(rest)))


def _chunks(lines: Iterable[str], size: int = 200) -> Iterator[str]:
    """``lines`` joined ``size`` at a time: one write per chunk, not per line."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def _through_pager(command: list[str], chunks: Iterable[str]) -> None:
    """Feed ``chunks`` to the pager as they are made; a reader who quits early ends the feeding quietly."""
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        for chunk in chunks:
            click.echo(chunk, nl=False)
        return
    with process:
        assert process.stdin is not None
        try:
            for chunk in chunks:
                process.stdin.write(chunk.encode("utf-8"))
                process.stdin.flush()
            process.stdin.close()
        except BrokenPipeError:  # the reader quit the pager early: not an error
            pass
        process.wait()


def page(text: str, enabled: bool = True) -> None:
    """Print ``text`` on stdout, through the pager when stdout is a terminal and it is longer than a screen."""
    command = pager_command() if enabled and sys.stdout.isatty() else None
    if command is None or text.count("\n") < shutil.get_terminal_size().lines:
        click.echo(text, nl=False)
        return
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    try:
        with subprocess.Popen(command, stdin=subprocess.PIPE, env=env) as process:
            assert process.stdin is not None
            try:
                process.stdin.write(text.encode("utf-8"))
                process.stdin.close()
            except BrokenPipeError:  # the reader quit the pager early: not an error
                pass
            process.wait()
    except OSError:
        click.echo(text, nl=False)
