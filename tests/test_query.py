"""The analysis surface on a warehouse of the bundled sample (the seed and six Wikinews articles): the views,
full-text search, `corpus query` (which never writes) and `corpus export`."""

import json
import math

import duckdb
import pyarrow.parquet as pq
import pytest

from flows.cli import main, sample_corpus
from warehouse.load import open_warehouse
from warehouse.query import relations

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db(tmp_path_factory, prefect_server):
    path = tmp_path_factory.mktemp("query") / "sample.duckdb"
    assert main(["ingest", sample_corpus(), "--db", str(path)]) == 0
    return str(path)


def query(db, sql, *options):
    return main(["query", sql, "--db", db, *options])


def test_query_prints_a_table_csv_or_json(db, capsys):
    sql = "SELECT name, n_mentions FROM entity_stats WHERE label = 'PER' ORDER BY n_mentions DESC, name LIMIT 2"
    assert query(db, sql) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["name", "n_mentions"] and table[2].split() == ["Kim", "Jong", "Un", "9"]
    assert table[-1] == "(2 rows)"
    assert query(db, sql, "--format", "csv") == 0
    assert capsys.readouterr().out.splitlines() == ["name,n_mentions", "Kim Jong Un,9", "Vladimir Poutine,6"]
    assert query(db, sql, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == [{"name": "Kim Jong Un", "n_mentions": 9},
                                                   {"name": "Vladimir Poutine", "n_mentions": 6}]


def test_query_reads_a_file(db, tmp_path, capsys):
    sql = tmp_path / "q.sql"
    sql.write_text("SELECT count(*) AS n FROM documents", encoding="utf-8")
    assert main(["query", "--file", str(sql), "--db", db, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "7"]


@pytest.mark.parametrize("sql", ["DROP TABLE documents", "DELETE FROM documents",
                                 "COPY documents TO '{out}'", "ATTACH '{out}' AS other",
                                 "SET enable_external_access = true", "SELECT * FROM read_csv('/etc/passwd')",
                                 "SELECT * FROM read_text('{out}/../../*')", "INSTALL httpfs",
                                 "COPY (SELECT 1) TO '{out}' (FORMAT csv)"])
def test_query_refuses_to_write(db, tmp_path, capsys, sql):
    out = tmp_path / "written"
    assert query(db, sql.format(out=out)) == 1
    error = capsys.readouterr().err
    assert error.startswith("corpus: error: ") and len(error.strip().splitlines()) == 1
    assert not out.exists()
    with open_warehouse(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 7


def test_a_refused_statement_says_so(db, capsys):
    assert query(db, "DROP TABLE documents") == 1
    assert "corpus query only reads the warehouse; nothing was changed" in capsys.readouterr().err


def test_export_writes_every_table_and_view_as_parquet(db, tmp_path, capsys):
    assert main(["export", str(tmp_path / "out"), "--db", db]) == 0
    with open_warehouse(db, read_only=True) as con:
        names = relations(con)
        counts = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    assert {"documents", "entities", "quotes", "entity_stats", "cooccurrence", "speakers", "sources"} <= set(names)
    assert not [n for n in names if n.startswith("fts_")]
    for name in names:
        assert pq.read_table(tmp_path / "out" / f"{name}.parquet").num_rows == counts[name]
    assert f"{len(names)} tables and views written" in capsys.readouterr().out


def test_views_answer_about_the_seed(db):
    with open_warehouse(db, read_only=True) as con:
        stats = con.execute("SELECT n_mentions, n_docs, first_seen, top_comentions FROM entity_stats "
                            "WHERE name = 'Vladimir Poutine'").fetchone()
        assert stats[:3] == (6, 1, stats[2]) and stats[2].isoformat() == "2023-09-18"
        assert "Kim Jong Un" in stats[3]
        assert con.execute("SELECT month, n_mentions FROM entity_timeline WHERE name = 'Vladimir Poutine'"
                           ).fetchall() == [(stats[2].replace(day=1), 6)]
        pair = con.execute("SELECT n_docs, n_sentences, pmi FROM cooccurrence "
                           "WHERE name = 'Vladimir Poutine' AND other_name = 'Kim Jong Un'").fetchone()
        assert pair == con.execute("SELECT n_docs, n_sentences, pmi FROM cooccurrence "
                                   "WHERE name = 'Kim Jong Un' AND other_name = 'Vladimir Poutine'").fetchone()
        n_docs = con.execute("SELECT count(DISTINCT doc_id) FROM entity_mentions").fetchone()[0]
        assert pair[0] == 1 and pair[1] >= 2 and math.isclose(pair[2], math.log(n_docs))  # both in one document only
        speakers = dict(con.execute("SELECT speaker, sum(n_quotes) FROM speakers GROUP BY 1").fetchall())
        assert speakers["Vladimir Poutine"] >= 1
        about = con.execute("SELECT name, speaker_name, in_quote FROM quotes_about").fetchall()
        assert ("Kim Jong Un", "Moscou", True) in about
        assert not [row for row in about if row[0] == row[1]]


def test_search_ranks_documents_and_quotes_and_follows_new_loads(db, tmp_path, capsys):
    with open_warehouse(db, read_only=True) as con:
        found = con.execute("SELECT kind, title FROM document_search('rencontre Poutine')").fetchall()
    assert found[0] == ("document", "La rencontre Poutine-Kim de Vostotchny")
    assert ("quote", "La rencontre Poutine-Kim de Vostotchny") in found
    article = tmp_path / "kamtchatka.txt"
    article.write_text("Un volcan du Kamtchatka entre en éruption\n\nLe volcan Klioutchevskoï, au Kamtchatka, est "
                       "entré en éruption lundi, selon les autorités russes.\n", encoding="utf-8")
    assert main(["ingest", str(article), "--db", db]) == 0
    capsys.readouterr()
    assert query(db, "SELECT title FROM document_search('Kamtchatka') WHERE kind = 'document'", "--format", "csv") == 0
    assert capsys.readouterr().out.splitlines() == ["title", "Un volcan du Kamtchatka entre en éruption"]
    with duckdb.connect(db, read_only=True) as con:
        with pytest.raises(duckdb.Error):  # a plain connection has no fts loaded (and DuckDB fails to fetch it)
            con.execute("SELECT * FROM document_search('volcan')")
