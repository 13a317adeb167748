"""The command-line interface: parse arguments, call one domain function, render.

Only this module imports click and rich.  Data goes to stdout; progress,
warnings and errors go to stderr.  Failures are :class:`CitetoolError`\\ s,
turned into a one-line message and their exit code in :class:`Group.invoke`,
the one place where that happens.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from citetool import __version__, config
from citetool.errors import CheckFailed, CitetoolError, ExitCode, PartialFailure, UnknownKeys, UsageError

if TYPE_CHECKING:
    from citetool.library import Library

INTERNAL_ERROR = 70


class _Reported(click.ClickException):
    """A :class:`CitetoolError` on its way out through click."""

    def __init__(self, error: CitetoolError) -> None:
        super().__init__(str(error))
        # click declares exit_code a class variable; each error carries its own.
        self.exit_code = int(error.exit_code)  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        error(self.message)


class Group(click.Group):
    """The root group: maps every :class:`CitetoolError` to its message and exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CitetoolError as error:
            if os.environ.get("CITETOOL_DEBUG"):
                raise
            raise _Reported(error) from error


class State:
    """What the root options leave for the commands (``ctx.obj``)."""

    def __init__(self, library_flag: str | None) -> None:
        self.library_flag = library_flag

    @property
    def library_path(self) -> Path:
        setting = config.resolve("library", self.library_flag)
        return Path(setting.value or "library.bib").expanduser()


def error(message: object) -> None:
    """One line on stderr, whatever the message holds (a field name from a broken file can span lines)."""
    click.echo("citetool: error: " + " ".join(str(message).split()), err=True)


def warn(message: str) -> None:
    click.echo(f"citetool: warning: {message}", err=True)


def info(message: str) -> None:
    click.echo(f"citetool: {message}", err=True)


def open_library(state: State) -> Library:
    """Load the library for reading, warning (not failing) about its problems."""
    from citetool import library

    lib = library.load(state.library_path)
    report_problems(lib)
    return lib


def report_problems(lib: Library, limit: int = 5) -> None:
    problems = lib.problems
    for problem in problems[:limit]:
        warn(problem.describe(lib.path))
    if len(problems) > limit:
        warn(f"{lib.path}: {len(problems) - limit} more problems not shown")
    if any(problem.fatal for problem in problems):
        warn(f"{lib.path}: showing what parsed; citetool will not write this file until it is fixed")


def _print_json(data: object) -> None:
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, markup=False, highlight=False, emoji=False)


