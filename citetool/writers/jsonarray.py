"""JSON as citetool writes it: an array with one compact item per line.

``json.dumps(..., indent=2)`` runs the pure-Python encoder, which on a 16,000
entry library takes longer than reading the library.  One item per line keeps
the C encoder, stays readable, and makes diffs of exports line-per-entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator


def array_lines(items: Iterable[object]) -> Iterator[str]:
    """The lines (without line ends) of a JSON array holding ``items``, one item per line."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    yield "["
    previous: str | None = None
    for item in items:
        if previous is not None:
            yield "  " + previous + ","
        previous = encode(item)
    if previous is not None:
        yield "  " + previous
    yield "]"


def array(items: Iterable[object]) -> str:
    """The whole array as text, ending in a line end."""
    return "\n".join(array_lines(items)) + "\n"
