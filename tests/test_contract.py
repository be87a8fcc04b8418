"""The warehouse's contract: the names of `warehouse/contract.py` against a freshly migrated warehouse, the generated
`warehouse/schema.sql`, the staged Arrow schemas and the refusal of an edited migration."""

from __future__ import annotations

import hashlib

import duckdb
import pytest

from tests.conftest import ROOT
from warehouse import migrate as migrate_module
from warehouse.contract import DOCUMENT_TABLES, NOT_STAGED, STAGED_TABLES, TABLES
from warehouse.errors import WarehouseError
from warehouse.load import open_warehouse
from warehouse.migrate import EARLIER_HASHES, Migration, MigrationEdited, fresh_warehouse, macros, migrate, migrations
from warehouse.schema_dump import SCHEMA_FILE, schema_sql
from warehouse.stage import Staged, staging_schemas


@pytest.fixture(scope="module")
def fresh():
    con = fresh_warehouse()
    yield con
    con.close()


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [name for (name,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                                            "ORDER BY column_index", [table]).fetchall()]


def test_the_contract_names_every_table(fresh):
    assert sorted(TABLES) == [name for (name,) in fresh.execute(
        "SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]


def test_document_tables_are_keyed_by_document(fresh):
    assert all("doc_id" in columns(fresh, table) for table in DOCUMENT_TABLES)


def test_staged_schemas_are_the_tables_columns_less_those_the_warehouse_fills(fresh):
    schemas = staging_schemas()
    assert tuple(schemas) == STAGED_TABLES
    for table, schema in schemas.items():
        assert set(NOT_STAGED.get(table, ())) <= set(columns(fresh, table)), table
        assert schema.names == [c for c in columns(fresh, table) if c not in NOT_STAGED.get(table, ())], table


def test_a_staged_row_must_name_its_tables_columns():
    staged = Staged()
    staged.add("quote_citations", quote_id="d:q0", citation_id="d:1")
    with pytest.raises(ValueError, match="quote_citations row names \\['citation'"):
        staged.add("quote_citations", quote_id="d:q0", citation="d:1")
    assert staged.tables()["quote_citations"].to_pylist() == [{"quote_id": "d:q0", "citation_id": "d:1"}]


def test_schema_sql_is_what_a_fresh_migrate_gives():
    """Else run `python -m warehouse.schema_dump` and commit warehouse/schema.sql."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sql()


def test_the_macros_are_recreated_over_those_of_old_migrations(fresh):
    names = {name for (name,) in fresh.execute(
        "SELECT function_name FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro') AND NOT internal").fetchall()}
    assert {name for name, _ in macros()} <= names
    assert migrate(fresh) == []  # CREATE OR REPLACE over the macros migrations 006-008 created


def test_stored_hashes_are_those_of_the_files_text():
    """What `schema_migrations.sha256` has always held, so that unchanged files match the warehouses' hashes."""
    for migration in migrations():
        text = (ROOT / migration.path).read_text(encoding="utf-8")
        assert migration.sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_an_edited_migration_is_refused_with_its_file_named(monkeypatch, tmp_path):
    db = tmp_path / "w.duckdb"
    with open_warehouse(db):
        pass
    edited = [m._replace(sql=m.sql + "\n-- edited\n") if m.version == 6 else m for m in migrations()]
    monkeypatch.setattr(migrate_module, "migrations", lambda: edited)
    with pytest.raises(MigrationEdited) as refused, open_warehouse(db):
        pass
    assert isinstance(refused.value, WarehouseError)
    message = str(refused.value)
    assert "\n" not in message and message.startswith("warehouse/schema/006_entity_pairs.sql was edited after")


def test_a_migration_stored_with_an_earlier_comment_only_text_is_accepted():
    con = fresh_warehouse()
    for version, hashes in EARLIER_HASHES.items():
        con.execute("UPDATE schema_migrations SET sha256 = ? WHERE version = ?", [min(hashes), version])
    assert migrate(con) == []
    con.execute("UPDATE schema_migrations SET sha256 = 'other' WHERE version = 1")
    with pytest.raises(MigrationEdited, match="001_core.sql"):
        migrate(con)
    con.close()


def test_migration_files_are_read_in_version_order():
    found = migrations()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    assert all(isinstance(m, Migration) and (ROOT / m.path).is_file() for m in found)
