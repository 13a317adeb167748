"""Commands that read the library: ``show``, ``export``, ``check``, ``config``."""

from __future__ import annotations

import contextlib
import itertools
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from citetool import config
from citetool.cli.output import console, info, open_library, print_json, stdout_is_terminal, warn
from citetool.cli.state import PathParam, State, complete_keys
from citetool.errors import CheckFailed, UnknownKeys
from citetool.writers import FORMATS

if TYPE_CHECKING:
    from citetool.actions.listing import Summary
    from citetool.bib.work import Work


@click.command()
@click.argument("keys", nargs=-1, shell_complete=complete_keys)
@click.option(
    "--query",
    "-q",
    metavar="TEXT",
    help="Only entries whose key, authors, title, venue, year, keywords or DOI contain TEXT.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (see README for its fields).")
@click.pass_obj
def show(state: State, keys: tuple[str, ...], query: str | None, as_json: bool) -> None:
    """Show the library as a table, or KEYS (citation keys or DOIs) in full.

    \b
    Examples:
      citetool show
      citetool show belousova2025embracing
      citetool show --query taliban --json
    """
    from citetool.actions import listing

    if not (keys or query or as_json):
        _print_table(_table_rows(state))
        return
    works = listing.select(open_library(state), keys, query, warn)
    if as_json:
        from citetool.writers import jsonarray

        lines = jsonarray.array_lines(listing.to_json(work) for work in works)
        # A thousand lines per write: one write per entry cost a tenth of the command on a big library.
        for chunk in iter(lambda: list(itertools.islice(lines, 1000)), []):
            click.echo("\n".join(chunk))
        return
    if keys:
        _show_full(works)
    else:
        _print_table([listing.summarize(work) for work in works])


def _table_rows(state: State) -> list[Summary]:
    """The rows of the whole library's table: from the cache when a big file is unchanged."""
    from citetool.actions import listing
    from citetool.library import caches as libcache

    lib = open_library(state)
    if lib.digest is not None:
        cached = libcache.load(lib.digest, "tables")
        with contextlib.suppress(TypeError, ValueError):
            if isinstance(cached, list):
                return [listing.Summary(*map(str, row)) for row in cached]
    rows = [listing.summarize(work) for work in listing.select(lib, warn=warn)]
    if lib.digest is not None:
        libcache.store(lib.digest, "tables", [[r.key, r.authors, r.year, r.title, r.venue] for r in rows])
    return rows


def _print_table(rows: list[Summary]) -> None:
    """A rich table on a terminal; otherwise one tab-separated line per entry."""
    if stdout_is_terminal():
        from rich.table import Table

        plain = bool(os.environ.get("NO_COLOR"))
        table = Table(header_style="" if plain else "bold")
        table.add_column("Key", no_wrap=True)
        table.add_column("Authors", ratio=2)
        table.add_column("Year", no_wrap=True)
        table.add_column("Title", ratio=4, overflow="fold")
        table.add_column("Venue", ratio=2)
        for row in rows:
            table.add_row(row.key, row.authors, row.year, row.title, row.venue)
        console().print(table)
        return
    if rows:
        click.echo("\n".join("\t".join((row.key, row.authors, row.year, row.title, row.venue)) for row in rows))


def _show_full(works: list[Work]) -> None:
    for index, entry in enumerate(works):
        texts = entry.texts()
        if stdout_is_terminal():
            from rich.table import Table

            table = Table(title=f"{entry.key} ({entry.entry_type})", show_header=False, title_justify="left")
            table.add_column("field", style="bold")
            table.add_column("value", overflow="fold")
            for name, text in texts.items():
                table.add_row(name, text)
            console().print(table)
            continue
        if index:
            click.echo("")
        click.echo(f"{entry.key}\t{entry.entry_type}")
        width = max((len(name) for name in texts), default=0)
        for name, text in texts.items():
            click.echo(f"  {name.ljust(width)}  {text}")


