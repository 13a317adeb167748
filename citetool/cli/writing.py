"""Commands that change the library or ask Crossref: ``add``, ``find``, ``update``, ``import``, ``remove``."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from citetool import config
from citetool.cli.output import console, error, info, print_json, printable, stdout_is_terminal, warn
from citetool.cli.state import PathParam, State, complete_keys, read_stdin
from citetool.errors import CitetoolError, PartialFailure, UsageError

#: ``--timeout`` of every command that asks a server: seconds to wait for one answer, 0.1 to 600.
TIMEOUT = click.option(
    "--timeout", type=click.FloatRange(min=0.1, max=600), default=10.0, show_default=True,
    help="Seconds to wait for one answer (0.1 to 600).",
)  # fmt: skip


def _read_identifiers(arguments: tuple[str, ...]) -> list[Any]:
    """Every argument (and, for ``-``, every line of stdin) recognised, PDFs read: all before anything is fetched."""
    from citetool.identifiers import detect

    raw: list[str] = []
    for argument in arguments:
        if argument == "-":
            raw.extend(line.strip() for line in read_stdin(16 * 2**20, "the identifiers").splitlines() if line.strip())
        else:
            raw.append(argument)
    if not raw:
        raise UsageError("no identifier given; pass DOIs, arXiv IDs, ISBNs, PMIDs or PDFs, or - to read stdin")
    found: list[Any] = []
    for item in raw:
        recognised = detect.classify(item)
        if isinstance(recognised, Path):
            from citetool.sources import pdf

            identifier = pdf.identifier_of(recognised)
            info(f"{recognised}: names {identifier.label}")
            found.append(identifier)
        else:
            found.append(recognised)
    return found


def make_client(mailto: str | None, offline: bool = False, refresh: bool = False, timeout: float = 10.0) -> Any:
    from citetool.crossref.client import Client
    from citetool.crossref.records import Cache

    return Client(
        crossref_url=config.checked("crossref_url") or "https://api.crossref.org",
        doi_url=config.checked("doi_url") or "https://doi.org",
        mailto=mailto,
        cache=Cache(config.cache_dir()),
        timeout=timeout,
        total_seconds=config.deadline(),
        offline=offline,
        refresh=refresh,
    )


def make_sources(
    mailto: str | None, offline: bool = False, refresh: bool = False, timeout: float = 10.0, retries: int = 4
) -> Any:
    """Every service's client, with the same timeout, deadline, retries and cache policy."""
    from citetool.actions.adding import Sources
    from citetool.sources.arxiv import ArxivClient
    from citetool.sources.books import BookClient
    from citetool.sources.cache import RecordCache
    from citetool.sources.pubmed import PubmedClient

    def url(name: str) -> str:
        return config.checked(name) or config.SETTINGS[name].default or ""

    cache = RecordCache(config.cache_dir())
    common: dict[str, Any] = {"timeout": timeout, "total_seconds": config.deadline(), "offline": offline,
                              "refresh": refresh, "max_attempts": retries + 1}  # fmt: skip
    crossref = make_client(mailto, offline=offline, refresh=refresh, timeout=timeout)
    crossref.max_attempts = retries + 1
    return Sources(
        crossref,
        ArxivClient(base_url=url("arxiv_url"), cache=cache, **common),
        BookClient(openlibrary_url=url("openlibrary_url"), googlebooks_url=url("googlebooks_url"), cache=cache,
                   **common),
        PubmedClient(ncbi_url=url("ncbi_url"), pmc_url=url("pmc_url"), cache=cache, mailto=mailto,
                     api_key=config.resolve("ncbi_api_key").value, **common),
    )  # fmt: skip


def show_diff(diff: str | bytes) -> None:
    """A unified diff on stdout: as it is when piped (it can be applied), coloured on a terminal, long lines
    wrapped rather than cut (a change at the end of a long author list must show), controls made visible."""
    if not stdout_is_terminal():
        click.echo(diff, nl=False)
        return
    from rich.syntax import Syntax

    text = printable(diff.decode("utf-8", "replace") if isinstance(diff, bytes) else diff)
    console().print(Syntax(text, "diff", theme="ansi_dark", background_color="default", word_wrap=True))


