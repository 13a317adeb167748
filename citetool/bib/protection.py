"""Which words of a title need braces to keep their capitals, on evidence, and the title with those braces.

BibTeX's styles (``change.case$``) and biblatex's ``\\MakeSentenceCase``
lower-case every letter of a title outside braces, but the first and the
first after a colon; CSL styles title- or sentence-case it.  So a word
whose capitals are part of it must be braced: ``{Markov}``, ``{DNA}``,
``{iPhone}``.  Braces go around the word, never around the whole title
(which no style could then sentence-case).

A word is braced only on evidence, and each decision says which:

* its shape: capitals after the first letter (``DNA``, ``GaN``, ``LaTeX``),
  capitals with digits (``COVID-19``, ``3D``), a letter joined to an acronym
  (``ACT-R``), the pronoun ``I``;
* its place: a sentence's first word after ``?``, ``!`` or a full stop
  (``Why Do We Remember? {The} Function``), which BibTeX lowers;
* the title itself, when it is in sentence case: a capital in the middle
  of a sentence was put there on purpose;
* the work's abstract, or a sentence-case title of the same work (PubMed's),
  where the word is capitalised mid-sentence;
* term lists: CLDR's countries, languages, months and weekdays (a month
  beside a date's number); the family names of the library's authors (and a
  name beside one: ``Don Knuth``); the words the library already braces, and
  those its sentence-case titles capitalise mid-sentence more often than not
  (``Python``: the field's own way of writing it, even for a common word);
* the dictionary (:mod:`citetool.bib.wordlists`): written capitalised only
  (``Java``), or in no English word list at all (``Markov``, ``Europe``),
  nor made from listed words (``cutset``, ``somatosensory`` are common).

A capitalised word of a Title Case title that is a common English word
(``Chains``) gets no braces: a style should lower it.  A word whose
evidence disagrees (``March`` is a month and a verb; ``Brown`` an author and
a colour) is left alone and reported as unsure.  Titles in another
language are left alone.

BibTeX keeps the letter after a colon as the field has it, and publishers
capitalise it.  Where the library's own sentence-case titles write a common
word there in lower case (twice as often as not), a Title Case title gets
an empty group after its colon (``Kernels:{} A Survey``): BibTeX then lowers
the letter (``Kernels: a survey``), and styles that print titles as written
print nothing of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from citetool.bib import wordlists

#: The fields a style may case, in the order they are shown.
TITLE_FIELDS = ("title", "subtitle", "booktitle", "maintitle")
#: ``langid``/``language`` values that mean English (anything else is another language, left alone).
ENGLISH = frozenset({"english", "american", "british", "canadian", "australian", "newzealand", "usenglish",
                     "ukenglish", "en", "en-us", "en-gb", "eng"})  # fmt: skip
#: Chemical element symbols of two letters: a capital a style must keep (``Fe``, ``Zn``), unless a common word.
ELEMENTS = frozenset(
    "He Li Be Ne Na Mg Al Si Cl Ar Ca Sc Ti Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Zr Nb Mo Tc Ru Rh Pd Ag Cd "
    "In Sn Sb Te Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr "
    "Ra Ac Th Pa Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og".split()
)  # fmt: skip

#: How many times the library's sentence-case titles must have a word after a colon before their way counts.
COLON_EVIDENCE_AT = 5
#: How many times more often than capitalised a word must be written in lower case after a colon for that to be
#: the library's way (62 against 58 is no way).
COLON_WAY = 2
#: Words ending in a full stop that end no sentence (``et al.``, ``vs.``, ``Vol. 2``).
ABBREVIATIONS = frozenset(
    "al vs etc eg ie cf no nos vol vols dr mr mrs ms st prof fig figs eq eqs ed eds pp jr sr inc ltd co corp univ "
    "dept proc natl acad sci int conf symp trans rev lett phys chem biol med res eng math comput soc assoc".split()
)  # fmt: skip
#: Latin, borrowed and clipped words English titles write in lower case (``et al.``, ``in vivo``, ``max-flow``,
#: ``von Neumann``): common words, though no English word list has them.
LOANWORDS = frozenset(
    "et al alia vivo vitro situ silico novo priori posteriori hoc memoriam bona fide initio ante versa quo sic "
    "infinitum passim ibid vs versus cf max min von deja vu".split()
)  # fmt: skip

#: A contraction's ending: ``Don't`` is ``Do``'s, not a name ``Don``'s.
_CONTRACTION = re.compile(r"n['’]t\Z|['’](?:ll|re|ve)\Z")
_APOSTROPHE = re.compile(r"['’]")


@dataclass(frozen=True)
class Terms:
    """What counts as evidence beyond the word itself: from the library, and from the work's own record."""

    names: frozenset[str] = frozenset()  # given and family names of the library's authors
    votes: frozenset[str] = frozenset()  # words the library braces somewhere
    capitalised: frozenset[str] = frozenset()  # words the abstract or a sentence-case title capitalises mid-sentence
    lowered: frozenset[str] = frozenset()  # words the abstract or a sentence-case title writes in lower case
    common: frozenset[str] = frozenset()  # words the library's titles and abstracts write in lower case, often
    seen: frozenset[str] = frozenset()  # words they write in lower case at all (domatic, voxels: terms of the field)
    cased: frozenset[str] = frozenset()  # words its sentence-case titles capitalise mid-sentence, more than not
    #: Words its sentence-case titles capitalise mid-sentence and that it never writes in lower case at all.
    only_capitalised: frozenset[str] = frozenset()
    #: How the library's sentence-case titles write a common word after a colon: (in lower case, capitalised),
    #: over the words that are not in :attr:`colon_words`.
    after_colon: tuple[int, int] = (0, 0)
    #: (word in lower case, times in lower case, times capitalised) after a colon, for the words seen there often
    #: enough to have a way of their own (``a``: ``Kernels: A survey`` may be the way while others are lowered).
    colon_words: tuple[tuple[str, int, int], ...] = ()

    def way_after_colon(self, word: str) -> tuple[int, int]:
        """How often the library writes ``word`` after a colon in lower case and capitalised: its own counts when
        it has them, else those of every other common word."""
        lower = word.lower()
        for known, down, up in self.colon_words:
            if known == lower:
                return down, up
        return self.after_colon


