"""The one exception tree of citetool and the exit codes it maps to.

Every failure a user can cause is a :class:`CitetoolError`.  Each subclass
carries its exit code, so the mapping from failure to exit status lives here
and nowhere else; the CLI only prints ``str(error)`` on one line and exits
with ``error.exit_code``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit statuses, documented in the README."""

    OK = 0
    FAILURE = 1  # unknown key, missing library, missing cited keys
    USAGE = 2  # bad arguments (click's own usage errors use 2 too)
    LIBRARY_INVALID = 3  # the library does not parse cleanly; nothing written
    NETWORK = 4  # Crossref unreachable, timed out, or answered garbage
    NOT_FOUND = 5  # an identifier (DOI, arXiv ID, ISBN, PMID) is known nowhere we asked
    CONFIG = 6  # the config file is not valid TOML or has bad values
    WRITE_FAILED = 7  # the library could not be written (disk full, permissions)
    IMPORT_FAILED = 8  # an input file of `import` is not valid; nothing was imported
    CHECK_FAILED = 9  # `check` found errors (or warnings, with --strict)
    INTERNAL = 70  # a bug: anything that is not a CitetoolError (EX_SOFTWARE)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    TERMINATED = 143  # SIGTERM (128 + SIGTERM); temporary files are removed first


class CitetoolError(Exception):
    """Base class: a failure with a one-line message meant for the user."""

    exit_code: ExitCode = ExitCode.FAILURE


class UsageError(CitetoolError):
    """An argument is malformed (a string that is no DOI, a bad key)."""

    exit_code = ExitCode.USAGE


class LibraryMissing(CitetoolError):
    """The library file does not exist."""


def suggest(missing: Iterable[str], known: Iterable[str]) -> dict[str, str]:
    """For each key of ``missing``, the key of ``known`` it was most likely meant to be (a typo away), if any."""
    import difflib

    by_lower: dict[str, str] = {}
    for key in known:
        by_lower.setdefault(key.lower(), key)
    found: dict[str, str] = {}
    for key in missing:
        close = difflib.get_close_matches(key.lower(), by_lower, n=1, cutoff=0.8)
        if close:
            found[key] = by_lower[close[0]]
    return found


class UnknownKeys(CitetoolError):
    """One or more citation keys are not in the library."""

    def __init__(self, keys: list[str], source: str = "the library", known: Iterable[str] = (),
                 broken: Mapping[str, str] | None = None) -> None:  # fmt: skip
        """``broken``: why the entry of a key (lower case) does not parse, for a key whose entry is there but
        broken (a brace typo reads as a missing key otherwise)."""
        self.keys = keys
        close = suggest(keys, known)
        broken = broken or {}

        def shown(key: str) -> str:
            if key.lower() in broken:
                return f"{key} (its entry {broken[key.lower()]})"
            return f"{key} (did you mean {close[key]}?)" if key in close else key

        super().__init__(f"not in {source}: {', '.join(shown(key) for key in keys)}")


class LibraryInvalid(CitetoolError):
    """The library cannot be read, or did not parse cleanly and so is not written."""

    exit_code = ExitCode.LIBRARY_INVALID


class ConfigError(CitetoolError):
    """The config file is broken."""

    exit_code = ExitCode.CONFIG


class WriteFailed(CitetoolError):
    """Writing a file failed; the previous version is intact."""

    exit_code = ExitCode.WRITE_FAILED


class LookupFailed(CitetoolError):
    """A Crossref or doi.org lookup failed for a reason other than "not found"."""

    exit_code = ExitCode.NETWORK


class NotFound(CitetoolError):
    """No service asked knows the identifier (a DOI, an arXiv ID, an ISBN, a PMID...)."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, label: str, where: str) -> None:
        self.label = label
        super().__init__(f"{label}: not found {where}")


class DOINotFound(NotFound):
    """Neither Crossref nor doi.org knows the DOI."""

    def __init__(self, doi: str, where: str = "on Crossref or doi.org") -> None:
        self.doi = doi
        super().__init__(doi, where)


class PartialFailure(CitetoolError):
    """Some items of a batch failed (each already reported); the rest succeeded.

    The exit code is that of the most serious failure: network (4) over
    not found (5) over anything else (1).
    """

    def __init__(self, failures: list[CitetoolError], total: int, summary: str | None = None) -> None:
        self.failures = failures
        codes = {failure.exit_code for failure in failures}
        self.exit_code = next(
            (code for code in (ExitCode.NETWORK, ExitCode.NOT_FOUND) if code in codes), ExitCode.FAILURE
        )
        if summary is None:
            summary = f"all {total} failed" if len(failures) >= total else f"{len(failures)} of {total} failed; " \
                                                                              "the others succeeded"
        super().__init__(summary)


class ImportFailed(CitetoolError):
    """An input file is not what it claims to be, or does not parse; nothing was imported."""

    exit_code = ExitCode.IMPORT_FAILED


class CheckFailed(CitetoolError):
    """``check`` found errors (or, with ``--strict``, warnings)."""

    exit_code = ExitCode.CHECK_FAILED