@contextlib.contextmanager
def progress_bar(total: int, what: str = "DOIs") -> Iterator[Callable[[str], None] | None]:
    """A rich progress bar on stderr when stderr is a terminal and there is more than one DOI."""
    if total < 2 or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(console=console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"looking up {what}", total=total)
        yield lambda _doi: bar.advance(task)


@click.command()
@click.argument("identifiers", nargs=-1, metavar="ID...")
@click.option("--key", metavar="KEY", help="Use KEY as the citation key (one identifier only).")
@click.option("--dry-run", is_flag=True, help="Print the BibTeX that would be added; write nothing.")
@click.option("--published", is_flag=True, help="For an arXiv ID whose record names a published DOI: add that.")
@click.option("--mailto", metavar="EMAIL", help="E-mail for Crossref's polite pool (faster, more concurrent).")
@click.option("--offline", is_flag=True, help="Use only cached records; never touch the network.")
@click.option("--refresh", is_flag=True, help="Ignore cached records and fetch again.")
@TIMEOUT
@click.option(
    "--retries", type=click.IntRange(min=0, max=10), default=4, show_default=True, help="Retries of a failed lookup."
)
@click.pass_obj
def add(
    state: State,
    identifiers: tuple[str, ...],
    key: str | None,
    dry_run: bool,
    published: bool,
    mailto: str | None,
    offline: bool,
    refresh: bool,
    timeout: float,
    retries: int,
) -> None:
    """Look identifiers up and append their entries to the library.

    Takes DOIs (Crossref, then doi.org), arXiv IDs (arXiv's API), ISBNs
    (Open Library, then Google Books), PMIDs and PMCIDs (PubMed) and PDF
    files (the DOI or arXiv ID they print), in any mix; `-` reads them from
    stdin, one per line.  Prints the key of each entry (new or already
    present) on stdout.

    \b
    Examples:
      citetool add 10.1177/23477970251383994
      citetool add arXiv:1312.2021 --published
      citetool add 978-0-00-811749-8 pmid:23121403 PMC5442267
      citetool add paper.pdf
      cat ids.txt | citetool add -
    """
    from citetool.actions import adding, rekeying

    found = _read_identifiers(identifiers)
    mail = config.checked("mailto", mailto)
    sources = make_sources(mail, offline=offline, refresh=refresh, timeout=timeout, retries=retries)
    path = state.library_path
    what = "DOIs" if all(identifier.kind == "doi" for identifier in found) else "identifiers"
    with progress_bar(len(found), what) as advance:
        report = adding.add_identifiers(
            path, found, sources, key=key, dry_run=dry_run, progress=advance, published=published,
            key_format=rekeying.configured(),
        )  # fmt: skip
    if sources.crossref.network_used and not mail:
        from citetool.library import caches

        if caches.first_time("polite-pool-tip"):  # said once, not on every add
            info("tip: --mailto EMAIL (or CITETOOL_MAILTO) gets Crossref's faster pool")
    _report(report, path, dry_run)


def _report(report: Any, path: Path, dry_run: bool) -> None:
    """Keys on stdout; what happened to each identifier on stderr; the failures as the exit status."""
    for outcome in report.outcomes:
        for note in outcome.notes:
            info(note)
        if outcome.status == "added" and outcome.entry is not None:
            for alert in outcome.alerts:
                warn(f"{outcome.key}: {alert.describe()}; cite it only knowing this (`citetool check "
                     "--retractions` follows it)")  # fmt: skip
            if outcome.gaps:
                warn(f"{outcome.key}: the record has no {'; no '.join(outcome.gaps)}; `citetool check` will "
                     "report it, so add it by hand")  # fmt: skip
            if dry_run:
                from citetool.bib.source import entry_source

                click.echo(entry_source(outcome.entry) + "\n")
            else:
                click.echo(outcome.key)
                info(f"added {outcome.key} ({outcome.label}) to {path}")
        elif outcome.status == "existing":
            if not dry_run:
                click.echo(outcome.key)
            info(f"{outcome.label} is already in {path} as {outcome.key}; not added again")
        elif outcome.error is not None and len(report.outcomes) > 1:
            error(outcome.error)
    if len(report.failures) == 1 and len(report.outcomes) == 1:
        raise report.failures[0]
    if report.failures:
        raise PartialFailure(report.failures, len(report.outcomes))


