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

from citetool.errors import ConfigError

CONFIG_ENV = "CITETOOL_CONFIG"


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

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc
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


#: What ``CITETOOL_DEBUG`` may say, and whether it turns tracebacks on.
DEBUG_VALUES: dict[str, bool] = {"1": True, "true": True, "yes": True, "on": True,
                                 "0": False, "false": False, "no": False, "off": False, "": False}  # fmt: skip


def debug() -> bool:
    """Whether ``CITETOOL_DEBUG`` asks for tracebacks; a value it cannot read is "no"."""
    return DEBUG_VALUES.get(os.environ.get("CITETOOL_DEBUG", "").strip().lower(), False)


def deadline() -> float:
    """The ``deadline`` setting: seconds one lookup may take in all (retries and slow bodies included), 1 to 3600."""
    setting = resolve("deadline")
    try:
        seconds = float(setting.value or "60")
    except ValueError:
        seconds = float("nan")
    if not 1 <= seconds <= 3600:
        raise ConfigError(f"deadline {setting.value!r} ({setting.source}): give a number of seconds from 1 to 3600")
    return seconds


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
