"""``--format biblatex``: UTF-8 biblatex for biber.

BibTeX types and fields are mapped to biblatex's data model (@thesis,
@report, ``journaltitle``, ``location``, ``date``, ``language`` as
``langid``); macros stay macros.
"""

from __future__ import annotations

from collections.abc import Iterable

from citetool.bib.dates import Date, month_number
from citetool.bib.entry import Entry, Literal, Value
from citetool.bib.source import document_source
from citetool.bib.work import Work
from citetool.writers import Context

#: BibTeX entry type -> (biblatex type, value of its ``type`` field or None).
TYPES: dict[str, tuple[str, str | None]] = {
    "phdthesis": ("thesis", "phdthesis"),
    "mastersthesis": ("thesis", "mathesis"),
    "techreport": ("report", "techreport"),
    "conference": ("inproceedings", None),
    "electronic": ("online", None),
    "www": ("online", None),
}

#: BibTeX field names -> biblatex field names.
FIELDS: dict[str, str] = {
    "journal": "journaltitle", "address": "location", "school": "institution", "archiveprefix": "eprinttype",
    "primaryclass": "eprintclass",
}  # fmt: skip

#: ``archivePrefix`` values -> biblatex's ``eprinttype`` (its documented lower-case names).
EPRINT_TYPES: dict[str, str] = {"arxiv": "arxiv", "hal": "hal", "jstor": "jstor", "pubmed": "pubmed"}


#: ``language`` values (ISO 639 codes as Crossref sends them, or English names) -> babel/polyglossia
#: names for ``langid``, which biblatex uses for hyphenation and never prints.
LANGIDS: dict[str, str] = {
    "en": "english", "en-us": "american", "en-gb": "british", "english": "english", "de": "ngerman",
    "ger": "ngerman", "german": "ngerman", "de-at": "naustrian", "de-ch": "nswissgerman", "fr": "french",
    "fre": "french", "french": "french", "es": "spanish", "spa": "spanish", "spanish": "spanish",
    "it": "italian", "ita": "italian", "italian": "italian", "pt": "portuguese", "pt-br": "brazilian",
    "por": "portuguese", "portuguese": "portuguese", "nl": "dutch", "dut": "dutch", "dutch": "dutch",
    "ru": "russian", "rus": "russian", "russian": "russian", "pl": "polish", "pol": "polish",
    "polish": "polish", "cs": "czech", "cze": "czech", "czech": "czech", "sv": "swedish", "swe": "swedish",
    "swedish": "swedish", "da": "danish", "dan": "danish", "danish": "danish", "fi": "finnish",
    "fin": "finnish", "finnish": "finnish", "no": "norsk", "nb": "norsk", "nn": "nynorsk", "nor": "norsk",
    "norwegian": "norsk", "el": "greek", "gre": "greek", "greek": "greek", "tr": "turkish", "tur": "turkish",
    "turkish": "turkish", "hu": "magyar", "hun": "magyar", "hungarian": "magyar", "ro": "romanian",
    "rum": "romanian", "romanian": "romanian", "hr": "croatian", "croatian": "croatian", "sl": "slovene",
    "slovenian": "slovene", "sk": "slovak", "slovak": "slovak", "uk": "ukrainian", "ukrainian": "ukrainian",
    "bg": "bulgarian", "bulgarian": "bulgarian", "ca": "catalan", "catalan": "catalan", "eu": "basque",
    "basque": "basque", "gl": "galician", "galician": "galician", "la": "latin", "lat": "latin",
    "latin": "latin", "he": "hebrew", "hebrew": "hebrew", "et": "estonian", "estonian": "estonian",
    "lt": "lithuanian", "lithuanian": "lithuanian", "lv": "latvian", "latvian": "latvian",
    "is": "icelandic", "icelandic": "icelandic", "ga": "irish", "irish": "irish", "cy": "welsh",
    "welsh": "welsh", "af": "afrikaans", "afrikaans": "afrikaans", "id": "indonesian",
    "indonesian": "indonesian", "ms": "malay", "malay": "malay", "sr": "serbian", "serbian": "serbian",
}  # fmt: skip


def convert(work: Work, context: Context) -> Entry:
    """The entry ``work`` was read from, in biblatex's types and fields (an arXiv preprint's ``@misc`` is
    ``@online``: :attr:`Work.is_preprint`)."""
    entry = work.source
    entry_type, type_field = TYPES.get(entry.entry_type, (entry.entry_type, None))
    if work.is_preprint and entry.entry_type == "misc":
        entry_type = "online"
    fields: dict[str, Value] = {}
    year = entry.fields.get("year")
    year_text = year.resolve(context.strings).strip() if year is not None else ""
    month = entry.fields.get("month")
    month_value = month_number(month, context.strings) if month is not None else None
    use_date = "date" not in entry.fields and len(year_text) == 4 and year_text.isdigit()
    for name, value in entry.fields.items():
        if use_date and name == "year":
            fields["date"] = Value((Literal(Date(int(year_text), month_value).iso()),))
            continue
        if use_date and name == "month" and month_value is not None:
            continue
        if name == "language" and "langid" not in entry.fields:
            langid = LANGIDS.get(value.resolve(context.strings).strip().lower())
            if langid is not None:  # biblatex prints `language`; `langid` only sets hyphenation
                fields["langid"] = Value((Literal(langid),))
                continue
        if name == "archiveprefix" and "eprinttype" not in entry.fields:
            known = EPRINT_TYPES.get(value.resolve(context.strings).strip().lower())
            fields["eprinttype"] = Value((Literal(known),)) if known else value
            continue
        fields.setdefault(FIELDS.get(name, name), value)
    if type_field is not None and "type" not in fields:
        fields["type"] = Value((Literal(type_field),))
    return Entry(key=entry.key, entry_type=entry_type, fields=fields, line=entry.line)


def write(works: Iterable[Work], context: Context) -> str:
    return document_source(context.preambles, context.strings, (convert(work, context) for work in works))
