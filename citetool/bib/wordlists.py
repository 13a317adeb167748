"""The word lists that tell a common English word from a name: the one module that reads english-words and babel.

* english-words (MIT) ships Webster's Second (``web2``), which keeps case:
  ``chain`` and ``inference`` are common words, ``Java``, ``July`` and
  ``Gaussian`` are written capitalised only, and ``Markov`` or ``Europe`` are
  in no list at all.  Its ``gcide`` list says which lower-cased words are
  English at all.  The lists are pickled sets inside the installed package,
  read once (0.1 s).
* babel ships CLDR: the English names of countries and regions, of
  languages (which are also the nationality adjectives: ``English``,
  ``French``), of months and of weekdays.
"""

from __future__ import annotations

from functools import cache

#: Words whose capital is never a name in a title: English's own small words (a Title Case title capitalises
#: them; no style should keep them).
SMALL_WORDS = frozenset(
    "a an and as at but by for from if in into is it its nor not of off on onto or out over per so than that the "
    "then to up upon via vs we with".split()
)  # fmt: skip


@cache
def _web2() -> tuple[frozenset[str], frozenset[str]]:
    """Webster's Second as (words written in lower case, words written capitalised)."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2"])
    return frozenset(word for word in words if word.islower()), frozenset(word for word in words if word[:1].isupper())


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
    if lower.endswith("s") and not lower.endswith("ss"):
        add(lower[:-1], 3)
    for suffix in ("ing", "ed"):
        if lower.endswith(suffix):
            stem = lower[: -len(suffix)]
            add(stem, 4)
            add(stem + "e", 3)
            if len(stem) >= 4 and stem[-1] == stem[-2]:
                add(stem[:-1], 3)
    if lower.endswith("ly"):
        add(lower[:-2], 4)
    for suffix in ("er", "est"):  # stronger, longest, larger
        if lower.endswith(suffix):
            add(lower[: -len(suffix)], 4)
            add(lower[: -len(suffix)] + "e", 4)
    return found


#: Prefixes English makes new common words with (``subgraph``, ``biconnected``, ``nonparametric``).
PREFIXES = ("anti", "auto", "bi", "co", "counter", "cyber", "de", "dis", "electro", "geo", "hyper", "inter",
            "intra", "macro", "meta", "micro", "mid", "multi", "nano", "neuro", "non", "over", "poly", "post", "pre",
            "pseudo", "re", "self", "semi", "sub", "super", "trans", "tri", "ultra", "un", "under", "uni")  # fmt: skip
#: Suffixes that derive common words from common words (``cardinality``, ``kernelization``, ``extremal``).
SUFFIXES = (("ability", "able"), ("ibility", "ible"), ("ity", ""), ("ity", "e"), ("ness", ""), ("ization", "ize"),
            ("isation", "ise"), ("ization", ""), ("ation", "e"), ("ation", ""), ("ment", ""), ("ments", ""),
            ("al", ""), ("al", "e"), ("ial", "y"), ("ic", ""), ("ical", ""), ("ism", ""), ("ist", ""), ("ists", ""),
            ("ize", ""), ("ized", ""), ("ise", ""), ("ised", ""), ("our", "or"), ("ours", "ors"),
            ("ement", "ment"), ("ements", "ments"))  # fmt: skip


def _plain_common(word: str) -> bool:
    lower, _capital = _web2()
    return any(stem in lower for stem in _stems(word))


@cache
def is_common(word: str) -> bool:
    """Whether ``word`` is a common English word written in lower case: in the dictionary (or the word it
    inflects is), or made from one with a prefix, a derivational suffix, or as a compound of two long ones
    (``subgraphs``, ``cardinality``, ``datasets``, British ``behaviour``)."""
    if _plain_common(word):
        return True
    lower = word.lower()
    if not lower.isalpha():
        return False
    for prefix in PREFIXES:
        if lower.startswith(prefix) and len(lower) - len(prefix) >= 4 and _plain_common(lower[len(prefix) :]):
            return True
    for suffix, back in SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= 4 and _plain_common(lower[: -len(suffix)] + back):
            return True
    return any(_plain_common(lower[:cut]) and _plain_common(lower[cut:]) for cut in range(4, len(lower) - 3))


def is_capitalised_word(word: str) -> bool:
    """Whether the dictionary writes ``word`` capitalised (``Java``, ``July``, ``Gaussian``)."""
    _lower, capital = _web2()
    return word[:1].upper() + word[1:].lower() in capital


@cache
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
