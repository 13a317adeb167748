"""``citetool protect``: braces around the title words whose capitals every style must keep.

The decisions are :mod:`citetool.bib.protection`'s; this module gathers the
library's evidence (its authors' family names and the words it already
braces, read once from the file's text and kept with the library's other
caches), plans the change of each entry's title fields, and writes it: only
the field's text changes, the rest of the entry keeps its bytes.  ``add``
and ``import`` protect titles that arrive in Title Case the same way
(:func:`protect_entry`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citetool.actions.checking import Finding
from citetool.bib import protection
from citetool.bib.entry import Entry, Literal, Value
from citetool.bib.names import parse_names
from citetool.bib.protection import Proposal, Terms
from citetool.library import caches
from citetool.library import file as library
from citetool.library.guard import Intent

_VALUE = r"\s*=\s*[{\"]((?:[^{}]|\{[^{}]*\})*)[}\"]"
_AUTHOR_FIELD = re.compile(r"(?i)\b(?:author|editor)" + _VALUE)
_TITLE_FIELD = re.compile(r"(?i)\b(?:title|subtitle|booktitle|maintitle|abstract)" + _VALUE)
_LOWER_WORD = re.compile(r"(?<![\\\w])[a-z]{3,}(?![\w{])")
#: How often a word must be written in lower case in the library's titles and abstracts to count as common.
COMMON_AT = 2
#: How often the library's sentence-case titles and abstracts must capitalise a word mid-sentence (and more often
#: than they write it in lower case) for it to count as a term of the field.
CASED_AT = 1
#: A title whose longer words are capitalised at this share or more is in Title Case: no evidence of case.
CASED_SHARE = 0.6
_LONG_WORD = re.compile(r"(?<![\\\w])[A-Za-z]{4,}(?![\w{])")
#: A capitalised word after a lower-case word, a digit or a comma and a space: mid-sentence.
_MID_SENTENCE = re.compile(r"(?<=[a-z0-9,;)] )[A-Z][a-z]{2,}(?=[\s,;:.)?!]|$)")
_FIELD_START = r"(?i)(?<![\w-]){name}\s*=\s*"


def _names(authors: str) -> set[str]:
    found: set[str] = set()
    for name in parse_names(authors):
        if name.literal:
            continue
        for word in f"{name.given} {name.family}".split():
            if word[:1].isupper() and word[1:].islower() and word.isalpha() and len(word) > 1:
                found.add(word)
    return found


def terms_of(lib: library.Library) -> Terms:
    """The library's evidence: its authors' given and family names, the words it braces one by one, the words
    its titles and abstracts write in lower case, and those its sentence-case titles and abstracts capitalise
    mid-sentence more often than not (``Python``, ``Computer Modern``: how the library's field writes them).

    Read with patterns over the file's text (a 16,000-entry library in a
    fraction of a second), and kept for libraries big enough to have caches.
    """
    parts = ("names", "votes", "common", "cased")
    kept = caches.load(lib.digest, "terms") if lib.digest is not None else None
    if isinstance(kept, dict) and all(isinstance(kept.get(part), list) for part in parts):
        return Terms(names=frozenset(map(str, kept["names"])), votes=frozenset(map(str, kept["votes"])),
                     common=frozenset(map(str, kept["common"])), cased=frozenset(map(str, kept["cased"])))
    text = lib.text
    names: set[str] = set()
    for match in _AUTHOR_FIELD.finditer(text):
        names |= _names(match.group(1))
    votes = set(protection.braced_words(text))
    counts: Counter[str] = Counter()
    capitals: Counter[str] = Counter()
    for match in _TITLE_FIELD.finditer(text):
        value = match.group(1)
        counts.update(_LOWER_WORD.findall(value))
        longer = _LONG_WORD.findall(value)[1:]
        if longer and sum(word[0].isupper() for word in longer) < CASED_SHARE * len(longer):  # not Title Case
            capitals.update(_MID_SENTENCE.findall(value))
    common = {word for word, count in counts.items() if count >= COMMON_AT}
    cased = {word for word, count in capitals.items() if count >= CASED_AT and count > counts[word.lower()]}
    if lib.digest is not None:
        caches.store(lib.digest, "terms", {"names": sorted(names), "votes": sorted(votes), "common": sorted(common),
                                           "cased": sorted(cased)})  # fmt: skip
    return Terms(names=frozenset(names), votes=frozenset(votes), common=frozenset(common), cased=frozenset(cased))


def with_record(terms: Terms, *texts: str) -> Terms:
    """``terms`` and what the work's own abstract or sentence-case title says of its words."""
    capitalised: set[str] = set()
    lowered: set[str] = set()
    for text in texts:
        if text:
            more, less = protection.capitalised_mid_sentence(text)
            capitalised |= more
            lowered |= less
    return Terms(terms.names, terms.votes, frozenset(capitalised), frozenset(lowered), terms.common, terms.cased)


