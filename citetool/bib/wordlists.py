"""The word lists that tell a common English word from a name: the one module that reads english-words, SCOWL and babel.

* english-words (MIT) ships Webster's Second (``web2``), which keeps case:
  ``chain`` and ``inference`` are common words, ``Java``, ``July`` and
  ``Gaussian`` are written capitalised only, and ``Markov`` or ``Europe`` are
  in no list at all.  Its ``gcide`` list says which lower-cased words are
  English at all.  The lists are pickled sets inside the installed package,
  read once (0.1 s).
* SCOWL's American English list (``vendor/scowl``, shipped with its notice)
  keeps case too and is current: it adds the words Webster's Second of 1934
  does not know in any case (``serotonin``, ``byte`` and ``readout`` in lower
  case; ``Google`` and ``Alzheimer`` capitalised).  Where Webster's Second
  knows a word, its way stands (SCOWL also writes ``oxford`` shoes and
  ``roman`` type in lower case); a new word SCOWL writes both ways
  (``Portland`` and ``portland`` cement) is taken capitalised only, and its
  words of two letters (abbreviations: ``ag``, ``mg``) not at all.  Read once
  (0.05 s).
* babel ships CLDR: the English names of countries and regions, of
  languages (which are also the nationality adjectives: ``English``,
  ``French``), of months and of weekdays.
"""

from __future__ import annotations

import gzip
from functools import cache, lru_cache
from importlib import resources

#: Words whose capital is never a name in a title: English's own small words (a Title Case title capitalises
#: them; no style should keep them).
SMALL_WORDS = frozenset(
    "a an and as at but by for from if in into is it its nor not of off on onto or out over per so than that the "
    "then to up upon via vs we with".split()
)  # fmt: skip


def _scowl() -> list[str]:
    """The words of SCOWL's American English list that Webster's Second does not know in any case (``vendor/scowl``
    says how they were chosen)."""
    packed = resources.files("citetool.bib").joinpath("vendor", "scowl", "additions.gz").read_bytes()
    return gzip.decompress(packed).decode("utf-8").split()