@dataclass(frozen=True)
class Decision:
    """One capitalised word: whether it gets braces, and why."""

    word: str
    protect: bool
    evidence: tuple[str, ...]
    lower: bool = False  # the first word after a colon, to be printed in lower case as the library writes it

    def as_json(self) -> dict[str, object]:
        return {"word": self.word, "protect": self.protect, "lower": self.lower, "evidence": list(self.evidence)}


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


class _Word(NamedTuple):  # a tuple: titles have many words, and a frozen dataclass is slow to make
    text: str
    start: int
    end: int
    #: What the word opens: ``title`` or ``colon`` (BibTeX keeps its first letter), ``sentence`` (after ``?``,
    #: ``!`` or a full stop: BibTeX lowers it all the same), or nothing.
    opens: str = ""

    @property
    def first(self) -> bool:
        """Whether styles keep this word's first letter anyway (the title's first, the first after a colon)."""
        return self.opens in ("title", "colon")


_PIECE = re.compile(r"\\[A-Za-z]+|\\.|[{}]|[:?!.]|(?:\d+(?=[A-Z]))?[^\W\d_]\w*(?:['’][^\W\d_]+)?|\d+")
_ROMAN = re.compile(r"[IVXLC]+")
#: A single word in braces (``{Markov}``, ``{DNA}``), as this module writes them.
_BRACED_SINGLE = re.compile(r"(?<![\\\w])\{([^\W\d_][\w'’-]*)\}")
#: A name's initial: one capital, a full stop, and a capitalised word (``Gordon H. Bower``).
_INITIAL = re.compile(r"[A-Z]\.\s+[A-Z]")
#: What follows a part's number: a colon, a full stop, a closing parenthesis or the title's end.
_NUMERAL_END = re.compile(r"\s*(?:[:.)]|\Z)")


def _ends_sentence(mark: str, before: str, after: str, numbered: bool = False) -> bool:
    """Whether ``mark`` (``?``, ``!`` or ``.``) after the token ``before`` and followed by ``after`` ends a
    sentence: a question or exclamation mark does; a full stop after a word of two letters or more that is no
    abbreviation (``et al.``, ``Vol.``), after a number or a Roman numeral (``Part 3.``, ``Minors. IX.``, and
    ``brain. I.`` when the numeral itself opened a sentence: ``numbered``), but not after an initial
    (``Gordon H. Bower``)."""
    if not after[:1].isspace():
        return False
    if mark != ".":
        return True
    if before.isdigit() or ((len(before) > 1 or numbered) and _ROMAN.fullmatch(before)):
        return True
    return len(before) > 1 and before.isalpha() and before.lower() not in ABBREVIATIONS