@dataclass
class EntryPlan:
    """The title fields of one entry, before and after."""

    key: str
    line: int
    proposals: list[Proposal] = field(default_factory=list)
    entry: Entry | None = None  # the entry as it will be written, if anything changes
    source: str = ""  # its block's text as it will be written

    @property
    def changed(self) -> bool:
        return any(proposal.changed for proposal in self.proposals)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "line": self.line, "changed": self.changed,
                "fields": [proposal.as_json() for proposal in self.proposals]}  # fmt: skip


def _language(entry: Entry, lib: library.Library) -> str | None:
    return entry.text("langid", lib.strings) or entry.text("language", lib.strings)


def _literal(value: Value) -> Literal | None:
    """The one literal a value is, or None (macros, ``#``): only such values are changed."""
    if len(value.parts) == 1 and isinstance(value.parts[0], Literal) and value.parts[0].delimiter in "{\"":
        return value.parts[0]
    return None


def _replace_field(block: str, name: str, literal: Literal, text: str) -> str | None:
    """``block`` with field ``name``'s literal ``literal`` holding ``text`` instead; None if it is not found."""
    closer = "}" if literal.delimiter == "{" else '"'
    old = f"{literal.delimiter}{literal.text}{closer}"
    for match in re.finditer(_FIELD_START.format(name=re.escape(name)), block):
        if block.startswith(old, match.end()):
            return block[: match.end()] + f"{literal.delimiter}{text}{closer}" + block[match.end() + len(old) :]
    return None


def plan_entry(entry: Entry, lib: library.Library, terms: Terms, block_text: str | None,
               memo: protection.Memo | None = None) -> EntryPlan:  # fmt: skip
    """What ``protect`` would do to ``entry``; ``block_text`` is its source in the file (None: not written).
    ``memo``: decisions made with ``terms`` alone, used for an entry without an abstract of its own."""
    result = EntryPlan(entry.key, entry.line)
    abstract = entry.text("abstract", lib.strings) or ""
    entry_terms = with_record(terms, abstract) if abstract else terms
    memo = memo if not abstract else None
    language = _language(entry, lib)
    fields = dict(entry.fields)
    source = block_text
    for name in protection.TITLE_FIELDS:
        value = entry.fields.get(name)
        if value is None:
            continue
        literal = _literal(value)
        if literal is None:
            result.proposals.append(Proposal(name, value.source(), value.source(),
                                             skipped="uses @string macros or #: left as written"))  # fmt: skip
            continue
        proposal = protection.propose(name, literal.text, entry_terms, language, unbrace=True, memo=memo)
        result.proposals.append(proposal)
        if not proposal.changed:
            continue
        fields[name] = Value((Literal(proposal.after, literal.delimiter),))
        if source is not None:
            replaced = _replace_field(source, name, literal, proposal.after)
            if replaced is None:
                proposal.after, proposal.skipped = proposal.before, "not found as written; left alone"
                fields[name] = value
                continue
            source = replaced
    if result.changed:
        result.entry = Entry(entry.key, entry.entry_type, fields, entry.line)
        result.source = source or ""
    return result


def plan(lib: library.Library, keys: list[str] | None) -> list[EntryPlan]:
    """A plan for each entry (``keys``, or all) with a title field."""
    terms = terms_of(lib)
    entries = [lib.entries[key] for key in keys] if keys is not None else list(lib.entries.values())
    text = lib.text
    plans = []
    memo: protection.Memo = {}
    for entry in entries:
        if not any(name in entry.fields for name in protection.TITLE_FIELDS):
            continue
        block = lib.block_of(entry.key)
        plans.append(plan_entry(entry, lib, terms, text[block.start : block.end], memo))
    return plans


def apply(path: Path, plans: list[EntryPlan]) -> list[str]:
    """Write the changed entries (each only its own bytes); an entry edited meanwhile is left for the next run."""
    changing = [item for item in plans if item.changed and item.entry is not None]

    def change(lib: library.Library) -> tuple[bytes, list[str], Intent]:
        sources: dict[str, str] = {}
        intent = Intent()
        text = lib.text
        terms = terms_of(lib)
        for item in changing:
            if item.key not in lib.entries:
                continue
            block = lib.block_of(item.key)
            current = text[block.start : block.end]
            again = plan_entry(lib.entries[item.key], lib, terms, current)
            if again.entry is not None and again.source == item.source:
                sources[item.key] = item.source.replace(lib.newline, "\n")
                intent.replaced[item.key] = again.entry
        return lib.replaced(sources), list(sources), intent

    return library.edit(path, change)


