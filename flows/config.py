"""The sources file: what `corpus serve`, `pull` and `backfill` ingest, and when (format in docs/sources.md).

Read with the standard library only, and without importing Prefect: `corpus serve` reads it before it starts the
Prefect server whose address the flows must see when Prefect loads.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

KINDS = ("files", "jsonl", "feed", "urls")
FETCH_KEYS = {"timeout": float, "connect_timeout": float, "max_bytes": int, "per_host": int, "max_connections": int,
              "retries": int, "max_redirects": int, "allow_private": bool, "user_agent": str}
"""The fetch settings a `[fetch]` table (for every source) or a source's own `fetch` table may set."""
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class ConfigError(ValueError):
    """The sources file cannot be used; the message names the file, the source and the key."""


@dataclass(frozen=True)
class Schedule:
    """Every `interval_seconds`, or on `cron` (in `timezone`): exactly one of the two."""
    interval_seconds: float | None = None
    cron: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    locations: tuple[str, ...]
    """Paths or globs (files, jsonl), one feed URL or file (feed), URLs (urls); paths are absolute."""
    schedule: Schedule | None
    field_map: tuple[tuple[str, str], ...] = ()
    """JSONL `FIELD=KEY` pairs, as `corpus ingest --map` takes them."""
    fetch: tuple[tuple[str, object], ...] = ()
    """The fetch settings for this source: the file's `[fetch]`, then the source's own."""


@dataclass(frozen=True)
class SourcesFile:
    path: Path
    db: Path
    data_dir: Path
    """Where `corpus serve` keeps its local Prefect server (`prefect/`) and that server's log."""
    sources: tuple[Source, ...]

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise ConfigError(f"{self.path}: no source named {name!r} (it has {', '.join(s.name for s in self.sources)})")


def load_sources(path: str | Path) -> SourcesFile:
    path = Path(path).resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read the sources file {path}: {error.strerror or error}") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from error
    where = str(path)
    _only(data, {"db", "data_dir", "fetch", "sources"}, where)
    base = path.parent
    defaults = _fetch_settings(data.get("fetch", {}), f"{where} [fetch]")
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ConfigError(f"{where}: declare at least one [[sources]] table")
    sources = tuple(_source(raw, base, defaults, f"{where} sources[{i}]") for i, raw in enumerate(raw_sources))
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: source names must differ; repeated: "
                          f"{', '.join(sorted({n for n in names if names.count(n) > 1}))}")
    return SourcesFile(path, base / _text(data, "db", where, "corpus.duckdb"),
                       base / _text(data, "data_dir", where, ".corpus"), sources)


def parse_duration(value: object, where: str) -> float:
    """Seconds from 90, "90s", "15m", "1h" or "1d"."""
    match = _DURATION.match(str(value)) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else None
    if not match or float(match[1]) <= 0:
        raise ConfigError(f"{where}: {value!r} is not a duration (give seconds, or a number with s, m, h or d)")
    return float(match[1]) * _UNIT_SECONDS[match[2]]


def _source(raw: object, base: Path, defaults: dict, where: str) -> Source:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: each source is a table")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{where}: `name` is required: letters, digits, '-', '_' or '.', at most 64")
    where = f"{where} ({name})"
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}: `kind` must be one of {', '.join(KINDS)}, not {kind!r}")
    allowed = {"name", "kind", "every", "cron", "timezone", "map", "fetch",
               *{"files": ("paths",), "jsonl": ("path",), "feed": ("url", "file"), "urls": ("urls", "file")}[kind]}
    _only(raw, allowed, where)
    field_map = raw.get("map", {})
    if not isinstance(field_map, dict) or not all(isinstance(v, str) for v in field_map.values()):
        raise ConfigError(f"{where}: `map` is a table of FIELD = \"KEY\"")
    fetch = {**defaults, **_fetch_settings(raw.get("fetch", {}), f"{where} fetch")}
    return Source(name, kind, _locations(raw, kind, base, where), _schedule(raw, where),
                  tuple(sorted(field_map.items())), tuple(sorted(fetch.items())))


def _locations(raw: dict, kind: str, base: Path, where: str) -> tuple[str, ...]:
    if kind == "files":
        paths = raw.get("paths")
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p for p in paths):
            raise ConfigError(f"{where}: `paths` is a list of folders, files or globs")
        return tuple(str(base / p) for p in paths)
    if kind == "jsonl":
        return (str(base / _text(raw, "path", where)),)
    if kind == "feed":
        if ("url" in raw) == ("file" in raw):
            raise ConfigError(f"{where}: give the feed's `url` or its `file`, one of the two")
        return (_url(raw["url"], where),) if "url" in raw else (str(base / _text(raw, "file", where)),)
    if ("urls" in raw) == ("file" in raw):
        raise ConfigError(f"{where}: give `urls` (a list) or `file` (one URL per line), one of the two")
    if "file" in raw:
        return (str(base / _text(raw, "file", where)),)
    urls = raw["urls"]
    if not isinstance(urls, list) or not urls:
        raise ConfigError(f"{where}: `urls` is a list of article URLs")
    return tuple(_url(u, where) for u in urls)


def read_url_list(path: str) -> list[str]:
    """The URLs of a URL-list file: one per line; blank lines and lines starting with '#' are left out."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _url(value: object, where: str) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^/\s]+", value):
        raise ConfigError(f"{where}: {value!r} is not an http(s) URL")
    return value


def _schedule(raw: dict, where: str) -> Schedule | None:
    if "every" in raw and "cron" in raw:
        raise ConfigError(f"{where}: give `every` or `cron`, not both")
    if "every" in raw:
        return Schedule(interval_seconds=parse_duration(raw["every"], f"{where} every"),
                        timezone=_text(raw, "timezone", where, None))
    if "cron" in raw:
        cron = raw["cron"]
        if not isinstance(cron, str) or len(cron.split()) not in (5, 6):
            raise ConfigError(f"{where}: `cron` is a cron expression such as \"0 * * * *\", not {cron!r}")
        return Schedule(cron=cron, timezone=_text(raw, "timezone", where, None))
    if "timezone" in raw:
        raise ConfigError(f"{where}: `timezone` goes with `every` or `cron`")
    return None


def _fetch_settings(raw: object, where: str) -> dict:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: fetch settings are a table")
    _only(raw, set(FETCH_KEYS), where)
    settings = {}
    for key, value in raw.items():
        expected = FETCH_KEYS[key]
        if key == "timeout":
            value = parse_duration(value, f"{where} timeout")
        elif not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            if not (expected is float and isinstance(value, int) and not isinstance(value, bool)):
                raise ConfigError(f"{where}: `{key}` must be {expected.__name__}, not {value!r}")
        if expected in (int, float) and value <= 0 and key != "retries":
            raise ConfigError(f"{where}: `{key}` must be positive")
        settings[key] = value
    return settings


def _text(raw: dict, key: str, where: str, default: str | None = ...) -> str | None:
    if key not in raw:
        if default is ...:
            raise ConfigError(f"{where}: `{key}` is required")
        return default
    value = raw[key]
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: `{key}` must be a non-empty string")
    return value


def _only(raw: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                          f"(allowed: {', '.join(sorted(allowed))})")
