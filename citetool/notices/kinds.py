"""What each kind of editorial notice means for a writer who cites the work, as data.

Kinds are named as Crossref names its update types (``retraction``,
``expression_of_concern``...); the other sources' words are mapped onto them
here.  A kind no table knows (Crossref adds types now and then) is a note:
shown, never failing a build.
"""

from __future__ import annotations

#: Kind -> severity: an error fails ``check --retractions`` (exit 9), a warning only with --strict.
SEVERITY: dict[str, str] = {
    "retraction": "error",
    "withdrawal": "error",
    "removal": "error",
    "partial_retraction": "warning",
    "expression_of_concern": "warning",
    "correction": "note",
    "erratum": "note",
    "corrigendum": "note",
    "addendum": "note",
    "clarification": "note",
    "new_version": "note",
    "reinstatement": "note",
    "is-preprint-of": "note",
}

#: The words a finding's line uses for each kind.
SAID: dict[str, str] = {
    "retraction": "retracted",
    "withdrawal": "withdrawn",
    "removal": "removed",
    "partial_retraction": "partly retracted",
    "expression_of_concern": "under an expression of concern",
    "correction": "corrected",
    "erratum": "has an erratum",
    "corrigendum": "has a corrigendum",
    "addendum": "has an addendum",
    "clarification": "has a clarification",
    "new_version": "has a new version",
    "reinstatement": "reinstated",
    "is-preprint-of": "published as",
}

#: Kinds a reinstatement undoes (a retraction dated before it is no longer an error).
UNDONE_BY_REINSTATEMENT = frozenset({"retraction", "withdrawal", "removal", "partial_retraction"})

#: Retraction Watch's ``RetractionNature`` -> kind.
RETRACTION_WATCH_NATURE: dict[str, str] = {
    "retraction": "retraction",
    "expression of concern": "expression_of_concern",
    "correction": "correction",
    "reinstatement": "reinstatement",
}

#: PubMed's ``CommentsCorrections/@RefType`` on the paper -> kind (the other ref types are not notices).
PUBMED_REF_TYPES: dict[str, str] = {
    "RetractionIn": "retraction",
    "PartialRetractionIn": "partial_retraction",
    "ExpressionOfConcernIn": "expression_of_concern",
    "ErratumIn": "erratum",
    "CorrectedandRepublishedIn": "correction",
    "RepublishedIn": "new_version",
    "UpdateIn": "new_version",
}

#: PubMed's ``PublicationType`` that says the record itself is retracted (its notice may not be linked).
PUBMED_RETRACTED_TYPES: dict[str, str] = {"Retracted Publication": "retraction"}

#: Where a notice came from, as findings name it, most authoritative first.
SOURCES = ("publisher", "retraction-watch", "pubmed")
#: How each source is written in a finding's line.
SOURCE_NAMES: dict[str, str] = {"publisher": "publisher", "retraction-watch": "Retraction Watch", "pubmed": "PubMed"}

#: Most notices kept for one work: a reply listing thousands is hostile, not informative.
MAX_PER_WORK = 100


def severity(kind: str) -> str:
    """``error``, ``warning`` or ``note`` for ``kind`` (unknown kinds are notes)."""
    return SEVERITY.get(kind, "note")


def normal_kind(text: str) -> str:
    """A kind as citetool keeps it: Crossref's spelling (lower case, ``_`` between words), at most 40 characters."""
    words = "".join(char if char.isalnum() or char == "-" else " " for char in text.strip().lower()).split()
    return "_".join(words)[:40] or "update"