def protect_entry(entry: Entry, terms: Terms, *evidence: str) -> Entry:
    """``entry`` (made by citetool from a record) with its Title Case titles protected: what ``add`` and
    ``import`` write.  ``evidence``: the record's abstract, a sentence-case title of the same work."""
    entry_terms: Terms | None = None  # the evidence is read only for an entry with a Title Case title
    fields = dict(entry.fields)
    language = entry.fields.get("langid") or entry.fields.get("language")
    for name in protection.TITLE_FIELDS:
        value = fields.get(name)
        literal = _literal(value) if value is not None else None
        if literal is None or not protection.is_title_case(literal.text):
            continue
        entry_terms = entry_terms or with_record(terms, *evidence)
        proposal = protection.propose(name, literal.text, entry_terms,
                                      language.resolve({}) if language is not None else None)  # fmt: skip
        if proposal.changed:
            fields[name] = Value((Literal(proposal.after, literal.delimiter),))
    return Entry(entry.key, entry.entry_type, fields, entry.line)


def diff(lib: library.Library, plans: list[EntryPlan], label: str) -> str:
    """A unified diff of the library file for the plans that change something (``patch`` applies it)."""
    from citetool.actions.renaming import line_diff

    text = lib.text
    pieces: list[str] = []
    position = 0
    for item in sorted((item for item in plans if item.changed), key=lambda item: lib.block_of(item.key).start):
        block = lib.block_of(item.key)
        pieces += [text[position : block.start], item.source]
        position = block.end
    pieces.append(text[position:])
    return line_diff(label, text, "".join(pieces))


def lowered_by_style(lib: library.Library, keys: list[str], aux_path: Path) -> list[Finding]:
    """``check --aux``'s warnings for the cited titles whose capitals the document's style lowers: the words
    :func:`plan` would brace that real BibTeX, run with the ``.aux``'s ``\\bibstyle``, prints in lower case
    (for a ``.bcf``, or without BibTeX: biblatex's sentence-case rule, which lowers every word outside braces)."""
    from citetool.bib.source import entry_source
    from citetool.tex import bibtex, citations

    plans = [item for item in plan(lib, keys) if item.changed]
    style = citations.bibliography_style(aux_path)
    printed = None
    if plans and style and bibtex.available():
        source = "".join(f"@string{{{name} = {value.source()}}}\n" for name, value in lib.strings.items())
        source += "\n".join(entry_source(lib.entries[item.key]) for item in plans)
        printed = bibtex.printed(source, [item.key for item in plans], style, aux_path.parent)
    who = f"BibTeX with {style}.bst" if printed is not None else "BibTeX and biblatex styles"
    return _findings(lib, plans, printed, who, "warning")


#: What plain ``check`` says lowers a title's capitals, without a document to name its style.
ANY_STYLE = "BibTeX styles and biblatex's sentence case"


def unprotected(lib: library.Library, keys: list[str] | None) -> list[Finding]:
    """Plain ``check``'s notes: the titles with words :func:`plan` would brace, which BibTeX's styles and
    biblatex's sentence case would print in lower case.  Notes, not warnings: without a document, citetool
    cannot know that its style cases titles at all.  Kept with the library's caches (a big library's plan
    takes seconds)."""
    kept = caches.load(lib.digest, "unprotected") if lib.digest is not None else None
    if isinstance(kept, list) and all(isinstance(row, list) and len(row) == 3 for row in kept):
        rows = [(str(key), str(name), [str(word) for word in words]) for key, name, words in kept]
    else:
        rows = [(item.key, proposal.name, [decision.word for decision in proposal.decisions if decision.protect])
                for item in plan(lib, None) if item.changed for proposal in item.proposals if proposal.changed]
        if lib.digest is not None:
            caches.store(lib.digest, "unprotected", [list(row) for row in rows])
    wanted = set(keys) if keys else None
    return [_finding(lib, key, name, words, ANY_STYLE, "note") for key, name, words in rows
            if words and (wanted is None or key in wanted) and key in lib.entries]  # fmt: skip


def _finding(lib: library.Library, key: str, name: str, words: list[str], who: str, severity: str) -> Finding:
    shown = ", ".join(words[:6]) + (f" and {len(words) - 6} more" if len(words) > 6 else "")
    return Finding(severity, str(lib.path), lib.entries[key].line, key, name,
                   f"{shown} would print in lower case with {who}; `citetool protect {key}` braces them")  # fmt: skip


def _findings(lib: library.Library, plans: list[EntryPlan], printed: dict[str, str] | None, who: str,
              severity: str) -> list[Finding]:  # fmt: skip
    found = []
    for item in plans:
        block = printed.get(item.key, "") if printed is not None else ""
        for proposal in item.proposals:
            words = [decision.word for decision in proposal.decisions if decision.protect]
            if printed is not None:  # what this style really lowers: the word is there, in lower case only
                words = [word for word in words if _lowered(word, block)]
            if words and proposal.changed:
                found.append(_finding(lib, item.key, proposal.name, words, who, severity))
    return found


def _lowered(word: str, printed: str) -> bool:
    """Whether ``printed`` holds ``word`` only with other capitals (``Dna``, ``markov``)."""
    pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
    return re.search(pattern, printed, re.IGNORECASE) is not None and re.search(pattern, printed) is None
