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

import gc
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from citetool.actions.checking import Finding
from citetool.bib import protection, wordlists
from citetool.bib.entry import Entry, Literal, Value
from citetool.bib.names import parse_names
from citetool.bib.protection import Proposal, Terms
from citetool.library import caches
from citetool.library import file as library
from citetool.library.guard import Intent

#: The fields whose words are the library's evidence: its people, and its titles and abstracts.
_READ = frozenset({"author", "editor", "title", "subtitle", "booktitle", "maintitle", "abstract"})
_LOWER_WORD = re.compile(r"(?<![\\\w])[a-z]{3,}(?![\w{])")
#: How often a word must be written in lower case in the library's titles and abstracts to count as common.
COMMON_AT = 2
#: How often the library's sentence-case titles and abstracts must capitalise a word mid-sentence (and more often
#: than they write it in lower case) for it to count as a term of the field.
CASED_AT = 1
#: The same for a word the dictionary has in lower case (``Python``, ``Computer Modern``): twice at least, and twice as
#: often as in lower case, or one title's odd capital (``the Annual Meeting``) would make it a term.
CASED_LISTED_AT = 2
#: A title whose longer words are capitalised at this share or more is in Title Case, or half so (``The
#: Traveling Salesman Problem on a graph``): no evidence of case.
CASED_SHARE = 0.35
_LONG_WORD = re.compile(r"(?<![\\\w])[A-Za-z]{4,}(?![\w{])")
#: A capitalised word after a lower-case word, a digit or a comma and a space: mid-sentence (braced or not, so
#: that the braces protect writes do not change the evidence).
_MID_SENTENCE = re.compile(r"(?<=[a-z0-9,;)] )\{?([A-Z][a-z]{2,})\}?(?=[\s,;:.)?!]|$)")
#: The word after a colon and white space, in a title.
_AFTER_COLON = re.compile(r"(?<=:)\s+([A-Za-z][a-z]*)(?![\w{\\-])")
#: A single capital letter mid-sentence but the article and the pronoun (``an R package``), and a single lower-case
#: one but ``a`` (``k-means``).
_MID_LETTER = re.compile(r"(?<=[a-z0-9,;)] )[B-HJ-Z](?=[\s,;:.)?!-]|$)")
_LOWER_LETTER = re.compile(r"(?<![\\\w'’-])[b-z](?=[\s,;:.)?!-])")
_FIELD_START = r"(?i)(?<![\w-]){name}\s*=\s*"


def _names(authors: str) -> set[str]:
    found: set[str] = set()
    for name in parse_names(authors):
        if name.literal:
            continue
        for word in f"{name.given} {name.family}".replace("-", " ").split():  # Franco-Watkins: two names
            if word[:1].isupper() and word[1:].islower() and word.isalpha() and len(word) > 1:
                found.add(word)
    return found


def terms_of(lib: library.Library) -> Terms:
    """The library's evidence (see :func:`read_terms`), kept with the library's caches for the next run."""
    kept = caches.load(lib.digest, "terms") if lib.digest is not None else None
    terms = _terms_from(kept) if isinstance(kept, dict) else None
    if terms is None:
        terms = read_terms(lib)
        if lib.digest is not None:
            caches.store(lib.digest, "terms", _stored(terms))
    return terms


#: The fields of :class:`Terms` that are sets of words (kept as sorted lists).
_WORD_SETS = tuple(item.name for item in fields(Terms) if item.default == frozenset())


def _stored(terms: Terms) -> dict[str, Any]:
    """``terms`` as the caches keep them (JSON)."""
    return {**{name: sorted(getattr(terms, name)) for name in _WORD_SETS}, "after_colon": list(terms.after_colon),
            "colon_words": [list(row) for row in terms.colon_words]}


def _terms_from(kept: dict[str, Any]) -> Terms | None:
    """The terms a cache kept, or None if it kept them in another shape."""
    if not all(isinstance(kept.get(part), list) for part in (*_WORD_SETS, "after_colon", "colon_words")):
        return None
    lower, upper = (int(count) for count in kept["after_colon"])
    terms = Terms(after_colon=(lower, upper),
                  colon_words=tuple((str(word), int(down), int(up)) for word, down, up in kept["colon_words"]))
    sets: dict[str, Any] = {name: frozenset(map(str, kept[name])) for name in _WORD_SETS}
    return replace(terms, **sets)