@click.command()
@click.argument("keys", nargs=-1, shell_complete=complete_keys)
@click.option(
    "--format",
    "-f",
    "format_name",
    type=click.Choice(list(FORMATS)),
    default="bibtex",
    show_default=True,
    help="Output format.",
)
@click.option("--style", metavar="NAME", help="CSL style for html and text (default: the `style` setting, apa).")
@click.option("--aux", "aux_path", type=PathParam(), help="Only what a .aux or .bcf file cites.")
@click.option("--query", "-q", metavar="TEXT", help="Only entries matching TEXT, as in `show`.")
@click.option("--sort", type=click.Choice(["key", "year", "author"]), help="Order (default: library order).")
@click.option("--fragment", is_flag=True, help="html: only the <ol>, for embedding in a page.")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
@click.option("--verbose", "-v", is_flag=True, help="Name every character that has no LaTeX form, and where.")
@click.pass_obj
def export(
    state: State,
    keys: tuple[str, ...],
    format_name: str,
    style: str | None,
    aux_path: Path | None,
    query: str | None,
    sort: str | None,
    fragment: bool,
    output: str | None,
    verbose: bool,
) -> None:
    """Write entries (all, KEYS, or what a document cites) in a format.

    Cited keys missing from the library are named on stderr and the exit
    status is 1, after the entries that were found have been written.

    \b
    Examples:
      pdflatex paper && citetool export --aux paper.aux > refs.bib && bibtex paper
      citetool export --format biblatex -o refs.bib
      citetool export belousova2025embracing --format html --style ieee
    """
    from citetool.actions import exporting

    lib = open_library(state)
    result = exporting.export(
        lib,
        format_name,
        keys=list(keys),
        query=query,
        aux_path=aux_path,
        sort=sort,
        style=config.resolve("style", style).value or "apa",
        fragment=fragment,
        verbose=verbose,
    )
    for message in result.warnings:
        warn(message)
    if output and output != "-":
        exporting.write_output(Path(output), result.text, lib.path)
    else:
        click.echo(result.text, nl=False)
    if result.missing:
        raise UnknownKeys(result.missing, str(lib.path))


@click.command()
@click.argument("keys", nargs=-1, shell_complete=complete_keys)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON array.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--with",
    "companions",
    multiple=True,
    type=PathParam(),
    help="Another .bib of the same \\bibliography{...} whose macros and entries count as defined.",
)
@click.pass_obj
def check(state: State, keys: tuple[str, ...], as_json: bool, strict: bool, companions: tuple[Path, ...]) -> None:
    """Lint the library (or KEYS) for LaTeX builds; exit 9 on errors.

    Checks: parse errors, duplicate keys and DOIs, malformed DOIs, required
    fields (BibTeX's as errors, biblatex's as warnings), unescaped & % #,
    characters with no LaTeX form, undefined @string macros, crossref to
    missing entries, impossible years and page ranges, a url that only
    repeats the DOI.

    Findings go to stdout as `file:line: severity: entry 'key' field 'f': what
    to do`.  Warnings do not fail the run unless --strict.

    \b
    Examples:
      citetool check
      citetool check --json --strict
    """
    from citetool.actions import checking
    from citetool.library import file as library

    lib = library.load(state.library_path)
    if keys:
        missing = [key for key in keys if key not in lib.entries]
        if missing:
            raise UnknownKeys(missing, str(lib.path))
    others = [library.load(path) for path in companions]
    findings = checking.check(lib, list(keys) or None, others)
    if as_json:
        print_json([finding.as_json() for finding in findings])
    else:
        for finding in findings:
            click.echo(finding.text())
    errors = sum(finding.severity == "error" for finding in findings)
    warnings = len(findings) - errors
    info(f"{errors} errors, {warnings} warnings in {len(lib.entries)} entries")
    if errors or (strict and warnings):
        raise CheckFailed(f"{lib.path}: {errors} errors, {warnings} warnings")


@click.command(name="config")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead.")
@click.pass_obj
def config_command(state: State, as_json: bool) -> None:
    """Show every setting, its value and where the value came from.

    \b
    Settings come from a flag, then an environment variable, then the
    config file (see `citetool config` for its path), then a default.

    \b
    Example:
      citetool config
    """
    settings = [config.resolve(name, state.library_flag if name == "library" else None) for name in config.SETTINGS]
    if as_json:
        payload = {
            "config_file": str(config.config_path()),
            "settings": {s.name: {"value": s.value, "source": s.source} for s in settings},
        }
        print_json(payload)
        return
    click.echo(f"config_file\t{config.config_path()}")
    for setting in settings:
        click.echo(f"{setting.name}\t{setting.value if setting.value is not None else ''}\t{setting.source}")
