"""The answers the network gave about each work, with when they were asked.

One JSON file, ``<cache>/notices/answers.json``, maps ``doi:...`` and
``pmid:...`` to the time the question was asked and the notices the answer
held (none is an answer too: "nothing happened to it").  ``check
--retractions`` asks again once an answer is older than the
``retractions_max_age`` setting (days, 7 unless set); ``--offline``, ``watch``,
the latexmk build, ``check --aux`` and the language server read answers of
any age and never ask.  Like every cache it is data only, 0600 in a 0700
folder, and a malformed file is simply empty.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citetool import jsondata
from citetool.errors import CitetoolError
from citetool.library import storage
from citetool.notices.model import Notice

FORMAT = 1
#: The largest answers file read back (an answer is a few hundred bytes; a million works is ~300 MiB).
MAX_BYTES = 512 * 2**20


@dataclass(frozen=True)
class Answer:
    """What was known about one work at ``asked`` (seconds since the epoch)."""

    asked: float
    notices: tuple[Notice, ...]

    def age_days(self, now: float) -> float:
        return max(0.0, now - self.asked) / 86400


class Store:
    """The answers file of a cache folder, read once, written back with what this run added."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "notices" / "answers.json"
        self._raw: dict[str, Any] | None = None
        self._added: dict[str, Any] = {}

    def _read(self) -> dict[str, Any]:
        if self._raw is None:
            self._raw = {}
            with contextlib.suppress(ValueError, OSError):
                raw = storage.read_private(self.path, MAX_BYTES)
                data = jsondata.loads(raw) if raw is not None else None
                if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("answers"), dict):
                    self._raw = data["answers"]
        return self._raw

    def get(self, identifier: str) -> Answer | None:
        """The stored answer for ``doi:...`` or ``pmid:...``, or None."""
        data = self._added.get(identifier) or self._read().get(identifier)
        if not isinstance(data, dict):
            return None
        asked, listed = data.get("asked"), data.get("notices")
        if isinstance(asked, bool) or not isinstance(asked, int | float) or not isinstance(listed, list):
            return None
        notices = tuple(notice for item in listed if (notice := Notice.from_json(item)) is not None)
        return Answer(float(asked), notices)

    def put(self, identifier: str, notices: list[Notice], asked: float | None = None) -> None:
        self._added[identifier] = {"asked": time.time() if asked is None else asked,
                                   "notices": [notice.as_json() for notice in notices]}  # fmt: skip

    def save(self) -> None:
        """Write the answers of this run into the file (over what another run wrote meanwhile: it is a cache)."""
        if not self._added:
            return
        self._raw = None
        answers = {**self._read(), **self._added}
        data = json.dumps({"format": FORMAT, "answers": answers}, ensure_ascii=False).encode("utf-8")
        with contextlib.suppress(OSError, CitetoolError):
            storage.private_folder(self.path.parent)
            storage.write_atomic(self.path, data, private=True, durable=False, follow_links=False)
        self._added = {}