def _words(text: str) -> list[_Word]:
    """The words outside braces (styles case only those), with their spans and what each opens; a word that
    runs into a command or a group (``G\\"odel``) is no word here.  Mirrors BibTeX's ``change.case$``: the first
    letter after a colon is kept only after white space, and any brace ends a colon's reach."""
    words: list[_Word] = []
    depth = 0
    opens = "title"
    before = ""
    numbered = False  # the word before opened a sentence (a part's number: ``brain. I. Neuronal``)
    group = 0
    length = len(text)
    for match in _PIECE.finditer(text):
        piece = match.group()
        first = piece[0]
        if not depth and first not in "\\{}:?!." and not piece.isdigit():  # a word, the most common piece
            start, end = match.span()
            if opens == "colon" and not text[start - 1 : start].isspace():
                opens = ""
            if not ((start and text[start - 1] in "}\\") or (end < length and text[end] in "{\\")):
                words.append(_Word(piece, start, end, opens))
            opens, before, numbered = "", piece, opens == "sentence"
        elif first == "\\":
            opens, before, numbered = "", piece, False
        elif first in "{}":
            if first == "{" and depth == 0:
                group = match.end()
            depth += 1 if first == "{" else -1
            if first == "}" and depth == 0:
                before = text[group : match.start()]  # what a full stop after the group follows: {C}. or {DNA}.
            opens = ""
        elif depth:
            continue
        elif first == ":":
            opens = "colon"
        elif first in "?!.":
            if _ends_sentence(first, before, text[match.end() : match.end() + 1], numbered):
                opens = "sentence"
            before, numbered = piece, False
        else:  # a number
            opens, before, numbered = "", piece, False
    return words


#: How many layers of whole-title braces are peeled (``{{Title}}`` has two; more is no title but an attack).
WHOLE_LAYERS = 8


def whole_group(text: str) -> str | None:
    """The inside of a title braced whole (``{A Title}`` -> ``A Title``; ``{{A Title}}`` -> ``A Title``), else
    None.  A group that starts with a command (``{\\TeX-Pascal compilers}``) is BibTeX's special character,
    whose letters styles case all the same: no protection to take away."""
    inner = None
    current = text.strip()
    for _layer in range(WHOLE_LAYERS):
        if not _braced_whole(current):
            break
        inner = current = current[1:-1].strip()
    return inner


def _braced_whole(text: str) -> bool:
    """Whether ``text`` is one brace group from its first character to its last, not a special character."""
    if len(text) < 2 or text[0] != "{" or text[-1] != "}" or text.startswith("{\\"):
        return False
    depth = 0
    index = 0
    while index < len(text) - 1:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return False
        index += 1
    return True


def is_title_case(text: str, words: list[_Word] | None = None) -> bool:
    """Whether the words of ``text`` beyond each sentence's first are mostly capitalised (as publishers deposit
    titles), rather than in sentence case."""
    words = _words(text) if words is None else words
    content = [word.text for word in words if not word.first and word.text.lower() not in wordlists.SMALL_WORDS
               and text[max(0, word.start - 1) : word.start] != "-"]  # fmt: skip
    own = [word for word in content if word[1:] != word[1:].lower()]  # fMRI, DNA: their case is theirs
    content = [word for word in content if word[1:] == word[1:].lower()] or own
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


def core(word: str) -> str:
    """``word`` without a possessive or a contraction's ending (``Horn's`` -> ``Horn``, ``Don't`` -> ``Do``)."""
    return _CONTRACTION.sub("", word) if _CONTRACTION.search(word) else _APOSTROPHE.split(word, 1)[0]


@lru_cache(maxsize=65536)
def _shape(word: str) -> str | None:
    stem = _APOSTROPHE.split(word, 1)[0]
    if any(char.isupper() for char in stem[1:]):
        return "shape: acronym" if stem.isupper() else "shape: capitals inside the word"
    if any(char.isupper() for char in stem) and any(char.isdigit() for char in stem):
        return "shape: capital and digits"
    if stem in ELEMENTS and not wordlists.is_common(stem):
        return "shape: chemical element symbol"
    return None


