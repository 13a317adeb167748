"""``citetool check``: a lint for libraries that must build with LaTeX.

Errors are things that break a build or lose data (a stray ``&``, an
undefined macro, a ``crossref`` to nowhere, a required field BibTeX will
complain about); warnings are things worth a look (biblatex's stricter
required fields, a ``url`` that only repeats the DOI).  Every finding names
the file and line, the key and field, and how to fix it.  The rules and the
required-field tables below are the whole policy.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from citetool.bib.entry import MONTH_MACROS, Entry, MacroRef, Value
from citetool.bib.escape import describe, to_ascii
from citetool.bib.pages import parse_pages
from citetool.bib.safety import dangerous_commands
from citetool.bib.work import Resolver, fingerprint
from citetool.errors import suggest
from citetool.identifiers import doi as doi_module
from citetool.library.file import Library
from citetool.tex import citations

#: Required fields of the classic BibTeX styles; ``a|b`` means either.
BIBTEX_REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal|journaltitle", "year|date"),
    "book": ("author|editor", "title", "publisher", "year|date"),
    "booklet": ("title",),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher", "year|date"),
    "incollection": ("author", "title", "booktitle", "publisher", "year|date"),
    "inproceedings": ("author", "title", "booktitle", "year|date"),
    "conference": ("author", "title", "booktitle", "year|date"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school|institution", "year|date"),
    "phdthesis": ("author", "title", "school|institution", "year|date"),
    "proceedings": ("title", "year|date"),
    "techreport": ("author", "title", "institution|school", "year|date"),
    "unpublished": ("author", "title", "note"),
    "misc": (),
}

#: Required fields of biblatex's data model (warnings: biber only warns about them).
BIBLATEX_REQUIRED: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journaltitle|journal", "date|year"),
    "book": ("author|editor", "title", "date|year"),
    "inbook": ("author", "title", "booktitle", "date|year"),
    "incollection": ("author", "title", "booktitle", "date|year"),
    "inproceedings": ("author", "title", "booktitle", "date|year"),
    "misc": ("author|editor", "title", "date|year"),
    "online": ("author|editor", "title", "date|year", "url|doi|eprint"),
    "report": ("author", "title", "type", "institution", "date|year"),
    "thesis": ("author", "title", "type", "institution|school", "date|year"),
    "dataset": ("author|editor", "title", "date|year"),
    "software": ("author|editor", "title", "date|year"),
    "collection": ("editor", "title", "date|year"),
    "proceedings": ("title", "date|year"),
    "unpublished": ("author", "title", "date|year"),
}

#: Fields the styles typeset, where a bare ``& % #`` breaks the LaTeX run.
TYPESET_FIELDS = frozenset({
    "title", "subtitle", "booktitle", "maintitle", "journal", "journaltitle", "series", "author", "editor",
    "publisher", "institution", "school", "organization", "note", "howpublished", "address", "location",
    "edition", "chapter", "type", "volume", "number", "pages",
})  # fmt: skip

#: What a non-numeric year may honestly say.
YEAR_WORDS = ("in press", "forthcoming", "to appear", "submitted", "n.d.", "in preparation", "accepted")

_UNESCAPED = re.compile(r"(?<!\\)[&%#]")
_VERBATIM_COMMANDS = re.compile(r"\\(?:url|href|path)\s*\{[^{}]*\}|\\path\|[^|]*\||\$[^$]*\$")
_DIGITS = re.compile(r"(?<![0-9])[0-9]{4,}(?![0-9])")
_DOI_INSIDE = re.compile(r"10\.\d{4,9}/[^\s\"<>{}]+")


@dataclass(frozen=True)
class Finding:
    """One problem: where, what, and how to fix it."""

    severity: str  # "error", "warning", or "note" (said, never failing a run)
    file: str
    line: int
    key: str | None
    field: str | None
    message: str

    def text(self) -> str:
        where = "".join([f" entry '{self.key}'" if self.key else "", f" field '{self.field}'" if self.field else ""])
        return f"{self.file}:{self.line}: {self.severity}:{where + ':' if where else ''} {self.message}"

    def as_json(self) -> dict[str, object]:
        return asdict(self)


#: Fields a ``crossref`` parent supplies under another name (the styles print "In <parent title>").
INHERITED_AS: dict[str, str] = {"booktitle": "title", "maintitle": "title"}


def _has(entry: Entry, alternatives: str, parent: Entry | None) -> bool:
    for name in alternatives.split("|"):
        if name in entry.fields:
            return True
        if parent is not None and (name in parent.fields or INHERITED_AS.get(name, "") in parent.fields):
            return True
    return False


def _required(entry: Entry, parent: Entry | None, file: str) -> list[Finding]:
    """Missing required fields: BibTeX's as errors, biblatex's (not already reported) as warnings."""
    kind = entry.entry_type
    found: list[Finding] = []
    reported: set[str] = set()
    for need in BIBTEX_REQUIRED.get(kind, ()):
        if not _has(entry, need, parent):
            reported.update(need.split("|"))
            message = f"@{kind} needs {need.replace('|', ' or ')}; BibTeX styles will warn or leave a gap"
            found.append(Finding("error", file, entry.line, entry.key, need.split("|")[0], message))
    for need in BIBLATEX_REQUIRED.get(kind, ()):
        if not _has(entry, need, parent) and not reported.intersection(need.split("|")):
            message = f"biblatex's @{kind} needs {need.replace('|', ' or ')}"
            found.append(Finding("warning", file, entry.line, entry.key, need.split("|")[0], message))
    return found


def missing_required(entry: Entry) -> list[str]:
    """The fields BibTeX's standard styles require of ``entry`` that it lacks (``year``, ``author or editor``)."""
    needs = BIBTEX_REQUIRED.get(entry.entry_type, ())
    return [need.replace("|", " or ") for need in needs if not _has(entry, need, None)]


