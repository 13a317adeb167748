"""Long output on a terminal goes through a pager, as git's does.

The pager is the ``pager`` setting (``$CITETOOL_PAGER``), else ``$PAGER``, else ``less -FRX`` (with
``-F`` less quits at once when the text fits one screen, ``-R`` keeps the
colours, ``-X`` leaves the text on screen).  An empty value or ``cat`` turns
paging off, as ``--no-pager`` does; output that is not a terminal is never
paged.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

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