@cache
def _dictionary() -> frozenset[str]:
    """The dictionary, each word as it writes it (``chain``, ``Java``): Webster's Second, and SCOWL's words it does
    not know."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2"])
    words.update(_scowl())
    return frozenset(words)


@cache
def _gcide() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["gcide"], lower=True))


def _stems(word: str) -> list[str]:
    """``word`` lower-cased, and the forms an English inflection may have come from (``chains`` -> ``chain``,
    ``using`` -> ``use``, ``running`` -> ``run``); cautious, so that names are not read as inflections
    (``Turing`` is no ``tur``+ing, ``Bayes`` no ``bay``+es)."""
    lower = word.lower()
    found = [lower]

    def add(stem: str, least: int) -> None:
        if len(stem) >= least:
            found.append(stem)

    if lower.endswith("ies"):
        add(lower[:-3] + "y", 3)
    if lower.endswith("es") and lower[:-2].endswith(("s", "x", "z", "ch", "sh", "o")):
        add(lower[:-2], 3)
    if lower.endswith("zzes"):  # quizzes
        add(lower[:-3], 3)
    if lower.endswith("s") and not lower.endswith("ss"):
        add(lower[:-1], 3)
    for suffix in ("ing", "ed"):
        if lower.endswith(suffix):
            stem = lower[: -len(suffix)]
            add(stem, 4 if stem[-1:] != stem[-2:-1] else 3)  # adding, but not Turing
            add(stem + "e", 3)
            if len(stem) >= 4 and stem[-1] == stem[-2]:
                add(stem[:-1], 3)
            if stem.endswith("i"):  # quantified
                add(stem[:-1] + "y", 4)
    if lower.endswith("ly"):
        add(lower[:-2], 4)
    for suffix in ("er", "est"):  # stronger, longest, larger
        if lower.endswith(suffix):
            add(lower[: -len(suffix)], 4)
            add(lower[: -len(suffix)] + "e", 4)
    return found


#: Prefixes English makes new common words with (``subgraph``, ``biconnected``, ``nonparametric``), and the
#: combining forms of science's compounds (``biomarker``, ``eigenvector``, ``corticothalamic``).
PREFIXES = tuple(
    "anti auto bi bio cardio centro chemi co cortico counter cross cyber cyto de dis eigen electro fronto "
    "geo hemi hydro hyper hypo immuno inter intra macro magneto meta micro mid multi nano neuro non omni out "
    "over patho peri photo poly post pre pseudo psycho quasi re retro self semi septo socio spatio sub "
    "super thermo trans tri ultra un under uni".split()
)  # fmt: skip
#: Suffixes that derive common words from common words (``cardinality``, ``kernelization``, ``extremal``).
SUFFIXES = (("ability", "able"), ("ability", "e"), ("ability", ""), ("ibility", "ible"), ("izable", "ize"),
            ("isable", "ise"), ("ity", ""), ("ity", "e"), ("ness", ""), ("ization", "ize"), ("isation", "ise"),
            ("ization", ""), ("ation", "e"), ("ation", ""), ("ment", ""), ("ments", ""), ("al", ""), ("al", "e"),
            ("ial", "y"), ("ic", ""), ("ical", ""), ("ics", "ic"), ("ism", ""), ("ist", ""), ("ists", ""), ("ize", ""),
            ("ized", ""), ("ise", ""), ("ised", ""), ("our", "or"), ("ours", "ors"), ("ement", "ment"),
            ("ements", "ments"), ("ive", ""), ("ive", "e"), ("ally", "al"), ("ly", ""), ("er", ""), ("er", "e"),
            ("ers", ""), ("ers", "e"), ("ability", "ate"), ("ial", ""), ("itise", "ity"), ("itize", "ity"),
            ("acy", "ate"), ("men", "man"), ("ome", ""), ("omes", ""), ("omic", ""), ("omics", ""), ("og", "ogue"),
            ("ogs", "ogue"), ("isation", "ization"), ("ise", "ize"), ("ised", "ized"), ("ising", "izing"),
            ("wise", ""), ("hedra", "hedron"), ("oid", ""), ("oids", ""))  # fmt: skip
#: Short words that make compounds (``cutset``, ``toolkit``, ``wayfinding``, ``barcode``); other parts of a
#: compound must have four letters or more, or names would be read as compounds (``Bellman``, ``Norberg``).
SHORT_PARTS = frozenset("any bar box cut end kit log map set top way web".split())
#: How long the common word after a combining form's ``o`` must be (``somato|sensory``, ``cerebro|vascular``).
COMBINED_AT = 5
#: How many derivations (prefix, suffix, compound) a word may be made of: ``superpolylogarithmic`` takes three.
DEPTH = 3
#: The longest a common word is (``pneumonoultramicroscopicsilicovolcanoconiosis`` has 45 letters).
LONGEST = 48
#: How many answers each word test keeps: a 16k library asks about 26,000 words; a hostile one of random
#: words must not grow them without end (20,000 such words made a million pieces to derive).
WORDS_KEPT = 2**16


@lru_cache(maxsize=WORDS_KEPT)
def is_listed(word: str) -> bool:
    """Whether the dictionary has ``word`` (or the word it inflects) written in lower case: a common word by the
    list itself, not by derivation."""
    words = _dictionary()
    return any(stem in words for stem in _stems(word))  # every stem is in lower case


def _part(word: str, depth: int) -> bool:
    return word in SHORT_PARTS or (len(word) >= 4 and _derived(word, depth))


@lru_cache(maxsize=WORDS_KEPT)
def _derived(lower: str, depth: int) -> bool:
    """Whether ``lower`` is a common word, or made of ``depth`` derivations or fewer from common words."""
    if is_listed(lower):
        return True
    if depth == 0 or not lower.isalpha():
        return False
    for stem in _stems(lower)[1:]:  # an inflection of a derived word: encodings, clusterers
        if len(stem) >= 4 and _derived(stem, depth - 1):
            return True
    for prefix in PREFIXES:
        if lower.startswith(prefix) and _part(lower[len(prefix) :], depth - 1):
            return True
    for suffix, back in SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= 4 and _derived(lower[: -len(suffix)] + back,
                                                                                     depth - 1):  # fmt: skip
            return True
    for cut in range(3, len(lower) - COMBINED_AT):  # science's combining forms: somatosensory, visuospatial
        if lower[cut] == "o" and lower[cut - 1] not in "aeiou" and _derived(lower[cut + 1 :], depth - 1):
            return True
    return any(_part(lower[:cut], depth - 1) and _part(lower[cut:], depth - 1) for cut in range(3, len(lower) - 2))


@lru_cache(maxsize=WORDS_KEPT)
def is_common(word: str) -> bool:
    """Whether ``word`` is a common English word written in lower case: in the dictionary (or the word it
    inflects is), or made from such words with prefixes, derivational suffixes, or as a compound (``subgraphs``,
    ``cardinality``, ``datasets``, ``cutset``, British ``behaviour``), three steps at most.  A word longer than
    :data:`LONGEST` is none (and is not taken apart: the ways to cut a word grow with its length cubed)."""
    return len(word) <= LONGEST and _derived(word.lower(), DEPTH)


def is_capitalised_word(word: str) -> bool:
    """Whether the dictionary writes ``word`` capitalised (``Java``, ``July``, ``Gaussian``)."""
    return word[:1].isalpha() and word[:1].upper() + word[1:].lower() in _dictionary()


@lru_cache(maxsize=WORDS_KEPT)
def is_known(word: str) -> bool:
    """Whether ``word`` is English at all: common, written capitalised, or in GCIDE."""
    gcide = _gcide()
    return is_common(word) or is_capitalised_word(word) or any(stem in gcide for stem in _stems(word))


@cache
def cldr_terms() -> dict[str, str]:
    """Capitalised word -> what it is (``country or region``, ``language``, ``month``, ``weekday``), from CLDR's
    English names; the words of a many-word name count when they are no common words (``Zealand``, ``Lanka``)."""
    from babel import Locale

    english = Locale("en")
    terms: dict[str, str] = {}
    for kind, names in (("country or region", english.territories.values()), ("language", english.languages.values()),
                        ("month", english.months["format"]["wide"].values()),
                        ("weekday", english.days["format"]["wide"].values())):  # fmt: skip
        for name in names:
            words = name.replace("-", " ").split()
            for word in words:
                clean = word.strip("().,&’'")
                if clean[:1].isupper() and clean.isalpha() and (len(words) == 1 or not is_common(clean)):
                    terms.setdefault(clean, kind)
    return terms
