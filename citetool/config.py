"""Settings and where each value came from.

A setting is taken from, in order: a command-line flag, an environment
variable, the TOML config file, a built-in default.  The config file lives in
the platform's user config folder (``platformdirs``), or wherever
``CITETOOL_CONFIG`` points.  :func:`resolve` returns the value together with
its source so ``citetool config`` can explain it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from citetool.errors import ConfigError, UsageError

CONFIG_ENV = "CITETOOL_CONFIG"
#: A config file holds a few settings; anything bigger is not one.
MAX_CONFIG_BYTES = 1 << 20


class SettingSpec(NamedTuple):
    """A user setting: its config-file key, environment variable and default."""

    name: str
    env: str
    default: str | None
    help: str


#: Every setting a user may set once, as data.
SETTINGS: dict[str, SettingSpec] = {
    spec.name: spec
    for spec in (
        SettingSpec("library", "CITETOOL_LIBRARY", "library.bib", "the BibTeX library file"),
        SettingSpec("mailto", "CITETOOL_MAILTO", None, "e-mail for Crossref's polite pool"),
        SettingSpec("style", "CITETOOL_STYLE", "apa", "default CSL style for html/text export"),
        SettingSpec("crossref_url", "CITETOOL_CROSSREF_URL", "https://api.crossref.org", "Crossref API base URL"),
        SettingSpec("doi_url", "CITETOOL_DOI_URL", "https://doi.org", "doi.org base URL for content negotiation"),
        SettingSpec("arxiv_url", "CITETOOL_ARXIV_URL", "https://export.arxiv.org", "arXiv export API base URL"),
        SettingSpec("openlibrary_url", "CITETOOL_OPENLIBRARY_URL", "https://openlibrary.org", "Open Library base URL"),
        SettingSpec("googlebooks_url", "CITETOOL_GOOGLEBOOKS_URL", "https://www.googleapis.com",
                    "Google Books API base URL"),
        SettingSpec("ncbi_url", "CITETOOL_NCBI_URL", "https://eutils.ncbi.nlm.nih.gov", "NCBI E-utilities base URL"),
        SettingSpec("pmc_url", "CITETOOL_PMC_URL", "https://www.ncbi.nlm.nih.gov", "PMC ID converter base URL"),
        SettingSpec("ncbi_api_key", "CITETOOL_NCBI_API_KEY", None, "NCBI API key (10 requests/s instead of 3)"),
        SettingSpec("cache_dir", "CITETOOL_CACHE_DIR", None, "folder for cached Crossref records and library indexes"),
        SettingSpec("deadline", "CITETOOL_DEADLINE", "60", "seconds one identifier's lookup may take in all"),
        SettingSpec("key_format", "CITETOOL_KEY_FORMAT", None,
                    "citation key pattern for add and import, e.g. [auth:lower][year][veryshorttitle:lower]"),
        SettingSpec("pager", "CITETOOL_PAGER", None, "pager for long output on a terminal ($PAGER, else less -FRX)"),
        SettingSpec("retraction_watch", "CITETOOL_RETRACTION_WATCH", None,
                    "path of a downloaded Retraction Watch CSV, read by check --retractions, add and builds"),
        SettingSpec("retractions_max_age", "CITETOOL_RETRACTIONS_MAX_AGE", "7",
                    "days check --retractions trusts a cached answer before asking again"),
    )
}


class Setting(NamedTuple):
    """A resolved setting and where its value came from."""

    name: str
    value: str | None
    source: str


def effective(library_flag: str | None = None) -> list[Setting]:
    """Every setting as citetool will use it: paths as the folders and files really used."""
    settings = []
    for name in SETTINGS:
        setting = resolve(name, library_flag if name == "library" else None)
        if name == "cache_dir" and setting.value is None:
            setting = Setting(name, str(cache_dir()), "default (the platform's user cache folder)")
        elif name == "library" and setting.value:
            setting = Setting(name, str(Path(setting.value).expanduser().absolute()), setting.source)
        settings.append(setting)
    return settings


def config_path() -> Path:
    """The config file: ``$CITETOOL_CONFIG`` or ``<user config dir>/citetool/config.toml``."""
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    from platformdirs import user_config_path

    return user_config_path("citetool") / "config.toml"


@lru_cache(maxsize=4)
def _read_config(path: Path) -> dict[str, Any]:
    import tomllib

    from citetool.library import storage

    try:
        raw = storage.read_regular(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return {}
    except storage.Unreadable as exc:  # a FIFO would hang, /dev/zero never ends
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc}); fix or delete the file") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: nested too deeply to be a citetool config file; fix or delete it") from exc
    for key, value in data.items():
        if key not in SETTINGS:
            known = ", ".join(SETTINGS)
            raise ConfigError(f"{path}: unknown setting '{key}' (known: {known})")
        if not isinstance(value, str):
            raise ConfigError(f"{path}: setting '{key}' must be a string, not {type(value).__name__}")
    return data


def resolve(name: str, flag: str | None = None) -> Setting:
    """The value of setting ``name``: flag > environment > config file > default."""
    spec = SETTINGS[name]
    if flag is not None:
        return Setting(name, flag, "command-line option")
    from_env = os.environ.get(spec.env)
    if from_env:
        return Setting(name, from_env, f"environment variable {spec.env}")
    path = config_path()
    from_file = _read_config(path).get(name)
    if from_file is not None:
        return Setting(name, str(from_file), f"config file {path}")
    return Setting(name, spec.default, "default")


def _url_problem(value: str) -> str | None:
    from urllib.parse import urlsplit

    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        return "holds white space or control characters"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (reading it checks it)
    except ValueError as exc:
        return f"is not a URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an http:// or https:// URL with a host"
    return None


def _mailto_problem(value: str) -> str | None:
    if any(char.isspace() or ord(char) < 32 or 0x7F <= ord(char) <= 0x9F for char in value):
        return "holds white space or control characters"
    if value.count("@") != 1 or len(value) > 254 or value.startswith("@") or value.endswith("@"):
        return "is not an e-mail address"
    return None


#: Settings whose values are checked before use, and how.
CHECKS = {
    **{name: _url_problem for name in SETTINGS if name.endswith("_url")},
    "mailto": _mailto_problem,
}


def checked(name: str, flag: str | None = None) -> str | None:
    """The value of setting ``name`` (see :func:`resolve`), refused if it is malformed: a URL setting that is
    not an http(s) URL, an e-mail address with a line break.  :class:`UsageError` (exit 2) names the flag
    or environment variable it came from; a bad value in the config file is a :class:`ConfigError`."""
    setting = resolve(name, flag)
    if setting.value is None or name not in CHECKS:
        return setting.value
    problem = CHECKS[name](setting.value)
    if problem is None:
        return setting.value
    shown = setting.value if len(setting.value) <= 60 else setting.value[:57] + "..."
    spec = SETTINGS[name]
    if setting.source.startswith("config file"):
        raise ConfigError(f"{config_path()}: setting '{name}' = {shown!r} {problem}")
    where = spec.env if setting.source.startswith("environment") else f"--{name}"
    raise UsageError(f"{where}={shown!r} {problem}; fix it (or unset it)")


#: What ``CITETOOL_DEBUG`` may say, and whether it turns tracebacks on.
DEBUG_VALUES: dict[str, bool] = {"1": True, "true": True, "yes": True, "on": True,
                                 "0": False, "false": False, "no": False, "off": False, "": False}  # fmt: skip


def debug() -> bool:
    """Whether ``CITETOOL_DEBUG`` asks for tracebacks; a value it cannot read is "no"."""
    return DEBUG_VALUES.get(os.environ.get("CITETOOL_DEBUG", "").strip().lower(), False)


def _number(name: str, low: float, high: float, unit: str) -> float:
    """Setting ``name`` as a number from ``low`` to ``high``; :class:`ConfigError` naming where it came from."""
    setting = resolve(name)
    try:
        number = float(setting.value or SETTINGS[name].default or "nan")
    except ValueError:
        number = float("nan")
    if not low <= number <= high:
        raise ConfigError(f"{name} {setting.value!r} ({setting.source}): give a number of {unit} from {low:g} "
                          f"to {high:g}")  # fmt: skip
    return number


def deadline() -> float:
    """The ``deadline`` setting: seconds one lookup may take in all (retries and slow bodies included), 1 to 3600."""
    return _number("deadline", 1, 3600, "seconds")


def retractions_max_age() -> float:
    """The ``retractions_max_age`` setting: days a kept answer about a work's notices is used, 0 to 3650."""
    return _number("retractions_max_age", 0, 3650, "days")


def retraction_watch() -> tuple[Path, str] | None:
    """The ``retraction_watch`` setting: the CSV's path and where the setting came from (for messages), or None."""
    setting = resolve("retraction_watch")
    if not setting.value:
        return None
    spec = SETTINGS["retraction_watch"]
    where = spec.env if setting.source.startswith("environment") else f"setting retraction_watch ({setting.source})"
    return Path(setting.value).expanduser(), where


def pager() -> str:
    """The pager command: the ``pager`` setting, else ``$PAGER``, else ``less -FRX`` ('' or ``cat``: none)."""
    explicit = os.environ.get(SETTINGS["pager"].env)
    if explicit is not None:  # set, even to '' (which turns paging off)
        return explicit
    configured = resolve("pager").value
    return configured if configured is not None else os.environ.get("PAGER", "less -FRX")


def cache_dir() -> Path:
    """The folder for every cache citetool keeps: the ``cache_dir`` setting, else the user cache folder.

    The one place the setting is read, so the record cache, the library
    index, ``show``'s table and the export caches all follow it.
    """
    configured = resolve("cache_dir").value
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("citetool")