def read_terms(lib: library.Library) -> Terms:
    """The evidence a library holds: its authors' given and family names, the words it braces one by one, the
    words its titles and abstracts write in lower case, those its sentence-case titles capitalise mid-sentence
    more often than not (``Python``, ``Computer Modern``: how the library's field writes them), and how those
    titles write the word after a colon.  Read from each entry's own fields as written (braces at any depth)."""
    names: set[str] = set()
    values: list[str] = []
    for entry in lib.entries.values():
        for name, field_value in entry.fields.items():
            literal = _literal(field_value) if name in _READ else None
            if literal is None:
                continue
            if name in ("author", "editor"):
                names |= _names(literal.text)
            else:
                values.append(literal.text)
    counts: Counter[str] = Counter()
    capitals: Counter[str] = Counter()
    after_colon: Counter[tuple[str, bool]] = Counter()  # (word in lower case, written in lower case)
    for value in values:
        counts.update(_LOWER_WORD.findall(value))
        longer = _LONG_WORD.findall(value)[1:]
        if longer and sum(word[0].isupper() for word in longer) < CASED_SHARE * len(longer):  # not Title Case
            capitals.update(_MID_SENTENCE.findall(value))
            capitals.update(_MID_LETTER.findall(value))
            counts.update(_LOWER_LETTER.findall(value))
            after_colon.update((word.lower(), word.islower()) for word in _AFTER_COLON.findall(value)
                               if word.islower() or wordlists.is_common(word))  # fmt: skip
    # Written in lower case at all, and not less often than capitalised mid-sentence (one lower-case microsoft
    # does not make a common word of a name).
    seen = {word for word, count in counts.items() if count >= capitals[word.capitalize()]}
    cased = {word for word, count in capitals.items() if count >= CASED_AT and count > counts[word.lower()]
             and (not wordlists.is_listed(word) or (count >= CASED_LISTED_AT and count >= 2 * counts[word.lower()]))}
    only = frozenset(word for word in capitals if not counts[word.lower()])
    rest, colon_words = _ways_after_colon(after_colon)
    return Terms(names=frozenset(names), votes=frozenset(protection.braced_words(lib.text)),
                 common=frozenset(word for word, count in counts.items() if count >= COMMON_AT),
                 seen=frozenset(seen), cased=frozenset(cased), only_capitalised=only, after_colon=rest,
                 colon_words=colon_words)


def _ways_after_colon(seen: Counter[tuple[str, bool]]) -> tuple[tuple[int, int], tuple[tuple[str, int, int], ...]]:
    """From how often each word was written after a colon in lower case and capitalised: the counts of each
    word seen there often enough to have a way of its own, and the counts of all the others together."""
    words = {word for word, _lower in seen}
    own = tuple(sorted((word, seen[word, True], seen[word, False]) for word in words
                       if seen[word, True] + seen[word, False] >= protection.COLON_EVIDENCE_AT))  # fmt: skip
    apart = {word for word, _down, _up in own}
    rest = (sum(count for (word, lower), count in seen.items() if lower and word not in apart),
            sum(count for (word, lower), count in seen.items() if not lower and word not in apart))
    return rest, own


def with_record(terms: Terms, *texts: str) -> Terms:
    """``terms`` and what the work's own abstract or sentence-case title says of its words."""
    capitalised: set[str] = set()
    lowered: set[str] = set()
    for text in texts:
        if text:
            more, less = protection.capitalised_mid_sentence(text)
            capitalised |= more
            lowered |= less
    return replace(terms, capitalised=frozenset(capitalised), lowered=frozenset(lowered))


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
    """A plan for each entry (``keys``, or all) with a title field, made with the library's settled terms (see
    :func:`settled`)."""
    terms, plans = settled(lib)
    if plans is None:
        plans = _plans(lib, _titled(lib, keys), terms)
    elif keys is not None:
        wanted = set(keys)
        plans = [item for item in plans if item.key in wanted]
    return plans


def _titled(lib: library.Library, keys: list[str] | None) -> list[Entry]:
    entries = [lib.entries[key] for key in keys] if keys is not None else list(lib.entries.values())
    return [entry for entry in entries if any(name in entry.fields for name in protection.TITLE_FIELDS)]


def _plans(lib: library.Library, entries: list[Entry], terms: Terms) -> list[EntryPlan]:
    text = lib.text
    memo: protection.Memo = {}
    plans = []
    for entry in entries:
        block = lib.block_of(entry.key)
        plans.append(plan_entry(entry, lib, terms, text[block.start : block.end], memo))
    return plans


