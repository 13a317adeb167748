"""Which words of a title need braces to keep their capitals, on evidence, and the title with those braces.

BibTeX's styles (``change.case$``) and biblatex's ``\\MakeSentenceCase``
lower-case every letter of a title outside braces, but the first and the
first after a colon; CSL styles title- or sentence-case it.  So a word
whose capitals are part of it must be braced: ``{Markov}``, ``{DNA}``,
``{iPhone}``.  Braces go around the word, never around the whole title
(which no style could then sentence-case).

A word is braced only on evidence, and each decision says which:

* its shape: capitals after the first letter (``DNA``, ``GaN``, ``LaTeX``),
  capitals with digits (``COVID-19``, ``H2O``), the pronoun ``I``;
* the title itself, when it is in sentence case: a capital in the middle
  of a sentence was put there on purpose;
* the work's abstract, or a sentence-case title of the same work (PubMed's),
  where the word is capitalised mid-sentence;
* term lists: CLDR's countries, languages, months and weekdays; the family
  names of the library's authors; the words the library already braces, and
  those its sentence-case titles capitalise mid-sentence more often than not
  (``Python``: the field's own way of writing it, even for a common word);
* the dictionary (:mod:`citetool.bib.wordlists`): written capitalised only
  (``Java``), or in no English word list at all (``Markov``, ``Europe``).

A capitalised word of a Title Case title that is a common English word
(``Chains``) gets no braces: a style should lower it.  A word whose
evidence disagrees (``March`` is a month and a verb; ``Brown`` an author and
a colour) is left alone and reported as unsure.  Titles in another
language are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from citetool.bib import wordlists

#: The fields a style may case, in the order they are shown.
TITLE_FIELDS = ("title", "subtitle", "booktitle", "maintitle")
#: ``langid``/``language`` values that mean English (anything else is another language, left alone).
ENGLISH = frozenset({"english", "american", "british", "canadian", "australian", "newzealand", "usenglish",
                     "ukenglish", "en", "en-us", "en-gb", "eng"})  # fmt: skip
#: Prefixes written with a hyphen (``Pre-Proceedings``, ``Non-Linear``): common words, whatever the dictionary.
HYPHEN_PREFIXES = frozenset(
    "pre post non anti multi semi co re sub inter intra self cross meta micro macro nano bio geo neuro socio "
    "quasi pseudo ultra hyper super trans mid over under out de un".split()
)  # fmt: skip
#: Chemical element symbols of two letters: a capital a style must keep (``Fe``, ``Zn``), unless a common word.
ELEMENTS = frozenset(
    "He Li Be Ne Na Mg Al Si Cl Ar Ca Sc Ti Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Zr Nb Mo Tc Ru Rh Pd Ag Cd "
    "In Sn Sb Te Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr "
    "Ra Ac Th Pa Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og".split()
)  # fmt: skip

_TOKEN = re.compile(r"[^\W\d_][\w]*(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Terms:
    """What counts as evidence beyond the word itself: from the library, and from the work's own record."""

    names: frozenset[str] = frozenset()  # given and family names of the library's authors
    votes: frozenset[str] = frozenset()  # words the library braces somewhere
    capitalised: frozenset[str] = frozenset()  # words the abstract or a sentence-case title capitalises mid-sentence
    lowered: frozenset[str] = frozenset()  # words the abstract or a sentence-case title writes in lower case
    common: frozenset[str] = frozenset()  # words the library's titles and abstracts write in lower case, often
    cased: frozenset[str] = frozenset()  # words its sentence-case titles capitalise mid-sentence, more than not


@dataclass(frozen=True)
class Decision:
    """One capitalised word: whether it gets braces, and why."""

    word: str
    protect: bool
    evidence: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"word": self.word, "protect": self.protect, "evidence": list(self.evidence)}


@dataclass
class Proposal:
    """A title field's text before and after, with every decision."""

    name: str
    before: str
    after: str
    decisions: list[Decision] = field(default_factory=list)
    whole_braced: bool = False  # the whole value is one brace group: no style can case it
    skipped: str = ""  # why the field was left alone

    @property
    def unsure(self) -> list[str]:
        return [decision.word for decision in self.decisions if not decision.protect and decision.evidence
                and decision.evidence[0].startswith("unsure")]  # fmt: skip

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def as_json(self) -> dict[str, object]:
        return {"field": self.name, "before": self.before, "after": self.after, "whole_braced": self.whole_braced,
                "skipped": self.skipped, "words": [decision.as_json() for decision in self.decisions],
                "unsure": self.unsure}  # fmt: skip


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int
    first: bool  # the first word of the title or after a colon: styles keep its first letter anyway


