"""Reading ``.bib`` files for import: entries keep the text they were written with."""

from __future__ import annotations

from citetool.bib.parse import parse
from citetool.errors import ImportFailed
from citetool.readers import Batch, Candidate


def read(text: str, name: str) -> Batch:
    document = parse(text.removeprefix("\ufeff"))
    for problem in document.problems:
        if problem.fatal and "duplicate key" not in problem.message:
            raise ImportFailed(f"{problem.describe(name)}; nothing was imported")
    batch = Batch(strings=dict(document.strings))
    for block in document.blocks:
        source = document.text[block.start : block.end]
        if block.kind == "entry" and block.entry is not None:
            batch.candidates.append(Candidate(block.entry, source))
        elif block.kind == "string" and block.name is not None:
            batch.string_sources[block.name] = source
    if not batch.candidates and not batch.strings and text.strip() and "@" not in text:
        raise ImportFailed(f"{name}: holds no BibTeX entries; is it really a .bib file?")
    return batch
