"""Apply the schema's `.sql` files in order, once each, recording them in `schema_migrations`; then (re)create the
views of `views/`, which hold no data and so follow the code rather than a version."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import duckdb

from warehouse.transaction import transaction

_MIGRATION = re.compile(r"^(\d{3})_(\w+)\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file, in version order."""
    found = []
    for entry in resources.files("warehouse.schema").iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text("utf-8")))
    return sorted(found)


def views() -> list[tuple[str, str]]:
    """(name, sql) for every view file, by name."""
    return sorted((entry.name.removesuffix(".sql"), entry.read_text("utf-8"))
                  for entry in resources.files("warehouse.views").iterdir() if entry.name.endswith(".sql"))


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Bring the database to the latest schema and views; return the versions applied now."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    done = []
    for version, name, sql in migrations():
        if version in applied:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?, current_timestamp)",
                [version, name, hashlib.sha256(sql.encode()).hexdigest()],
            )
        done.append(version)
    for _, sql in views():
        con.execute(sql)
    return done