def _year_finding(text: str) -> str | None:
    digits = _DIGITS.findall(text)
    if digits:
        if len(digits[0]) > 4:  # 10^30 is no year, whatever its first four digits say
            shown = digits[0] if len(digits[0]) <= 12 else digits[0][:12] + "..."
            return f"year {shown} is impossible; correct it"
        year = int(digits[0])
        # Proceedings of announced conferences are listed a few years ahead.
        if not 1000 <= year <= datetime.date.today().year + 5:
            return f"year {year} is impossible; correct it"
        return None
    if any(word in text.casefold() for word in YEAR_WORDS):
        return None
    return f"year {text!r} is not a year; use four digits (or 'in press')"


def _pages_finding(text: str) -> str | None:
    pages = parse_pages(text)
    for first, last in pages.ranges if pages is not None else ():
        numbers = last is not None and first.isdigit() and last.isdigit() and len(first) == len(last)
        if numbers and last is not None and int(last) < int(first):
            return f"page range {text!r} ends before it starts"
    return None


def check(lib: Library, keys: list[str] | None = None, companions: list[Library] | None = None) -> list[Finding]:
    """Every finding for the library (or for the entries ``keys``), in file order.

    ``companions`` are the other files of a ``\\bibliography{a,b,c}``: their
    macros and entries count as defined, but they are not checked.
    """
    file = str(lib.path)
    if companions:
        strings: dict[str, Value] = {}
        for other in companions:
            strings.update(other.strings)
        lib.document.strings = {**strings, **lib.strings}
    findings: list[Finding] = []
    wanted = set(keys) if keys else None
    for problem in lib.problems:
        if wanted is None or problem.key in wanted:
            findings.append(Finding("error" if problem.fatal else "warning", file, problem.line, problem.key, None,
                                    problem.message))  # fmt: skip
    by_lower = {key.lower(): entry for other in companions or [] for key, entry in other.entries.items()}
    by_lower.update({key.lower(): entry for key, entry in lib.entries.items()})
    first_with_doi: dict[str, str] = {}
    first_with_print: dict[str, str] = {}
    resolver = lib.resolver()
    for entry in lib.entries.values():
        if entry.doi is None:  # without a DOI, the same title, year and first author say it is the same work
            print_ = fingerprint(resolver.work(entry))
            if print_ is not None and print_ in first_with_print and (wanted is None or entry.key in wanted):
                findings.append(Finding("warning", file, entry.line, entry.key, "title",
                                        f"looks like a second copy of entry '{first_with_print[print_]}' (same title, "
                                        "year and first author); remove one, or tell them apart"))  # fmt: skip
            elif print_ is not None:
                first_with_print[print_] = entry.key
        if wanted is not None and entry.key not in wanted:
            continue
        findings.extend(_check_entry(lib, entry, by_lower, first_with_doi, file))
    return sorted(findings, key=lambda finding: finding.line)


def check_citations(lib: Library, aux_path: Path, unused: bool) -> list[Finding]:
    """What a document cites (its ``.aux`` or ``.bcf``) against the library: keys it lacks are errors, with a
    suggestion a typo away; with ``unused``, entries the document does not cite are warnings."""
    cited = citations.cited_keys(aux_path)
    present = {key.lower(): key for key in lib.keys}
    missing = [key for key in cited if key != citations.ALL and key.lower() not in present]
    close = suggest(missing, lib.keys)
    lines = citations.read(aux_path).splitlines()

    def line_of(key: str) -> int:  # the first line that names the key; 1 if only an included .aux does
        return next((number for number, line in enumerate(lines, start=1) if key in line), 1)

    found = [
        Finding("error", str(aux_path), line_of(key), key, None, f"is cited but not in {lib.path}"
                + (f"; did you mean {close[key]}?" if key in close else "; add it, or fix the citation"))
        for key in missing
    ]  # fmt: skip
    if unused and citations.ALL not in cited:
        wanted = {key.lower() for key in cited}
        found += [
            Finding("warning", str(lib.path), entry.line, entry.key, None, f"is not cited by {aux_path}")
            for entry in lib.entries.values()
            if entry.key.lower() not in wanted
        ]
    return found


