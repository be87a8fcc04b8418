"""Apply the schema's `.sql` files in order, once each, recording them and their hashes in `schema_migrations`, and
refuse a warehouse whose applied migrations were edited since; then (re)create the macros of `macros/` and the views
of `views/`, which hold no data and so follow the code rather than a version."""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from typing import NamedTuple

import duckdb

from warehouse.errors import WarehouseError
from warehouse.sqlfiles import sql_files
from warehouse.transaction import transaction

_MIGRATION = re.compile(r"^(\d{3})_(\w+)\.sql$")

EARLIER_HASHES = {
    6: {"f343e34b9d771bf1c649e13697cc1ddbbfcad2e99468541e6f6ba6aab3590918"},
    7: {"df8e590386f7cd343c205d05b6b3ce7ef6584c133f16f72df0ed8ac7b4552b9d"},
    13: {"166e5e50bd0847fb49c1e6906be2fa54235c7d82e1d13e301f563472dfb8f0a2"},
}
"""Hashes of earlier texts of a migration that differ from today's in their comments only: warehouses that applied
them stored these."""


class Migration(NamedTuple):
    version: int
    name: str
    sql: str

    @property
    def path(self) -> str:
        return f"warehouse/schema/{self.version:03d}_{self.name}.sql"

    @property
    def sha256(self) -> str:
        """Of the file's text as read (UTF-8, newlines as `\\n`), encoded in UTF-8: what `schema_migrations` holds."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationEdited(WarehouseError):
    """A migration this warehouse applied reads differently now: the tables it made may not be what it says."""


def migrations() -> list[Migration]:
    """Every migration file, in version order."""
    found = []
    for entry in resources.files("warehouse.schema").iterdir():
        match = _MIGRATION.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    return sorted(found)


def views() -> list[tuple[str, str]]:
    """(name, sql) for every view file, by name."""
    return sql_files("warehouse.views")


def macros() -> list[tuple[str, str]]:
    """(name, sql) for every macro file, by name."""
    return sql_files("warehouse.macros")


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Bring the database to the latest schema, macros and views; return the versions applied now."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    applied = dict(con.execute("SELECT version, sha256 FROM schema_migrations").fetchall())
    known = migrations()
    check_unedited(known, applied)
    pending = [m for m in known if m.version not in applied]
    for migration in pending:
        _apply(con, migration)
    for _, sql in macros():
        con.execute(sql)
    _create_views(con, views())
    return [m.version for m in pending]


def _create_views(con: duckdb.DuckDBPyConnection, pending: list[tuple[str, str]]) -> None:
    """Create the views, each after the views it reads: one that names a view not yet made waits for the next round."""
    while pending:
        waiting = []
        for name, sql in pending:
            try:
                con.execute(sql)
            except duckdb.CatalogException:
                waiting.append((name, sql))
        if len(waiting) == len(pending):
            con.execute(waiting[0][1])  # no view could be made: the first one's error says why
        pending = waiting


def check_unedited(known: list[Migration], applied: dict[int, str]) -> None:
    """Raise `MigrationEdited` for the first of the `known` migrations whose stored hash (`applied`, by version) its
    file no longer has."""
    for migration in known:
        stored = applied.get(migration.version)
        if stored is not None and stored not in {migration.sha256, *EARLIER_HASHES.get(migration.version, ())}:
            raise MigrationEdited(
                f"{migration.path} was edited after this warehouse applied it (sha256 {stored[:12]} then, "
                f"{migration.sha256[:12]} now): restore it and put the change in a new migration")


def _apply(con: duckdb.DuckDBPyConnection, migration: Migration) -> None:
    with transaction(con):
        con.execute(migration.sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?, current_timestamp)",
                    [migration.version, migration.name, migration.sha256])


def fresh_warehouse() -> duckdb.DuckDBPyConnection:
    """An in-memory database migrated from nothing: the current shape of every table, with no rows."""
    con = duckdb.connect(":memory:")
    migrate(con)
    return con