def _complete_keys(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of citation keys from the library (silent on any problem)."""
    from click.shell_completion import CompletionItem

    from citetool import library

    try:
        flag = ctx.find_root().params.get("library_flag")
        lib = library.load(State(library_flag=flag).library_path)
    except (CitetoolError, OSError):
        return []
    return [CompletionItem(key) for key in lib.entries if key.startswith(incomplete)]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--library",
    "-l",
    "library_flag",
    metavar="PATH",
    help="Library file (default: $CITETOOL_LIBRARY, the config file, or ./library.bib).",
)
@click.version_option(__version__, prog_name="citetool")
@click.pass_context
def cli(ctx: click.Context, library_flag: str | None) -> None:
    """citetool: exact BibTeX from DOIs, a library file that is never damaged.

    \b
    Examples:
      citetool add 10.1177/23477970251383994
      citetool show
      citetool export --aux paper.aux > refs.bib
    """
    ctx.obj = State(library_flag=library_flag)


@cli.command()
@click.argument("keys", nargs=-1, shell_complete=_complete_keys)
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
    from citetool import listing

    lib = open_library(state)
    entries = list(lib.entries.values())
    if keys:
        by_doi = {entry.doi: entry for entry in entries if entry.doi}
        entries, missing = listing.select(entries, keys, by_doi)
        if missing:
            raise UnknownKeys(missing, str(lib.path))
    if query:
        entries = [entry for entry in entries if listing.matches(entry, lib.strings, query)]
    if as_json:
        data = [listing.to_json(entry, lib.strings) for entry in entries]
        _print_json(data)
        return
    if keys:
        _show_full(entries, lib)
        return
    rows = [listing.summarize(entry, lib.strings) for entry in entries]
    if _stdout_is_terminal():
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
        _console().print(table)
        return
    for row in rows:
        click.echo("\t".join((row.key, row.authors, row.year, row.title, row.venue)))


def _show_full(entries: list[Any], lib: Library) -> None:
    from citetool import listing

    for index, entry in enumerate(entries):
        texts = listing.field_texts(entry, lib.strings)
        if _stdout_is_terminal():
            from rich.table import Table

            table = Table(title=f"{entry.key} ({entry.entry_type})", show_header=False, title_justify="left")
            table.add_column("field", style="bold")
            table.add_column("value", overflow="fold")
            for name, text in texts.items():
                table.add_row(name, text)
            _console().print(table)
            continue
        if index:
            click.echo("")
        click.echo(f"{entry.key}\t{entry.entry_type}")
        width = max((len(name) for name in texts), default=0)
        for name, text in texts.items():
            click.echo(f"  {name.ljust(width)}  {text}")


def _read_dois(arguments: tuple[str, ...]) -> list[str]:
    from citetool import doi as doi_module

    raw: list[str] = []
    for argument in arguments:
        if argument == "-":
            raw.extend(line for line in sys.stdin.read().splitlines() if line.strip())
        else:
            raw.append(argument)
    if not raw:
        raise UsageError("no DOI given; pass DOIs as arguments or - to read them from stdin")
    return [doi_module.normalize(item) for item in raw]


@cli.command()
@click.argument("dois", nargs=-1, metavar="DOI...")
@click.option("--key", metavar="KEY", help="Use KEY as the citation key (one DOI only).")
@click.option("--dry-run", is_flag=True, help="Print the BibTeX that would be added; write nothing.")
@click.option("--mailto", metavar="EMAIL", help="E-mail for Crossref's polite pool (faster, more concurrent).")
@click.option("--offline", is_flag=True, help="Use only cached records; never touch the network.")
@click.option("--refresh", is_flag=True, help="Ignore cached records and fetch again.")
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds to wait for one answer."
)
@click.option(
    "--retries", type=click.IntRange(min=0, max=10), default=4, show_default=True, help="Retries of a failed lookup."
)
@click.pass_obj
def add(
    state: State,
    dois: tuple[str, ...],
    key: str | None,
    dry_run: bool,
    mailto: str | None,
    offline: bool,
    refresh: bool,
    timeout: float,
    retries: int,
) -> None:
    """Look DOIs up on Crossref and append their entries to the library.

    DOIs may be bare, doi:-prefixed, doi.org links or percent-encoded; `-`
    reads them from stdin, one per line.  Prints the key of each entry
    (new or already present) on stdout.

    \b
    Examples:
      citetool add 10.1177/23477970251383994
      citetool add https://doi.org/10.1038/srep16696 --key tosatto2015
      cat dois.txt | citetool add -
    """
    from citetool import adding

    normalized = _read_dois(dois)
    mail = config.resolve("mailto", mailto).value
    client = _client(mail, offline=offline, refresh=refresh, timeout=timeout)
    client.max_attempts = retries + 1
    path = state.library_path
    with _progress(len(normalized)) as advance:
        report = adding.add_dois(path, normalized, client, key=key, dry_run=dry_run, progress=advance)
    if client.network_used and not mail:
        info(
            "tip: set an e-mail (--mailto, CITETOOL_MAILTO or `mailto` in the config file) "
            "for Crossref's faster polite pool"
        )
    for outcome in report.outcomes:
        if outcome.status == "added" and outcome.entry is not None:
            if dry_run:
                from citetool.bibsource import entry_source

                click.echo(entry_source(outcome.entry) + "\n")
            else:
                click.echo(outcome.key)
                info(f"added {outcome.key} ({outcome.doi}) to {path}")
        elif outcome.status == "existing":
            if not dry_run:
                click.echo(outcome.key)
            info(f"{outcome.doi} is already in {path} as {outcome.key}; not added again")
        elif outcome.error is not None and len(report.outcomes) > 1:
            error(outcome.error)
    if len(report.failures) == 1 and len(report.outcomes) == 1:
        raise report.failures[0]
    if report.failures:
        raise PartialFailure(report.failures, len(report.outcomes))


def _client(mailto: str | None, offline: bool = False, refresh: bool = False, timeout: float = 10.0) -> Any:
    from citetool.cache import Cache, default_dir
    from citetool.crossref import Client

    cache_dir = config.resolve("cache_dir").value
    return Client(
        crossref_url=config.resolve("crossref_url").value or "https://api.crossref.org",
        doi_url=config.resolve("doi_url").value or "https://doi.org",
        mailto=mailto,
        cache=Cache(Path(cache_dir) if cache_dir else default_dir()),
        timeout=timeout,
        offline=offline,
        refresh=refresh,
    )


@contextlib.contextmanager
def _progress(total: int) -> Iterator[Callable[[str], None] | None]:
    """A rich progress bar on stderr when stderr is a terminal and there is more than one DOI."""
    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("looking up DOIs", total=total)
        yield lambda _doi: bar.advance(task)


@cli.command()
@click.argument("keys", nargs=-1, shell_complete=_complete_keys)
@click.option(
    "--format",
    "-f",
    "format_name",
    type=click.Choice(["bibtex", "biblatex", "ris", "csl-json", "html", "text"]),
    default="bibtex",
    show_default=True,
    help="Output format.",
)
@click.option("--style", metavar="NAME", help="CSL style for html and text (default: the `style` setting, apa).")
@click.option("--aux", "aux_path", type=click.Path(path_type=Path), help="Only what a .aux or .bcf file cites.")
@click.option("--query", "-q", metavar="TEXT", help="Only entries matching TEXT, as in `show`.")
@click.option("--sort", type=click.Choice(["key", "year", "author"]), help="Order (default: library order).")
@click.option("--fragment", is_flag=True, help="html: only the <ol>, for embedding in a page.")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
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
    from citetool import exporting, storage

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
    )
    for message in result.warnings:
        warn(message)
    if output and output != "-":
        storage.write_atomic(Path(output), result.text.encode("utf-8"))
    else:
        click.echo(result.text, nl=False)
    if result.missing:
        raise UnknownKeys(result.missing, str(lib.path))


@cli.command()
@click.argument("keys", nargs=-1, required=True, shell_complete=_complete_keys)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation on a terminal.")
@click.pass_obj
def remove(state: State, keys: tuple[str, ...], yes: bool) -> None:
    """Remove entries by key; every other byte of the library stays.

    On a terminal it asks first unless --yes.  An unknown key is an error
    and nothing is removed.

    \b
    Example:
      citetool remove smith2020deep jones2019 --yes
    """
    from citetool import removing

    if not yes and sys.stdin.isatty():
        click.confirm(f"Remove {', '.join(keys)} from {state.library_path}?", abort=True, err=True)
    for key in removing.remove_entries(state.library_path, list(keys)):
        click.echo(key)
        info(f"removed {key} from {state.library_path}")


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["bibtex", "ris", "csl-json"]),
    help="Input format (default: by extension).",
)
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@click.pass_obj
def import_command(state: State, files: tuple[Path, ...], format_name: str | None, dry_run: bool) -> None:
    """Import entries from .bib, .ris or CSL-JSON files (`-` reads stdin).

    Duplicates (same DOI, or same title, year and first author) are skipped;
    keys are kept when free.  If any file fails, nothing is imported.

    \b
    Examples:
      citetool import zotero-export.bib
      citetool import --format ris - < scopus.ris
    """
    from citetool import importing

    stdin_text = sys.stdin.read() if any(str(item) == "-" for item in files) else None
    if stdin_text is not None and format_name is None:
        raise UsageError("reading stdin needs --format bibtex|ris|csl-json")
    report = importing.import_files(state.library_path, list(files), format_name, dry_run, stdin_text)
    for message in report.warnings:
        warn(message)
    for what, existing in report.skipped:
        info(f"skipped {what}: already in the library as {existing}")
    for old, new in report.renamed:
        info(f"key {old} is taken; imported as {new}")
    for key in report.added:
        click.echo(key)
    verb = "would import" if dry_run else "imported"
    info(f"{verb} {len(report.added)} entries, skipped {len(report.skipped)} duplicates")


@cli.command()
@click.argument("keys", nargs=-1, shell_complete=_complete_keys)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON array.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--with",
    "companions",
    multiple=True,
    type=click.Path(path_type=Path),
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
    from citetool import checking, library

    lib = library.load(state.library_path)
    if keys:
        missing = [key for key in keys if key not in lib.entries]
        if missing:
            raise UnknownKeys(missing, str(lib.path))
    others = [library.load(path) for path in companions]
    findings = checking.check(lib, list(keys) or None, others)
    if as_json:
        _print_json([finding.as_json() for finding in findings])
    else:
        for finding in findings:
            click.echo(finding.text())
    errors = sum(finding.severity == "error" for finding in findings)
    warnings = len(findings) - errors
    info(f"{errors} errors, {warnings} warnings in {len(lib.entries)} entries")
    if errors or (strict and warnings):
        raise CheckFailed(f"{lib.path}: {errors} errors, {warnings} warnings")


@cli.command()
@click.argument("query")
@click.option("--rows", "-n", type=click.IntRange(1, 100), default=5, show_default=True, help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--add", "add_choice", metavar="N|DOI", help="Add result N (or the DOI) to the library.")
@click.option("--mailto", metavar="EMAIL", help="E-mail for Crossref's polite pool.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds to wait.")
@click.pass_obj
def find(
    state: State, query: str, rows: int, as_json: bool, add_choice: str | None, mailto: str | None, timeout: float
) -> None:
    """Search Crossref by title words, authors or year when you have no DOI.

    Prints rank, DOI, year, authors, title and venue, tab-separated.

    \b
    Examples:
      citetool find "embracing the taliban belousova"
      citetool find "ecology communication" --add 1
    """
    from dataclasses import asdict

    from citetool import adding, finding

    client = _client(config.resolve("mailto", mailto).value, timeout=timeout)
    hits = finding.search(client, query, rows)
    if add_choice is None:
        if as_json:
            _print_json([asdict(hit) for hit in hits])
        else:
            for hit in hits:
                click.echo("\t".join((str(hit.rank), hit.doi, hit.year, hit.authors, hit.title, hit.venue)))
        if not hits:
            info(f"no results for {query!r}")
        return
    if add_choice.isdigit():
        chosen = next((hit.doi for hit in hits if hit.rank == int(add_choice)), None)
        if chosen is None:
            raise UsageError(f"--add {add_choice}: there are only {len(hits)} results")
    else:
        from citetool import doi as doi_module

        chosen = doi_module.normalize(add_choice)
    report = adding.add_dois(state.library_path, [chosen], client)
    for outcome in report.outcomes:
        if outcome.error is not None:
            raise outcome.error
        click.echo(outcome.key)
        verb = "added" if outcome.status == "added" else "already in the library as"
        info(f"{outcome.doi}: {verb} {outcome.key}")


@cli.command()
@click.argument("keys", nargs=-1, shell_complete=_complete_keys)
@click.option("--yes", "-y", is_flag=True, help="Apply the changes (without it, only show them).")
@click.option("--force", is_flag=True, help="Also replace fields edited by hand since they came from Crossref.")
@click.option("--mailto", metavar="EMAIL", help="E-mail for Crossref's polite pool.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Seconds to wait.")
@click.pass_obj
def update(state: State, keys: tuple[str, ...], yes: bool, force: bool, mailto: str | None, timeout: float) -> None:
    """Re-fetch entries that have a DOI and show a field-by-field diff.

    --yes applies it.  Fields edited by hand since they came from Crossref
    are kept unless --force.  Keys never change; entries without a DOI are
    skipped.

    \b
    Examples:
      citetool update belousova2025embracing
      citetool update --yes
    """
    from citetool import library, updating

    path = state.library_path
    lib = library.load(path)
    client = _client(config.resolve("mailto", mailto).value, timeout=timeout)
    plan = updating.plan(lib, list(keys), client)
    for key in plan.skipped:
        info(f"skipped {key}: no DOI")
    for failure in plan.failures:
        error(failure)
    for item in plan.updates:
        diff = item.diff(force)
        if diff:
            if _stdout_is_terminal():
                from rich.syntax import Syntax

                _console().print(Syntax(diff, "diff", theme="ansi_dark", background_color="default"))
            else:
                click.echo(diff, nl=False)
        for change in item.changes:
            if change.edited and not force:
                info(f"{item.entry.key}: kept {change.name} (edited by hand; --force replaces it)")
    if yes and plan.updates:
        for key in updating.apply(path, plan.updates, force, client.cache):
            info(f"updated {key}")
    elif plan.updates:
        info("nothing written; pass --yes to apply")
    if plan.failures:
        raise PartialFailure(plan.failures, len(plan.failures) + len(plan.updates))


@cli.command(name="config")
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
        _print_json(payload)
        return
    click.echo(f"config_file\t{config.config_path()}")
    for setting in settings:
        click.echo(f"{setting.name}\t{setting.value if setting.value is not None else ''}\t{setting.source}")


def main() -> NoReturn:
    """Entry point: run the CLI; turn anything unexpected into one line and exit 70."""
    try:
        cli.main(prog_name="citetool")
    except KeyboardInterrupt:
        click.echo("citetool: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (`citetool show | head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(ExitCode.OK)
    except Exception as exc:  # anything not a CitetoolError is a bug: one line, no traceback
        if os.environ.get("CITETOOL_DEBUG"):
            raise
        click.echo(
            f"citetool: internal error: {type(exc).__name__}: {exc} (set CITETOOL_DEBUG=1 for a traceback)",
            err=True,
        )
        sys.exit(INTERNAL_ERROR)
    sys.exit(ExitCode.OK)
