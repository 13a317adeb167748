"""JSON from outside (a server's reply, a cache file, an imported file), read strictly.

Python's ``json`` accepts what no JSON producer should send and what later
breaks citetool in the middle of a batch: ``Infinity`` and ``NaN``, lone
surrogates (``"\\ud800"``, which cannot be encoded as UTF-8), and nesting deep
enough to exhaust the interpreter's stack.  :func:`loads` refuses all three
with a :class:`ValueError` that says which, so each caller can turn it into
its own one-line error.  It is shared by every layer, like ``errors``.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

#: Deeper than any record citetool reads (Crossref's deepest is about 6).
MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")  # a regular expression: a character loop took 0.15 s on a 2 MB cache


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"holds {name}, which is not JSON")


def _check(value: Any) -> None:
    """Walk ``value`` without recursion: depth and lone surrogates."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise ValueError("holds a lone surrogate, which is not text")
        elif isinstance(item, dict):
            stack.extend((key, depth + 1) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def loads(data: str | bytes) -> Any:
    """The JSON value of ``data``; :class:`ValueError` for broken, non-standard or hostile JSON."""
    try:
        value = json.loads(data, parse_constant=_no_constant)
    except RecursionError as exc:
        raise ValueError(f"is nested more than {MAX_DEPTH} levels deep") from exc
    except UnicodeDecodeError as exc:
        raise ValueError("is not UTF-8") from exc
    _check(value)
    return value
