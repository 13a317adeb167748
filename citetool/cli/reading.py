"""Commands that read the library: ``show``, ``export``, ``check``, ``config``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from citetool import config
from citetool.cli import tables
from citetool.cli.output import info, open_library, phases, print_json, printable, stdout_is_terminal, warn
from citetool.cli.pager import page, page_lines
from citetool.cli.state import PathParam, State, complete_files, complete_keys, complete_locales, complete_styles
from citetool.errors import CheckFailed, UsageError
from citetool.writers import FORMATS

if TYPE_CHECKING:
    from citetool.bib.work import Work


@click.command(short_help="Show the library as a table, or entries in full.")
@click.argument("keys", nargs=-1, shell_complete=complete_keys)
@click.option(
    "--query",
    "-q",
    metavar="TEXT",
    help="Only entries whose key, authors, title, venue, year, keywords or DOI contain TEXT.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (see README for its fields).")
@click.option("--compact", "-c", is_flag=True, help="One line per entry: key, authors, year, title.")
@click.option("--no-pager", is_flag=True, help="Never page long output (see CITETOOL_PAGER).")
@click.pass_obj
def show(state: State, keys: tuple[str, ...], query: str | None, as_json: bool, compact: bool, no_pager: bool) -> None:
    """Show the library as a table, or KEYS (citation keys or DOIs) in full.

    On a terminal, long output is paged ($CITETOOL_PAGER, $PAGER or less -FRX).

    \b
    Examples:
      citetool show
      citetool show belousova2025embracing
      citetool show --query taliban --json
      citetool show --compact
    """
    from citetool.actions import listing

    lib = open_library(state)
    if as_json:
        for chunk in listing.json_chunks(lib, keys, query, warn):
            click.echo(chunk)
        return
    if keys:
        works = listing.select(lib, keys, query, warn)
        if stdout_is_terminal():
            page(tables.entry_tables(works), not no_pager)
        else:
            click.echo(printable("\n".join(_entry_text(work) for work in works)), nl=False)
        return
    rows = listing.rows(lib, query, warn)
    if compact:
        page(tables.compact(rows, tables.width() if stdout_is_terminal() else None), not no_pager)
    elif stdout_is_terminal():
        page_lines(tables.summary_lines(rows), not no_pager)
    elif rows:
        click.echo(printable("\n".join("\t".join((row.key, row.authors, row.year, row.title, row.venue))
                                       for row in rows)))  # fmt: skip


def _entry_text(work: Work) -> str:
    """An entry in full as plain text: ``key<TAB>type``, then one indented line per field."""
    texts = work.texts()
    width = max((len(name) for name in texts), default=0)
    lines = [f"{work.key}\t{work.entry_type}", *(f"  {name.ljust(width)}  {text}" for name, text in texts.items())]
    return "\n".join(lines) + "\n"


@click.command(short_help="Write entries (all, KEYS or what a document cites).")
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
@click.option(
    "--style", metavar="NAME|FILE.csl", shell_complete=complete_styles,
    help="CSL style for html and text: a bundled name (apa, ieee, mla, chicago, chicago-notes, harvard, vancouver, "
         "ama, acs, asa, apsa, acm, aps, turabian, lancet, nature, ...) or a .csl file (default: the `style` "
         "setting, apa).",
)  # fmt: skip
@click.option(
    "--locale", metavar="LANG", shell_complete=complete_locales,
    help="Locale for html and text, e.g. en-GB, de-DE (default: the style's own, else en-US).",
)  # fmt: skip
@click.option("--aux", "aux_path", type=PathParam(), help="Only what a .aux or .bcf file cites.")
@click.option("--query", "-q", metavar="TEXT", help="Only entries matching TEXT, as in `show`.")
@click.option("--sort", type=click.Choice(["key", "year", "author"]), help="Order (default: library order).")
@click.option("--fragment", is_flag=True, help='html: only the <div class="csl-bib-body">, for embedding in a page.')
@click.option(
    "--output", "-o", metavar="FILE", shell_complete=complete_files,
    help="Write to FILE (atomically) instead of stdout.",
)  # fmt: skip
@click.option("--verbose", "-v", is_flag=True, help="Name every character that has no LaTeX form, and where.")
@click.pass_obj
def export(
    state: State,
    keys: tuple[str, ...],
    format_name: str,
    style: str | None,
    locale: str | None,
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

    style = config.resolve("style", style).value or "apa"
    lib = open_library(state)
    with phases() as progress:
        result = exporting.export(lib, format_name, keys=list(keys), query=query, aux_path=aux_path, sort=sort,
                                  style=style, fragment=fragment, verbose=verbose, locale=locale,
                                  progress=progress)  # fmt: skip
    for message in result.warnings:
        warn(message)
    if output and output != "-":
        exporting.write_output(Path(output), result.text, lib.path)
    else:
        click.echo(result.text, nl=False)
    if result.missing:
        raise lib.unknown(result.missing, str(lib.path))


#: Plain check's notes (titles a style would lower) shown one by one before the rest are counted.
NOTES_SHOWN = 10


@click.command(short_help="Lint the library for LaTeX builds; exit 9 on errors.")
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
@click.option("--aux", "aux_path", type=PathParam(), help="Also check what a .aux or .bcf file cites.")
@click.option("--unused", is_flag=True, help="With --aux: also name the entries the document does not cite.")
@click.option("--retractions", is_flag=True,
              help="Check what has happened to each work instead: retractions, concerns, corrections.")
@click.option("--offline", is_flag=True, help="With --retractions: kept answers and the Retraction Watch CSV only.")
@click.option("--refresh", is_flag=True, help="With --retractions: ask again, however recent the kept answer.")
@click.option("--mailto", metavar="EMAIL", help="E-mail for Crossref's polite pool (with --retractions).")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=600), default=10.0, show_default=True,
              help="Seconds to wait for one answer (with --retractions).")
@click.pass_obj
def check(
    state: State,
    keys: tuple[str, ...],
    as_json: bool,
    strict: bool,
    companions: tuple[Path, ...],
    aux_path: Path | None,
    unused: bool,
    retractions: bool,
    offline: bool,
    refresh: bool,
    mailto: str | None,
    timeout: float,
) -> None:
    """Lint the library (or KEYS) for LaTeX builds; exit 9 on errors.

    Checks: parse errors, duplicate keys and DOIs, malformed DOIs, required
    fields (BibTeX's as errors, biblatex's as warnings), unescaped & % #,
    characters with no LaTeX form, undefined @string macros, crossref to
    missing entries or in a cycle, TeX that runs programs, impossible years
    and page ranges, a url that only repeats the DOI, keys that differ only
    in case, entries without a DOI that look like copies of another.

    Findings go to stdout as `file:line: severity: entry 'key' field 'f': what
    to do`.  Warnings do not fail the run unless --strict.  Titles with words
    that BibTeX styles and biblatex's sentence case would print in lower
    case are notes (ten shown, the rest counted; never failing a run):
    `citetool protect` braces them.

    With --aux, the keys a document cites that the library lacks are errors
    (with a suggestion when one is a typo away), and with --unused the
    entries it does not cite are warnings; the cited works' kept
    --retractions findings (errors and warnings) are included.

    With --retractions, each entry with a DOI or PMID (or KEYS, or what --aux
    cites) is checked on Crossref (the paper's record and the notices naming
    it), PubMed and a downloaded Retraction Watch CSV (setting
    retraction_watch): retractions, withdrawals and removals are errors,
    partial retractions and expressions of concern warnings, corrections and
    published versions notes.  Answers are kept for retractions_max_age days
    (7); --offline reads only those and the CSV, --refresh asks again.

    \b
    Examples:
      citetool check
      citetool check --json --strict
      citetool check --aux paper.aux --unused
      citetool check --retractions --aux paper.aux
    """
    from citetool.actions import checking
    from citetool.library import file as library

    lib = library.load(state.library_path)
    if keys:
        missing = [key for key in keys if key not in lib.entries]
        if missing:
            raise lib.unknown(missing, str(lib.path))
    if retractions:
        _check_retractions(lib, list(keys), aux_path, as_json, strict, offline, refresh, mailto, timeout)
        return
    if offline or refresh:
        raise UsageError("--offline and --refresh go with --retractions")
    others = [library.load(path) for path in companions]
    findings = checking.check(lib, list(keys) or None, others)
    if aux_path is not None:
        from citetool.actions import retracting

        findings += checking.check_citations(lib, aux_path, unused)
        cited = retracting.cited_keys(lib, aux_path)
        kept = retracting.kept_findings(lib, cited, warn)
        findings += [checking.Finding(found.severity, found.file, found.work.line, found.work.key, None,
                                      found.notice.describe()) for found in kept]  # fmt: skip
        from citetool.actions import protecting

        findings += protecting.lowered_by_style(lib, cited, aux_path)
    elif unused:
        raise UsageError("--unused goes with --aux: name the document's .aux or .bcf file")
    else:
        from citetool.actions import protecting

        findings += protecting.unprotected(lib, list(keys) or None)
    if as_json:
        print_json([finding.as_json() for finding in findings])
    else:
        notes = [finding for finding in findings if finding.severity == "note"]
        for finding in [finding for finding in findings if finding.severity != "note"] + notes[:NOTES_SHOWN]:
            click.echo(printable(" ".join(finding.text().split())))
        if len(notes) > NOTES_SHOWN:
            click.echo(f"{lib.path}: note: {len(notes) - NOTES_SHOWN:,} more titles have words "
                       f"{protecting.ANY_STYLE} would print in lower case; `citetool protect --dry-run` shows "
                       "them all")  # fmt: skip
    errors = sum(finding.severity == "error" for finding in findings)
    counted = checking.summary(findings, len(lib.entries))
    if errors or (strict and any(finding.severity != "note" for finding in findings)):
        raise CheckFailed(f"{lib.path}: {counted}")  # one line says it all
    info(counted)


def _check_retractions(
    lib: Any, keys: list[str], aux_path: Path | None, as_json: bool, strict: bool, offline: bool, refresh: bool,
    mailto: str | None, timeout: float,
) -> None:
    """``check --retractions``: findings on stdout, what could not be asked on stderr, the exit status."""
    from citetool.actions import checking, retracting
    from citetool.cli.writing import make_sources, progress_bar
    from citetool.notices.store import Store

    lint: list[Any] = []
    selected: list[str] | None = keys or None
    if aux_path is not None:
        lint = checking.check_citations(lib, aux_path, False)
        selected = list(dict.fromkeys([*(keys or []), *retracting.cited_keys(lib, aux_path)]))
    works = retracting.works_of(lib, selected)
    database = retracting.load_database()
    crossref = pubmed = None
    if not offline and works:
        sources = make_sources(config.checked("mailto", mailto), refresh=True, timeout=timeout)
        crossref, pubmed = sources.crossref, sources.pubmed
        crossref.cache_writes = False  # the record cache keeps what the library was made from
    asked = sum(len(work.identifiers) for work in works) if crossref is not None else 0
    with progress_bar(asked, "works") as advance:
        report = retracting.check(lib, works, Store(config.cache_dir()), database, crossref, pubmed,
                                  config.retractions_max_age(), refresh, advance)  # fmt: skip
    if as_json:
        print_json([finding.as_json() for finding in lint] + [finding.as_json() for finding in report.findings])
    else:
        for line in [finding.text() for finding in lint] + [finding.text() for finding in report.findings]:
            click.echo(printable(" ".join(line.split())))
    _say_unchecked(report, offline)
    errors = sum(finding.severity == "error" for finding in lint + report.findings)
    warnings = sum(finding.severity == "warning" for finding in report.findings)
    notes = sum(finding.severity == "note" for finding in report.findings)
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    counted = (f"{plural(errors, 'error')}, {plural(warnings, 'warning')}, {plural(notes, 'note')} in "
               f"{plural(report.works, 'work')} checked")  # fmt: skip
    if errors or (strict and warnings):
        raise CheckFailed(f"{lib.path}: {counted}")
    if report.failures:
        from citetool.errors import PartialFailure

        raise PartialFailure(list(report.failures.values()), report.works)
    info(counted)


def _say_unchecked(report: Any, offline: bool) -> None:
    """What could not be asked, and how fresh the answers are, on stderr (long lists summarised)."""

    def keys(listed: list[str]) -> str:
        return ", ".join(listed[:5]) + (f" and {len(listed) - 5} more" if len(listed) > 5 else "")

    for number, (key, failure) in enumerate(report.failures.items()):
        if number == 5:
            warn(f"{len(report.failures) - 5} more entries could not be checked")
            break
        warn(f"{key}: not checked ({failure})")
    if report.not_crossref:
        info(f"{keys(report.not_crossref)}: DOI not registered with Crossref; only PubMed and the Retraction Watch "
             "database can say what happened to it")  # fmt: skip
    if report.unasked:
        info(f"{keys(report.unasked)}: no kept answer{' (--offline)' if offline else ''} and no Retraction Watch "
             "database (setting retraction_watch); not checked")  # fmt: skip
    said = [f"{report.asked} asked now"] if report.asked else []
    if report.oldest_days > 0:
        hours = report.oldest_days * 24
        age = f"{report.oldest_days:.1f} days" if hours >= 48 else f"{max(hours, 1):.0f} hours"
        said.append(f"kept answers up to {age} old")
    if report.database:
        said.append(f"the Retraction Watch database {report.database}")
    if report.works and said:
        info(f"answers: {'; '.join(said)}")


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
    settings = config.effective(state.library_flag)
    if as_json:
        payload = {
            "config_file": str(config.config_path()),
            "settings": {s.name: {"value": s.value, "source": s.source} for s in settings},
        }
        print_json(payload)
        return
    rows = [("config_file", printable(str(config.config_path())), "")] + [
        (setting.name, printable(" ".join((setting.value or "").split()) if setting.value is not None else ""),
         setting.source) for setting in settings
    ]  # fmt: skip
    if stdout_is_terminal():  # a table to read; piped, tab-separated lines for scripts
        name_width = max(len(name) for name, _value, _source in rows)
        value_width = max(len(value) for _name, value, _source in rows)
        for name, value, source in rows:
            click.echo(f"{name.ljust(name_width)}  {value.ljust(value_width)}  {source}".rstrip())
        return
    for name, value, source in rows:
        click.echo("\t".join((name, value, source)) if source else f"{name}\t{value}")