@click.command(short_help="Search Crossref by title words, authors or year.")
@click.argument("query")
@click.option("--rows", "-n", type=click.IntRange(1, 100), default=5, show_default=True, help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--add", "add_choice", metavar="N|DOI", help="Add result N (or the DOI) to the library.")
@click.option("--mailto", metavar="EMAIL", help="E-mail for Crossref's polite pool.")
@TIMEOUT
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

    from citetool.actions import adding
    from citetool.actions import searching as finding

    client = make_client(config.checked("mailto", mailto), timeout=timeout)
    hits = finding.search(client, query, rows)
    if add_choice is None:
        if as_json:
            print_json([asdict(hit) for hit in hits])
        else:
            for hit in hits:
                fields = (str(hit.rank), hit.doi, hit.year, hit.authors, hit.title, hit.venue)
                click.echo(printable("\t".join(" ".join(field.split()) for field in fields)))
        if not hits:
            info(f"no results for {query!r}")
        return
    if add_choice.isdigit():
        chosen = next((hit.doi for hit in hits if hit.rank == int(add_choice)), None)
        if chosen is None:
            raise UsageError(f"--add {add_choice}: there are only {len(hits)} results")
    else:
        from citetool.identifiers import doi as doi_module

        chosen = doi_module.normalize(add_choice)
    from citetool.identifiers.detect import Identifier

    sources = make_sources(config.checked("mailto", mailto), timeout=timeout)
    sources.crossref = client
    report = adding.add_identifiers(state.library_path, [Identifier("doi", chosen)], sources)
    for outcome in report.outcomes:
        if outcome.error is not None:
            raise outcome.error
        click.echo(outcome.key)
        verb = "added" if outcome.status == "added" else "already in the library as"
        info(f"{outcome.label}: {verb} {outcome.key}")


@click.command(short_help="Re-fetch entries by DOI; show the diff, --yes applies.")
@click.argument("keys", nargs=-1, shell_complete=complete_keys)
@click.option("--yes", "-y", is_flag=True, help="Apply the changes (without it, only show them).")
@click.option("--force", is_flag=True, help="Also replace fields edited by hand since they came from Crossref.")
@click.option("--mailto", metavar="EMAIL", help="E-mail for Crossref's polite pool.")
@TIMEOUT
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
    from citetool.actions import updating
    from citetool.library import file as library

    path = state.library_path
    lib = library.load(path)
    client = make_client(config.checked("mailto", mailto), timeout=timeout)
    asked = [lib.entries[key] for key in keys if key in lib.entries] if keys else list(lib.entries.values())
    with progress_bar(sum(1 for entry in asked if entry.doi)) as advance:
        plan = updating.plan(lib, list(keys), client, progress=advance)
    for key in plan.skipped:
        info(f"skipped {key}: no DOI")
    for failure in plan.failures:
        error(failure)
    show_updates(plan.updates, force)
    written: int | None = 0 if yes else None
    changing = [item for item in plan.updates if item.applies(force)]
    if yes and changing:
        applied = updating.apply(path, changing, force, client.cache)
        for key in applied:
            info(f"updated {key}")
        written = len(applied)
    elif changing:
        info("nothing written; pass --yes to apply")
    if plan.failures:
        raise PartialFailure(plan.failures, len(plan.failures) + len(plan.updates), plan.summary(written, force))
    info(plan.summary(written, force))


def show_updates(updates: list[Any], force: bool) -> None:
    """Each update's diff (stdout), and each field kept because it was edited by hand (stderr)."""
    for item in updates:
        diff = item.diff(force)
        if diff:
            show_diff(diff)
        for change in item.changes:
            if change.edited and not force:
                info(f"{item.entry.key}: kept {change.name} (edited by hand; --force replaces it)")


@click.command(short_help="Brace the title words whose capitals styles must keep; --yes writes.")
@click.argument("keys", nargs=-1, shell_complete=complete_keys)
@click.option("--aux", "aux_path", type=PathParam(), help="Only the entries a .aux or .bcf cites.")
@click.option("--dry-run", is_flag=True, help="Show the diff and the unsure words; write nothing.")
@click.option("--yes", "-y", is_flag=True, help="Write the braces (without it, only show them).")
@click.option("--json", "as_json", is_flag=True, help="Every capitalised word's decision and evidence as JSON.")
@click.pass_obj
def protect(state: State, keys: tuple[str, ...], aux_path: Path | None, dry_run: bool, yes: bool,
            as_json: bool) -> None:  # fmt: skip
    """Brace the words of titles whose capitals every style must keep.

    BibTeX styles and biblatex lower-case a title's letters outside braces;
    CSL styles change its case.  protect proposes braces around exactly the
    words that need them (proper nouns, acronyms, words with inner capitals,
    formulas), each on evidence: the word's shape, the title's own case, the
    work's abstract, CLDR's names of countries, languages, months and days,
    the library's authors and the words it already braces, and a dictionary
    that keeps case.  A word without evidence is left as it is (listed as
    unsure with --dry-run); a title braced whole is freed, keeping braces on
    the words that need them.  Titles in another language (langid) are left
    alone.  The diff goes to stdout; --yes writes.

    \b
    Examples:
      citetool protect --dry-run
      citetool protect --aux paper.aux --yes
      citetool protect wakefield1998ileal --json
    """
    from citetool.actions import protecting
    from citetool.library import file as library

    path = state.library_path
    lib = library.load(path)
    if yes and not dry_run:
        lib.check_writable()  # before anything is shown: a library that does not parse is not written
    selected: list[str] | None = None
    if keys:
        missing = [key for key in keys if key not in lib.entries]
        if missing:
            raise lib.unknown(missing, str(lib.path))
        selected = list(dict.fromkeys(keys))
    if aux_path is not None:
        from citetool.actions.retracting import cited_keys

        selected = list(dict.fromkeys([*(selected or []), *cited_keys(lib, aux_path)]))
    plans = protecting.plan(lib, selected)
    changing = [item for item in plans if item.changed]
    if as_json:
        print_json([item.as_json() for item in plans])
    else:
        text = protecting.diff(lib, plans, str(path))
        if text:
            show_diff(text)
    whole = [item.key for item in plans if any(proposal.whole_braced and proposal.changed
                                               for proposal in item.proposals)]  # fmt: skip
    if whole:
        shown = ", ".join(whole[:10]) + (f" and {len(whole) - 10} more" if len(whole) > 10 else "")
        info(f"{len(whole)} titles braced whole, which no style can case ({shown}); the diff frees them, keeping "
             "braces on the words that need them")  # fmt: skip
    if dry_run:
        unsure = [(item.key, word) for item in plans for proposal in item.proposals for word in proposal.unsure]
        for key, word in unsure[:20]:
            info(f"{key}: unsure about {word!r}: left as written")
        if len(unsure) > 20:
            info(f"{len(unsure) - 20} more unsure words; --json lists them all")
    if yes and not dry_run and changing:
        written = protecting.apply(path, changing)
        info(f"protected the titles of {len(written)} {'entry' if len(written) == 1 else 'entries'}")
    elif changing:
        info(f"{len(changing)} {'entry' if len(changing) == 1 else 'entries'} would change; "
             f"{'nothing written' if dry_run else 'pass --yes to write'}")  # fmt: skip
    else:
        info("every title keeps the capitals it needs")


@click.command(name="import", short_help="Import .bib, .ris, CSL-JSON files or a Zotero library.")
@click.argument("files", nargs=-1, required=True, type=PathParam())
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["bibtex", "ris", "csl-json", "zotero"]),
    help="Input format (default: a Zotero database by its content, others by extension).",
)
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@click.option("--collection", help="Zotero: only this collection (a name or Parent/Child) and those below it.")
@click.option("--tag", help="Zotero: only the items with this tag.")
@click.option("--update", is_flag=True, help="Zotero: show the items changed since they were imported.")
@click.option("--yes", "-y", is_flag=True, help="With --update: apply those changes.")
@click.option("--force", is_flag=True, help="With --update --yes: replace fields edited by hand too.")
@click.option("--protect", "protect_titles", is_flag=True,
              help="Write Title Case titles protected, as add does (a Zotero database's always are).")