def summary(findings: list[Finding], entries: int) -> str:
    """``1 error, 2 warnings in 5 entries`` (and ``, 3 notes`` when there are notes)."""
    errors = sum(finding.severity == "error" for finding in findings)
    notes = sum(finding.severity == "note" for finding in findings)
    warnings = len(findings) - errors - notes

    def plural(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    noted = f", {plural(notes, 'note', 'notes')}" if notes else ""
    return (
        f"{plural(errors, 'error', 'errors')}, {plural(warnings, 'warning', 'warnings')}{noted} "
        f"in {plural(entries, 'entry', 'entries')}"
    )


def _check_entry(
    lib: Library, entry: Entry, by_lower: dict[str, Entry], first_with_doi: dict[str, str], file: str
) -> list[Finding]:
    found: list[Finding] = []

    def add(severity: str, field: str | None, message: str) -> None:
        found.append(Finding(severity, file, entry.line, entry.key, field, message))

    parent = None
    target = entry.text("crossref", lib.strings)
    if target:
        parent = by_lower.get(target.strip().lower())
        if parent is None:
            add(
                "error",
                "crossref",
                f"points to '{target.strip()}', which is not in the library; add it or drop the field",
            )
    if parent is not None:
        _chain, cycle = Resolver(lib.strings, lambda key: by_lower.get(key.lower())).parents(entry)
        if cycle is not None:
            add("error", "crossref", f"crossref cycle {' -> '.join(cycle)}; BibTeX and biber cannot resolve it, "
                                     "point one of them elsewhere")  # fmt: skip
    if not target or parent is not None:  # a missing parent is reported once, not as every field it would give
        found.extend(_required(entry, parent, file))
    raw_doi = entry.text("doi", lib.strings)
    if raw_doi is not None:
        parsed = doi_module.parse(raw_doi.replace("\\_", "_"))
        if parsed is None:
            inner = _DOI_INSIDE.search(raw_doi)
            hint = f"write {inner.group()}" if inner else "it should look like 10.1234/abc"
            add("error", "doi", f"{raw_doi.strip()!r} is not a DOI; {hint}")
        elif parsed in first_with_doi:
            add("error", "doi", f"the same DOI ({parsed}) as entry '{first_with_doi[parsed]}'; remove one of the two")
        else:
            first_with_doi[parsed] = entry.key
    url = entry.text("url", lib.strings)
    if url and entry.doi and doi_module.from_url(url) == entry.doi:
        add("warning", "url", "only repeats the DOI; drop the url field")
    for name, value in entry.fields.items():
        found.extend(_check_value(lib, entry, name, value, file))
    return found


def _check_value(lib: Library, entry: Entry, name: str, value: Value, file: str) -> list[Finding]:
    found: list[Finding] = []

    def add(severity: str, message: str) -> None:
        found.append(Finding(severity, file, entry.line, entry.key, name, message))

    for part in value.parts:
        if isinstance(part, MacroRef):
            macro = part.name.lower()
            if macro not in lib.strings and macro not in MONTH_MACROS:
                add("error", f"uses the undefined @string macro '{part.name}'; define it or brace the value")
    text = value.resolve(lib.strings)
    dangerous = dangerous_commands(text)
    if dangerous:
        add("error", f"holds {', '.join(dangerous)}, TeX that can run programs or read and write files when the "
                     "bibliography is typeset; remove it")  # fmt: skip
    if name in TYPESET_FIELDS:
        bare = _UNESCAPED.findall(_VERBATIM_COMMANDS.sub("", text))
        if bare:
            chars = sorted(set(bare))
            escaped = " ".join("\\" + char for char in chars)
            add("error", f"unescaped {' '.join(chars)} breaks LaTeX; write {escaped} instead")
        if not text.isascii():
            missing = to_ascii(text)[1]
            if missing:
                shown = ", ".join(describe(char) for char in missing[:5])
                add("warning", f"{shown} has no LaTeX form; classic BibTeX with pdflatex cannot typeset it")
    if name == "year":
        message = _year_finding(text)
        if message:
            add("error" if "impossible" in message else "warning", message)
    if name == "pages":
        message = _pages_finding(text)
        if message:
            add("error", message)
    return found
