"""Reading ``.bib`` files for import: entries keep the text they were written with."""

from __future__ import annotations

from citetool.bib.entry import Entry, Value
from citetool.bib.parse import parse
from citetool.bib.safety import PREAMBLE_ALLOWED, dangerous_commands, without_controls
from citetool.errors import ImportFailed
from citetool.readers import Batch, Candidate


def _refuse_unsafe(entry: Entry, strings: dict[str, Value], name: str) -> None:
    """An entry that would run TeX or hold control characters is not imported, and neither is its file."""
    for field_name, value in entry.fields.items():
        text = value.resolve(strings)
        dangerous = dangerous_commands(text)
        if dangerous:
            raise ImportFailed(f"{name}:{entry.line}: entry '{entry.key}' field '{field_name}' holds "
                               f"{', '.join(dangerous)}, TeX that can run programs; nothing was imported")  # fmt: skip
        if without_controls(text) != text:
            raise ImportFailed(f"{name}:{entry.line}: entry '{entry.key}' field '{field_name}' holds control "
                               "characters; nothing was imported")  # fmt: skip


def read(text: str, name: str) -> Batch:
    document = parse(text.removeprefix("\ufeff"))
    for problem in document.problems:
        if problem.fatal and "duplicate key" not in problem.message:
            raise ImportFailed(f"{problem.describe(name)}; nothing was imported")
    batch = Batch(strings=dict(document.strings))
    for block in document.blocks:
        source = document.text[block.start : block.end]
        if block.kind == "entry" and block.entry is not None:
            _refuse_unsafe(block.entry, document.strings, name)
            batch.candidates.append(Candidate(block.entry, source))
        elif block.kind == "string" and block.name is not None:
            batch.string_sources[block.name] = source
        elif block.kind == "preamble":
            dangerous = dangerous_commands(source, PREAMBLE_ALLOWED)
            if dangerous:
                raise ImportFailed(f"{name}:{block.line}: @preamble holds {', '.join(dangerous)}, TeX that can run "
                                   "programs or write files; nothing was imported")  # fmt: skip
            batch.preambles.append(source)
    if not batch.candidates and not batch.strings and text.strip() and "@" not in text:
        raise ImportFailed(f"{name}: holds no BibTeX entries; is it really a .bib file?")
    return batch