@click.pass_obj
def import_command(state: State, files: tuple[Path, ...], format_name: str | None, dry_run: bool,
                   collection: str | None, tag: str | None, update: bool, yes: bool, force: bool,
                   protect_titles: bool) -> None:  # fmt: skip
    """Import entries from .bib, .ris or CSL-JSON files (`-` reads stdin),
    or from a Zotero library (zotero.sqlite or its data folder).

    A duplicate (an identifier an entry has, or every field the same) is
    skipped; a near-duplicate (same title, year and first author) is
    imported and named.  Keys are kept when free.  If any file fails,
    nothing is imported.

    A Zotero database is read while Zotero runs, never written.  Keys come
    from Zotero 8's citation key, Extra's "Citation Key:" or Better BibTeX;
    tags become keywords and PDFs the file field.  Importing it again adds
    what is new; --update shows items changed in Zotero since, --update
    --yes applies them (fields edited by hand are kept unless --force).

    Titles in Title Case from Zotero are written with braces around the
    words whose capitals styles must keep, as `citetool protect` would;
    those of a file are taken as written (so that what citetool exports
    imports back unchanged) unless --protect.

    \b
    Examples:
      citetool import zotero-export.bib
      citetool import --format ris --protect - < scopus.ris
      citetool import ~/Zotero --collection Thesis
      citetool import ~/Zotero/zotero.sqlite --update --yes
    """
    from citetool.actions import importing
    from citetool.actions.importing import MAX_IMPORT_BYTES

    if (yes or force) and not update:
        raise UsageError("--yes and --force go with --update")
    stdin_text = read_stdin(MAX_IMPORT_BYTES, "the input") if any(str(item) == "-" for item in files) else None
    if stdin_text is not None and format_name is None:
        raise UsageError("reading stdin needs --format bibtex|ris|csl-json")
    from citetool.actions import rekeying

    report = importing.import_files(
        state.library_path, list(files), format_name, dry_run or (update and not yes), stdin_text,
        rekeying.configured(), importing.Selection(collection, tag), update, force, protect_titles,
    )  # fmt: skip
    for message in report.warnings:
        warn(message)
    for what, existing in report.skipped:
        info(f"skipped {what}: already in the library as {existing}")
    for what, why in report.refused[:20]:
        info(f"left out {what}: {why}")
    if len(report.refused) > 20:
        info(f"{len(report.refused) - 20} more left out; the summary counts them by reason")
    for old, new in report.renamed:
        info(f"key {old} is taken; imported as {new}")
    for new, existing in report.near[:20]:
        info(f"{new} looks like a second copy of {existing} (same title, year and first author); imported, "
             "`citetool check` names both")  # fmt: skip
    if len(report.near) > 20:
        info(f"{len(report.near) - 20} more near-duplicates imported; `citetool check` names them all")
    if update:
        show_updates(report.changed, force)
    for key in report.added:
        click.echo(key)
    verb = "would import" if dry_run or (update and not yes) else "imported"
    for line in report.summaries:
        info(line)
    if not report.summaries or len(report.summaries) < len(files):
        info(f"{verb} {len(report.added)} entries, skipped {len(report.skipped)} duplicates")
    if report.changed and not update:
        info(f"{len(report.changed)} items changed in Zotero since they were imported; --update shows them")
    elif update and report.changed and not yes:
        info("nothing written; pass --yes to apply")
    elif update and yes:
        info(f"updated {len(report.updated)} entries")