def decide(word: str, opens: str, sentence_case: bool, terms: Terms) -> Decision | None:
    """Whether the capitalised ``word`` keeps its capitals; None for a word with none to keep.  ``opens``: what
    the word opens in its title (see :class:`_Word`)."""
    if word == word.lower():
        return None
    shape = _shape(word)
    if shape is not None:
        return Decision(word, True, (shape,))
    if not word[0].isupper() or opens == "title":
        return None  # the style keeps the title's first capital
    if opens == "sentence":
        return Decision(word, True, ("the first word of a sentence (after '?', '!' or a full stop): styles lower it",))
    if opens == "colon":
        return _after_colon(word, sentence_case, terms)
    stem = core(word)
    if stem == "I":
        return Decision(word, True, ("the pronoun I",))
    if len(stem) == 1:
        if sentence_case:
            return Decision(word, True, ("a single capital letter in sentence case",))
        if stem in terms.cased:  # R, X: the library's sentence-case titles write the letter as a capital
            return Decision(word, True, ("capitalised mid-sentence in the library's sentence-case titles, more "
                                         "often than not",))  # fmt: skip
        return Decision(word, False, ("unsure: a single capital letter in Title Case",))
    if stem.lower() in wordlists.SMALL_WORDS:
        return Decision(word, False, ("a small word",))
    for_it: list[str] = []
    if sentence_case:
        for_it.append("capitalised mid-sentence (the title is in sentence case)")
    if stem in terms.capitalised and stem not in terms.lowered:
        for_it.append("capitalised mid-sentence in the work's abstract or another title of it")
    kind = wordlists.cldr_terms().get(stem)
    lower = stem.lower()
    # A common word by the dictionary's own list or the library's usage; or only by derivation (cutset,
    # approximability) or a single use in lower case, which outweighs no evidence that the word is a name
    # (Bansal is no bans+al).
    listed = wordlists.is_listed(stem) or lower in terms.common or lower in LOANWORDS
    # A prefix standing alone is one written with a hyphen (Pre-Proceedings, Non-Linear): a common word.
    common = listed or lower in terms.seen or wordlists.is_common(stem) or lower in wordlists.PREFIXES
    # A dictionary's word the library writes only capitalised, and that two of its kinds of evidence name (an
    # author's name, its braces, its sentence-case titles): the library's sense is the name's (Steiner trees).
    # (Words of two letters are not counted in lower case: no evidence that the library never writes them so.)
    named_here = listed and len(lower) > 2 and lower not in terms.seen and lower not in terms.common and sum(
        (stem in terms.names, stem in terms.votes, stem in terms.only_capitalised)) >= 2
    against: list[str] = []
    if kind in ("country or region", "language"):
        for_it.append(f"CLDR: a {kind}")
    elif kind is not None:
        (against if listed else for_it).append(f"CLDR: a {kind}")
    if stem in terms.names:
        possessive = word[len(stem) :] in ("'s", "’s")  # Horn's parallel analysis: a person's, not a horn's
        named = not listed or possessive or named_here  # Brown, Will, Gold: names, and words a title may mean
        (for_it if named else against).append("a name of the library's authors")
    if stem in terms.votes:
        (against if listed and not named_here else for_it).append("braced elsewhere in the library")
    if named_here and stem in terms.only_capitalised:
        for_it.append("capitalised mid-sentence in the library's sentence-case titles, never in lower case")
    if stem in terms.cased:
        for_it.append("capitalised mid-sentence in the library's sentence-case titles, more often than not")
    if stem.lower() in terms.lowered and stem not in terms.capitalised:
        return Decision(word, False, ("written in lower case in the work's abstract or another title of it",))
    if wordlists.is_capitalised_word(stem) and not listed:
        for_it.append("dictionary: written capitalised")
    elif not common and not wordlists.is_known(stem):
        for_it.append("dictionary: no English word")
    if for_it:
        return Decision(word, True, tuple(for_it))
    if against:
        return Decision(word, False, tuple(f"unsure: {reason}, and a common word" for reason in against))
    return Decision(word, False, ("a common English word",))