#: How many times :func:`settled` plans again with the votes of the last plan.
SETTLE_ROUNDS = 3


def _outcomes(word: str, terms: Terms, colon: bool) -> list[tuple[bool, bool, bool] | None]:
    """What ``terms`` decide for ``word`` mid-sentence (or, with ``colon``, after a colon), in either case of
    title, as far as its title's braces go (see :func:`protection.bearing`).  (Votes only add evidence: a word
    lowered after a colon may be left alone, one left alone is never lowered.)"""
    found = []
    for sentence_case in (False, True):
        decision = protection.decide(word, "colon" if colon else "", sentence_case, terms)
        found.append(None if decision is None else protection.bearing(decision))
    return found


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused, and what was made meanwhile left out of its later passes (frozen):
    reading and planning a library make millions of small objects and no cycles (refcounting frees them), and
    the collector's passes over them took a fifth of a 16k library's time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if paused:
            gc.enable()


def settled(lib: library.Library) -> tuple[Terms, list[EntryPlan] | None]:
    """The library's terms with the votes its own protection will add: a word one entry's plan braces is a vote
    for the others once it is written, so the library is planned with those votes too, and a second run finds
    nothing to change.  The added votes are kept with the library's caches; when they are made here, the plans
    of every entry come with them (else None)."""
    with _without_cycle_collection():
        return _settled(lib)


def _settled(lib: library.Library) -> tuple[Terms, list[EntryPlan] | None]:
    terms = terms_of(lib)
    kept = caches.load(lib.digest, "settled") if lib.digest is not None else None
    if isinstance(kept, list) and all(isinstance(word, str) for word in kept):
        return replace(terms, votes=terms.votes | frozenset(kept)), None
    plans = _plans(lib, _titled(lib, None), terms)
    added: set[str] = set()
    fresh = plans  # the plans whose braces are not counted as votes yet
    where: dict[tuple[str, bool], set[str]] = {}  # (a decided word, lowered after a colon) -> the keys deciding it
    for _round in range(SETTLE_ROUNDS):
        for item in fresh:
            for proposal in item.proposals:
                for decision in proposal.decisions:
                    where.setdefault((decision.word, decision.lower), set()).add(item.key)
        # The votes as the written fields will give them (a sentence's braced first word is none).
        new = {word for item in fresh for proposal in item.proposals if proposal.changed
               for word in protection.braced_words("{" + proposal.after + "}")} - terms.votes
        if not new:
            break
        added |= new
        before, terms = terms, replace(terms, votes=terms.votes | new)
        # Only a title with a word whose decision the votes change is planned again (a word braced already
        # too: braced by its neighbour, a name's own evidence may now brace the word beside it).
        words = {word for word, _lower in where if protection.core(word) in new}
        changed = {(word, colon) for word in words for colon in (False, True)
                   if _outcomes(word, before, colon) != _outcomes(word, terms, colon)}
        again = set().union(*(where[key] for key in changed if key in where))
        if not again:
            break
        redone = {item.key: item for item in _plans(lib, [lib.entries[key] for key in sorted(again)], terms)}
        plans = [redone.get(item.key, item) for item in plans]
        fresh = list(redone.values())
    if lib.digest is not None:
        caches.store(lib.digest, "settled", sorted(added))
    return terms, plans


def apply(path: Path, plans: list[EntryPlan]) -> list[str]:
    """Write the changed entries (each only its own bytes); an entry edited meanwhile is left for the next run."""
    changing = [item for item in plans if item.changed and item.entry is not None]

    def change(lib: library.Library) -> tuple[bytes, list[str], Intent]:
        sources: dict[str, str] = {}
        intent = Intent()
        text = lib.text
        terms, _made = settled(lib)
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


def rewritten(source: str, before: Entry, after: Entry) -> str | None:
    """``source`` (the block ``before`` was read from) with the title fields :func:`protect_entry` changed in
    ``after``; None if one of them is not found as written (the entry is then written afresh)."""
    for name in protection.TITLE_FIELDS:
        old, new = before.fields.get(name), after.fields.get(name)
        if old is None or new is None or old == new:
            continue
        literal, changed = _literal(old), _literal(new)
        if literal is None or changed is None:
            return None
        replaced = _replace_field(source, name, literal, changed.text)
        if replaced is None:
            return None
        source = replaced
    return source


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