@click.command(short_help="Remove entries by key; nothing else changes.")
@click.argument("keys", nargs=-1, required=True, shell_complete=complete_keys)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation on a terminal.")
@click.option("--line", type=click.IntRange(min=1), help="The entry of a repeated key that starts at this line.")
@click.pass_obj
def remove(state: State, keys: tuple[str, ...], yes: bool, line: int | None) -> None:
    """Remove entries by key; every other byte of the library stays.

    On a terminal it asks first unless --yes.  An unknown key is an error
    and nothing is removed.  A key the library has twice is removed where
    --line says (check and the error name the lines); the other stays.

    \b
    Examples:
      citetool remove smith2020deep jones2019 --yes
      citetool remove smith2020 --line 40 --yes
    """
    from citetool.actions import removing

    if not yes and sys.stdin.isatty():
        rows = removing.preview(state.library_path, list(keys))  # unknown keys are named before anything is asked
        for row in rows:
            year = f" ({row.year})" if row.year else ""
            click.echo(printable(f"  {row.key}: {row.authors or 'no author'}{year}, {row.title or 'no title'}"),
                       err=True)  # fmt: skip
        click.confirm(f"Remove {'these' if len(rows) > 1 else 'this'} from {state.library_path}?", abort=True,
                      err=True)  # fmt: skip
    for key in removing.remove_entries(state.library_path, list(keys), line):
        click.echo(key)
        info(f"removed {key} from {state.library_path}")