def _after_colon(word: str, sentence_case: bool, terms: Terms) -> Decision | None:
    """The first word after a colon, whose first letter BibTeX keeps as written: in a Title Case title, a common
    word is marked to be printed in lower case when that is the library's way (``Kernels:{} A Survey`` prints
    ``Kernels: a survey``); a name keeps its capital, and so does every word where the library has no way."""
    if sentence_case:
        return None
    lower, upper = terms.way_after_colon(word)
    if lower + upper < COLON_EVIDENCE_AT or lower < COLON_WAY * upper:
        return None  # no way, or the library's way is a capital: BibTeX keeps the one there
    if word.lower() not in wordlists.SMALL_WORDS:  # A, An, The: small words, whatever a lone capital may be
        mid = decide(word, "", False, terms)
        if mid is not None and mid.protect:
            return None
    which = "this word" if lower + upper != sum(terms.after_colon) else "a common word"
    return Decision(word, False, (f"after a colon: the library's sentence-case titles write {which} there in lower "
                                  f"case ({lower} of {lower + upper})",), lower=True)  # fmt: skip


#: Decisions already made with one :class:`Terms`, by (word, what it opens, sentence case): a library repeats
#: its words.
Memo = dict[tuple[str, str, bool], "Decision | None"]


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
    # Judged with single words unbraced: the braces this module writes must not change its judgement next time.
    bare = _BRACED_SINGLE.sub(r"\1", working).replace(":{}", ":") if "{" in working else working
    sentence_case = not is_title_case(bare, words if bare is working else None)
    edits: list[tuple[int, int]] = []  # (start, end) to brace; (colon, colon) to follow with an empty group
    decided: list[tuple[_Word, Decision]] = []
    for index, word in enumerate(words):
        if _joined_to_acronym(working, words, index):
            decision: Decision | None = Decision(word.text, True, ("shape: a letter joined to an acronym or "
                                                                   "another letter",))  # fmt: skip
        elif _INITIAL.match(working, word.start) and not word.first:
            decision = Decision(word.text, True, ("shape: an initial (a capital and a full stop before a name)",))
        elif word.text in ("V", "X") and _NUMERAL_END.match(working, word.end):
            decision = Decision(word.text, True, ("shape: a Roman numeral, a part's number (graphs V: ...)",))
        elif memo is None:
            decision = decide(word.text, word.opens, sentence_case, terms)
        else:
            asked = (word.text, word.opens, sentence_case)
            decision = memo[asked] if asked in memo else memo.setdefault(asked, decide(*asked, terms))
        if decision is not None and decision.evidence == _UNKNOWN and _combining_form(working, words, index):
            decision = Decision(word.text, False, ("a combining form, joined to the next word (visuo-spatial)",))
        if decision is not None:
            decided.append((word, decision))
    for word, decision in _in_context(working, decided):
        proposal.decisions.append(decision)
        if decision.protect:
            edits.append((word.start, word.end))
        elif decision.lower:
            colon = working.rindex(":", 0, word.start) + 1
            edits.append((colon, colon))
    after = working
    for start, end in reversed(edits):
        after = after[:start] + "{" + after[start:end] + "}" + after[end:]
    proposal.after = after
    return proposal


#: The only evidence of a word no list knows.
_UNKNOWN = ("dictionary: no English word",)


def _combining_form(text: str, words: list[_Word], index: int) -> bool:
    """Whether ``words[index]`` is a combining form joined by a hyphen to the next word, the two a common word
    when closed up (``Visuo-spatial``, ``Sensori-motor``, ``Cerebro-cerebellar``): no name's capital."""
    word = words[index]
    after = words[index + 1] if index + 1 < len(words) else None
    return (len(word.text) >= 4 and word.text[-1] in "oi" and after is not None and after.start == word.end + 1
            and text[word.end] == "-" and wordlists.is_common(word.text + after.text))


def _joined_to_acronym(text: str, words: list[_Word], index: int) -> bool:
    """Whether ``words[index]`` is a single capital joined by a hyphen to an acronym or another single capital
    (``ACT-R``, ``GABA-A``, ``A-B``): part of one name."""
    word = words[index]
    if len(word.text) != 1 or not word.text.isupper():
        return False
    before = words[index - 1] if index and text[word.start - 1 : word.start] == "-" else None
    after = words[index + 1] if index + 1 < len(words) and text[word.end : word.end + 1] == "-" else None
    return (before is not None and before.end == word.start - 1 and before.text.isupper()) or (
        after is not None and after.start == word.end + 1 and len(after.text) == 1 and after.text.isupper())