_PIECE = re.compile(r"\\[A-Za-z]+|\\.|[{}]|:|[^\W\d_]\w*(?:['’][^\W\d_]+)?|\d")


def _words(text: str) -> list[_Word]:
    """The words outside braces (styles case only those), with their spans; a word that runs into a command
    or a group (``G\\"odel``) is no word here."""
    words: list[_Word] = []
    depth = 0
    sentence_start = True
    length = len(text)
    for match in _PIECE.finditer(text):
        piece = match.group()
        first = piece[0]
        if first == "\\":
            sentence_start = False
        elif first == "{":
            depth += 1
        elif first == "}":
            depth -= 1
        elif depth:
            continue
        elif first == ":":
            sentence_start = True  # BibTeX keeps the first letter after a colon, not after a full stop
        elif first.isdigit():
            sentence_start = False
        else:
            start, end = match.span()
            if not ((start and text[start - 1] in "}\\") or (end < length and text[end] in "{\\")):
                words.append(_Word(piece, start, end, sentence_start))
            sentence_start = False
    return words


def whole_group(text: str) -> str | None:
    """The inside of a title braced whole (``{A Title}`` -> ``A Title``), else None."""
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    depth = 0
    for index, char in enumerate(stripped):
        if char == "\\":
            continue
        depth += (char == "{") - (char == "}")
        if depth == 0 and index < len(stripped) - 1:
            return None
    return stripped[1:-1]


def is_title_case(text: str, words: list[_Word] | None = None) -> bool:
    """Whether the words of ``text`` beyond each sentence's first are mostly capitalised (as publishers deposit
    titles), rather than in sentence case."""
    words = _words(text) if words is None else words
    content = [word.text for word in words if not word.first and word.text.lower() not in wordlists.SMALL_WORDS
               and text[max(0, word.start - 1) : word.start] != "-"]  # fmt: skip
    if not content:
        return False
    capitals = sum(word[0].isupper() for word in content)
    return capitals / len(content) >= 0.75


#: Small words of the languages most often cited besides English: a title with more of them than of English's
#: small words is in another language.
FOREIGN_SMALL_WORDS = frozenset(
    "der die das und ein eine einer eines zur zum von mit für auf im bei aus über le la les des du une et dans "
    "pour sur au aux avec par est el los las y del para por con una lo il gli di della delle dei e per che nel "
    "een het van en voor op met och att på för av og til ikke em da do dos das na não".split()
)  # fmt: skip


def looks_english(text: str, found: list[_Word] | None = None) -> bool:
    """Whether a title reads as English: English's small words outnumber other languages' (or, with neither,
    most of its longer words are English)."""
    words = [word.text.lower() for word in (_words(text) if found is None else found)]
    english = sum(word in wordlists.SMALL_WORDS for word in words)
    foreign = sum(word in FOREIGN_SMALL_WORDS for word in words)
    if english or foreign:
        return english >= foreign
    content = [word for word in words if len(word) > 3]
    if len(content) < 3:
        return True
    return sum(wordlists.is_known(word) for word in content) / len(content) >= 0.5


@lru_cache(maxsize=65536)
def _shape(word: str) -> str | None:
    core = re.split(r"['’]", word)[0]
    if any(char.isupper() for char in core[1:]):
        return "shape: acronym" if core.isupper() else "shape: capitals inside the word"
    if core[:1].isupper() and any(char.isdigit() for char in core):
        return "shape: capital and digits"
    if core in ELEMENTS and not wordlists.is_common(core):
        return "shape: chemical element symbol"
    return None