@click.command(short_help="Rename a key in the library and the .tex files citing it.")
@click.argument("old", shell_complete=complete_keys)
@click.argument("new")
@click.option("--tex", "mains", multiple=True, type=PathParam(), help="A main .tex file (its \\input files follow).")
@click.option("--yes", "-y", is_flag=True, help="Write the changes (without it, only show them).")
@click.option("--line", type=click.IntRange(min=1), help="The entry of a repeated key that starts at this line.")
@click.pass_obj
def rename(state: State, old: str, new: str, mains: tuple[Path, ...], yes: bool, line: int | None) -> None:
    """Rename OLD to NEW: the entry, the crossref/xdata/related/xref fields that name it, and every citation
    of it in the .tex files reached from the main files.

    Prints a unified diff; --yes writes every file, or (on any failure) none.
    Comments, verbatim text and macro definitions are never changed: lines
    where they name the key are reported.  An \\input that cannot be found,
    or a file outside the document's folder that cites the key, stops the
    rename unless --yes (such a file changes only if --tex names it).  NEW
    must be a valid key that is not taken (without case).  A key the
    library has twice is renamed in the entry --line names, and there only.

    \b
    Examples:
      citetool rename smith2020 smith2020deep --tex paper.tex
      citetool rename smith2020 smith2020deep --tex paper.tex --yes
      citetool rename smith2020 smith2020b --line 40 --yes
    """
    from citetool.actions import renaming

    plan = renaming.plan(state.library_path, [(old, new)], list(mains), line)
    _rename(plan, state.library_path, yes, f"rename {old} to {new}")


def _rename(plan: Any, library: Path, yes: bool, what: str) -> None:
    """Show a rename plan's diff and what it leaves alone; write it with ``yes``, all files or none."""
    from citetool.actions import renaming

    show_diff(plan.diffs())
    for notice in plan.notices[:20]:
        info(str(notice))
    if len(plan.notices) > 20:
        info(f"{len(plan.notices) - 20} more places name a renamed key in comments, verbatim text or definitions")
    for notice in plan.blockers:
        warn(str(notice))
    cited, count = plan.citations, len(plan.files)
    files = f"{cited} citation{'s' if cited != 1 else ''} in {count} .tex file{'s' if count != 1 else ''}"
    if not yes:
        if plan.blockers:
            raise CitetoolError(f"would {what} in {library} and {files}, but {len(plan.blockers)} place"
                                f"{'s' if len(plan.blockers) != 1 else ''} above would keep the old key and break "
                                "the document; fix them, or pass --yes to rename anyway")  # fmt: skip
        info(f"would {what} in {library} and {files}; nothing written, pass --yes")
        return
    renaming.apply(plan)
    info(f"did {what} in {library} and {files}")