_NAME_EVIDENCE = ("a name of the library's authors", "CLDR: a")
#: A date's number after a month (``August 20``), or before it (``22 February``).
_NUMBER_AFTER = re.compile(r"\s+\d")
_NUMBER_BEFORE = re.compile(r"\d\s+\Z")
#: The evidence that a braced word is a name (not only a term of the field): its neighbour may be one too.
_NAMED = ("a name of the library's authors", "CLDR: a", "dictionary: written capitalised", "dictionary: no English")


def _unsure(decision: Decision) -> bool:
    return not decision.protect and bool(decision.evidence) and decision.evidence[0].startswith("unsure")


def _unsure_name(decision: Decision) -> bool:
    """Whether the word is left unsure with a name's evidence: braced when a name is beside it."""
    return _unsure(decision) and any(name in reason for reason in decision.evidence for name in _NAME_EVIDENCE)


def _braced_name(decision: Decision) -> bool:
    """Whether the word is braced with a name's evidence: it names the unsure name beside it."""
    return decision.protect and any(reason.startswith(_NAMED) for reason in decision.evidence)


def bearing(decision: Decision) -> tuple[bool, bool, bool]:
    """What a decision does to its title: whether the word is braced, whether it is lowered after a colon, and
    whether it counts as a name to its neighbours (see :func:`_in_context`)."""
    return decision.protect, decision.lower, _braced_name(decision) or _unsure_name(decision)


def _in_context(text: str, decided: list[tuple[_Word, Decision]]) -> list[tuple[_Word, Decision]]:
    """The decisions with their neighbours' evidence: an unsure month before or after a number is a date's
    (``August 20``, ``22 February``), and an unsure name beside a name is part of it (``Don Knuth``,
    ``Brown-Peterson``, ``Santa Barbara`` when one of the two is braced as a name)."""
    settled = list(decided)
    for index, (word, decision) in enumerate(decided):
        if not _unsure(decision):
            continue
        near = _NUMBER_AFTER.match(text, word.end) or _NUMBER_BEFORE.search(text[max(0, word.start - 8) : word.start])
        if near and any("CLDR: a month" in reason for reason in decision.evidence):
            settled[index] = (word, Decision(word.text, True, ("a month, beside a date's number",)))
            continue
        if not _unsure_name(decision):
            continue
        for other in (index - 1, index + 1):
            if not 0 <= other < len(decided):
                continue
            neighbour, its = decided[other]
            gap = text[min(word.end, neighbour.end) : max(word.start, neighbour.start)]
            if gap in (" ", "-") and _braced_name(its):
                settled[index] = (word, Decision(word.text, True, (f"a name beside the name {neighbour.text}",)))
                break
    return settled


_BRACED_WORD = re.compile(r"(?<![\\\w{\"])(?<![:?!.]\s)\{([A-Z][a-z]+(?:['’]s)?)\}")


def braced_words(text: str) -> Iterable[str]:
    """The capitalised words ``text`` braces one by one (``{Markov}``): the library's votes; but not a brace
    that keeps a sentence's first capital (``: {Solving} the``, a value's first word), which says nothing of
    the word."""
    for match in _BRACED_WORD.finditer(text):
        yield core(match.group(1))


#: Where a sentence may start: the text's start, and after a full stop, a question or exclamation mark or a colon.
_STARTS = re.compile(r"\A\s*|[.?!:][\"')\]]*\s+")
#: A word of plain text (an abstract without TeX).
_PLAIN_WORD = re.compile(r"(?<![\w'’-])[^\W\d_]+(?:['’][^\W\d_]+)?(?![\w-])")


def capitalised_mid_sentence(text: str) -> tuple[set[str], set[str]]:
    """The words ``text`` (an abstract, a sentence-case title) capitalises mid-sentence, and those it writes in
    lower case.  Plain text is read with one pattern (abstracts are long); text with TeX as titles are."""
    capitalised: set[str] = set()
    lowered: set[str] = set()
    if "{" in text or "\\" in text:
        found = [(word.text, word.start, word.first) for word in _words(text)]
    else:
        found = [(match.group(), match.start(), False) for match in _PLAIN_WORD.finditer(text)]
    starts = {match.end() for match in _STARTS.finditer(text)}
    for word, start, first in found:
        if first or start in starts:
            continue  # a sentence's first word says nothing of its case
        stem = core(word)
        if stem[:1].isupper() and stem[1:].islower():
            capitalised.add(stem)
        elif stem.islower():
            lowered.add(stem)
    return capitalised, lowered