def decide(word: str, first: bool, sentence_case: bool, terms: Terms) -> Decision | None:
    """Whether the capitalised ``word`` keeps its capitals; None for a word with none to keep."""
    if not any(char.isupper() for char in word):
        return None
    shape = _shape(word)
    if shape is not None:
        return Decision(word, True, (shape,))
    if first or not word[0].isupper():
        return None  # the style keeps a sentence's first capital
    core = re.split(r"['’]", word)[0]
    if core == "I":
        return Decision(word, True, ("the pronoun I",))
    if len(core) == 1:
        return Decision(word, sentence_case, ("a single capital letter in sentence case",) if sentence_case else
                        ("unsure: a single capital letter in Title Case",))  # fmt: skip
    if core.lower() in wordlists.SMALL_WORDS:
        return Decision(word, False, ("a small word",))
    for_it: list[str] = []
    if sentence_case:
        for_it.append("capitalised mid-sentence (the title is in sentence case)")
    if core in terms.capitalised and core not in terms.lowered:
        for_it.append("capitalised mid-sentence in the work's abstract or another title of it")
    kind = wordlists.cldr_terms().get(core)
    lower = core.lower()
    common = wordlists.is_common(core) or lower in terms.common or lower in HYPHEN_PREFIXES
    against: list[str] = []
    if kind in ("country or region", "language"):
        for_it.append(f"CLDR: a {kind}")
    elif kind is not None:
        (against if common else for_it).append(f"CLDR: a {kind}")
    if core in terms.names:
        named = not common or wordlists.is_capitalised_word(core)  # John: a name first, whatever else it is
        (for_it if named else against).append("a name of the library's authors")
    if core in terms.votes:
        (against if common else for_it).append("braced elsewhere in the library")
    if core in terms.cased:
        for_it.append("capitalised mid-sentence in the library's sentence-case titles, more often than not")
    if core.lower() in terms.lowered and core not in terms.capitalised:
        return Decision(word, False, ("written in lower case in the work's abstract or another title of it",))
    if wordlists.is_capitalised_word(core) and not common:
        for_it.append("dictionary: written capitalised")
    elif not common and not wordlists.is_known(core):
        for_it.append("dictionary: no English word")
    if for_it:
        return Decision(word, True, tuple(for_it))
    if against:
        return Decision(word, False, tuple(f"unsure: {reason}, and a common word" for reason in against))
    return Decision(word, False, ("a common English word",))


#: Decisions already made with one :class:`Terms`, by (word, first, sentence case): a library repeats its words.
Memo = dict[tuple[str, bool, bool], "Decision | None"]


def propose(name: str, text: str, terms: Terms, language: str | None = None, unbrace: bool = False,
            memo: Memo | None = None) -> Proposal:  # fmt: skip
    """The braces ``text`` (the field ``name``) needs; with ``unbrace``, a title braced whole is freed first.
    ``memo`` keeps decisions for the next title decided with the same ``terms``."""
    proposal = Proposal(name, text, text)
    if language and language.strip().lower() not in ENGLISH:
        proposal.skipped = f"language {language.strip()!r}: its capitals are left as written"
        return proposal
    inner = whole_group(text)
    proposal.whole_braced = inner is not None
    if inner is not None and not unbrace:
        return proposal
    working = inner if inner is not None else text
    words = _words(working)
    if not looks_english(working, words):
        proposal.skipped = "does not read as English: its capitals are left as written"
        return proposal
    sentence_case = not is_title_case(working, words)
    spans: list[tuple[int, int]] = []
    for word in words:
        if memo is None:
            decision = decide(word.text, word.first, sentence_case, terms)
        else:
            asked = (word.text, word.first, sentence_case)
            decision = memo[asked] if asked in memo else memo.setdefault(asked, decide(*asked, terms))
        if decision is None:
            continue
        proposal.decisions.append(decision)
        if decision.protect:
            spans.append((word.start, word.end))
    after = working
    for start, end in reversed(spans):
        after = after[:start] + "{" + after[start:end] + "}" + after[end:]
    proposal.after = after
    return proposal


_BRACED_WORD = re.compile(r"(?<![\\\w])\{([A-Z][a-z]+(?:['’]s)?)\}")


def braced_words(text: str) -> Iterable[str]:
    """The capitalised words ``text`` braces one by one (``{Markov}``): the library's votes."""
    for match in _BRACED_WORD.finditer(text):
        yield re.split(r"['’]", match.group(1))[0]


#: A sentence's end just before a word: its full stop, question or exclamation mark, and the space after it.
_SENTENCE_END = re.compile(r"[.?!][\"')\]]*\s+\Z")


def capitalised_mid_sentence(text: str) -> tuple[set[str], set[str]]:
    """The words ``text`` (an abstract, a sentence-case title) capitalises mid-sentence, and those it writes in
    lower case."""
    capitalised: set[str] = set()
    lowered: set[str] = set()
    for word in _words(text):
        core = re.split(r"['’]", word.text)[0]
        if word.first or _SENTENCE_END.search(text[max(0, word.start - 8) : word.start]):
            continue  # a sentence's first word says nothing of its case
        if core[:1].isupper() and core[1:].islower():
            capitalised.add(core)
        elif core.islower():
            lowered.add(core)
    return capitalised, lowered