@click.command(short_help="Give entries the keys the key_format pattern makes.")
@click.argument("keys", nargs=-1, shell_complete=complete_keys)
@click.option("--tex", "mains", multiple=True, type=PathParam(), help="A main .tex file whose citations follow.")
@click.option("--dry-run", is_flag=True, help="Only show what the pattern would give (the default without --yes).")
@click.option("--yes", "-y", is_flag=True, help="Rename, in the library and the .tex files.")
@click.pass_obj
def rekey(state: State, keys: tuple[str, ...], mains: tuple[Path, ...], dry_run: bool, yes: bool) -> None:
    """Show the key the key_format setting gives each entry (KEYS, or all), as `OLD<tab>NEW` lines.

    With --yes (and not --dry-run) they are renamed as `citetool rename`
    renames, all at once: in the library, in crossref/xdata/related/xref
    fields, and in the citations of the .tex files given with --tex; every
    file or none.  Without key_format, citetool's own rule is the pattern.
    Keys never change unless asked.

    \b
    Examples:
      CITETOOL_KEY_FORMAT='[auth][year]' citetool rekey --dry-run
      citetool rekey smith2020 --tex paper.tex --yes
    """
    from citetool.actions import rekeying, renaming

    changes = rekeying.plan(state.library_path, list(keys), rekeying.configured())
    if not changes:
        info("every key is already what the pattern gives")
        return
    if not yes or dry_run:
        for old, new in changes:
            click.echo(f"{old}\t{new}")
        info(f"would rename {len(changes)} key{'s' if len(changes) != 1 else ''}; nothing written, pass --yes")
        return
    plan = renaming.plan(state.library_path, changes, list(mains))
    if plan.blockers:
        for notice in plan.blockers:
            warn(str(notice))
    renaming.apply(plan)
    for old, new in changes:
        click.echo(f"{old}\t{new}")
    info(f"renamed {len(changes)} key{'s' if len(changes) != 1 else ''} in {state.library_path} and "
         f"{plan.citations} citations in {len(plan.files)} .tex files")  # fmt: skip


@click.command(short_help="Replace preprints by their published versions.")
@click.argument("keys", nargs=-1, shell_complete=complete_keys)
@click.option("--yes", "-y", is_flag=True, help="Apply the upgrades (without it, only show them).")
@click.option("--accept-weak", is_flag=True, help="With --yes, also apply matches found only by a weak search score.")
@click.option("--dry-run", is_flag=True, help="Show what would change and write nothing, even with --yes.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON (for scripts).")
@click.option("--mailto", metavar="EMAIL", help="E-mail for Crossref's polite pool.")
@TIMEOUT
@click.pass_obj
def upgrade(
    state: State, keys: tuple[str, ...], yes: bool, accept_weak: bool, dry_run: bool, as_json: bool,
    mailto: str | None, timeout: float,
) -> None:  # fmt: skip
    """Find the published versions of preprints (arXiv, bioRxiv, medRxiv, Crossref posted-content).

    Evidence, most certain first: the DOI the arXiv record names, Crossref's
    is-preprint-of / has-preprint relations, then a Crossref search scored
    on title and authors (the score is shown).  Prints each diff; --yes
    applies them, keeping each key and its eprint fields.  A weak search
    match (score below 0.9) needs --accept-weak as well.

    \b
    Examples:
      citetool upgrade
      citetool upgrade cooper2013living --yes
      citetool upgrade --dry-run --json
    """
    from citetool.actions import upgrading
    from citetool.library import file as library

    path = state.library_path
    lib = library.load(path)
    sources = make_sources(config.checked("mailto", mailto), timeout=timeout)
    with progress_bar(len(keys) if keys else len(lib.entries), "preprints") as advance:
        plan = upgrading.plan(lib, list(keys), sources.crossref, sources.arxiv, progress=advance)
    for key in plan.published:
        info(f"{key}: not a preprint (it has a venue or a publisher's DOI); left alone")
    for key in plan.not_found:
        info(f"{key}: no published version found")
    for failure in plan.failures:
        error(failure)
    if as_json:
        print_json([item.as_json() for item in plan.upgrades])
    for item in plan.upgrades:
        strength = "weak match; --accept-weak applies it" if item.weak else item.evidence
        info(f"{item.entry.key}: {item.detail} ({strength})")
        if as_json:
            continue
        show_diff(item.diff())
    chosen = [item for item in plan.upgrades if accept_weak or not item.weak]
    if yes and not dry_run and chosen:
        for key in upgrading.apply(path, chosen):
            info(f"upgraded {key}")
    elif plan.upgrades:
        info("nothing written; pass --yes to apply" if not dry_run else "nothing written (--dry-run)")
    summary = (f"{len(plan.upgrades)} with a published version ({sum(item.weak for item in plan.upgrades)} weak), "
               f"{len(plan.not_found)} without, {len(plan.failures)} failed")  # fmt: skip
    if plan.failures:
        raise PartialFailure(plan.failures, len(plan.failures) + len(plan.upgrades) + len(plan.not_found), summary)
    info(summary)
