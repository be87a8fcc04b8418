"""The warehouse: versioned schema, batches that land whole or not at all, content-keyed reloads."""

import dataclasses

import duckdb
import pytest

from corpus.nlp import annotate
from corpus.parse import parse_document
from corpus.records import RawDocument, Rejection
from tests.conftest import SEED
from warehouse.load import (WarehouseError, doc_id_for, finish_run, known_content, load_batch, open_warehouse,
                            start_run)
from warehouse.migrate import migrate, migrations

CONTRACT = {
    "documents": "doc_id source_uri format title section authors published_date written_date language lede text "
                 "content_sha256 pipeline_version ingested_at",
    "entity_mentions": "doc_id mention_id start_char end_char text label entity_id",
    "entities": "entity_id name label",
    "quotes": "quote_id doc_id start_char end_char text kind speaker_name speaker_entity_id speaker_mention cue "
              "reported_via",
    "citations": "citation_id doc_id marker kind raw_text author publication published_date url domain "
                 "same_as_citation_id",
    "quote_citations": "quote_id citation_id",
    "ingest_runs": "run_id started_at finished_at n_inputs n_loaded n_skipped n_rejected",
    "rejected_inputs": "run_id source_uri reason detail",
}


def annotated_seed(text_suffix: str = "", *, credit: str = ""):
    """The seed, with `text_suffix` appended, or `credit` added to the sentence its note 3 closes."""
    content = SEED.read_bytes().replace(b"du m\xc3\xaame deal [3]", f"du même deal{credit} [3]".encode())
    raw = RawDocument.from_bytes(str(SEED), content + text_suffix.encode(), "markdown")
    return next(annotate([parse_document(raw)]))


@pytest.fixture
def db(tmp_path):
    return tmp_path / "w.duckdb"


def test_schema_has_the_contract_columns(db):
    with open_warehouse(db) as con:
        for table, columns in CONTRACT.items():
            actual = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
            assert actual[:len(columns.split())] == columns.split(), table


def test_migrations_apply_once(db):
    with open_warehouse(db) as con:
        assert migrate(con) == []
        versions = [row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()]
    assert versions == [v for v, _, _ in migrations()]


def test_batch_loads_all_rows_of_a_document(db):
    annotated = annotated_seed()
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        result = load_batch(con, "r1", [annotated], [Rejection("bad.bin", "binary", "binary")], n_skipped=2)
        counts = finish_run(con, "r1", "completed")
        doc_id = doc_id_for(str(SEED))
        assert result.n_loaded == 1 and result.n_mentions == len(annotated.mentions)
        assert counts == {"n_inputs": 4, "n_loaded": 1, "n_skipped": 2, "n_rejected": 1}
        assert con.execute("SELECT count(*) FROM entity_mentions WHERE doc_id = ?", [doc_id]).fetchone()[0] == \
            len(annotated.mentions)
        assert con.execute("SELECT count(*) FROM paragraphs WHERE doc_id = ? AND role = 'body'",
                           [doc_id]).fetchone()[0] == 12
        assert con.execute("SELECT list(marker ORDER BY ref_index) FROM note_refs").fetchone()[0] == list("12345")
        assert con.execute("SELECT count(*) FROM entity_mentions m LEFT JOIN entities e USING (entity_id) "
                           "WHERE e.entity_id IS NULL").fetchone()[0] == 0
        assert known_content(con) == {annotated.article.content_sha256}
        runs = con.execute("SELECT raw_start, length FROM raw_documents, unnest(offset_map) AS u(run) "
                           "CROSS JOIN LATERAL (SELECT run.raw_start, run.length)").fetchall()
        assert len(runs) == len(annotated.article.offset_map.runs)


def test_changed_content_replaces_the_documents_rows(db):
    first, second = annotated_seed(), annotated_seed("\n\nUn paragraphe ajouté sur Emmanuel Macron à Paris.\n")
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        load_batch(con, "r1", [first], [], 0)
        load_batch(con, "r1", [second], [], 0)
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert con.execute("SELECT content_sha256 FROM documents").fetchone()[0] == second.article.content_sha256
        assert con.execute("SELECT count(*) FROM entity_mentions").fetchone()[0] == len(second.mentions)
        assert con.execute("SELECT count(*) FROM paragraphs").fetchone()[0] == len(second.article.paragraphs)


def test_citations_and_quote_links_load_and_are_replaced_with_their_document(db):
    first, second = annotated_seed(), annotated_seed(credit=", selon l'AFP")
    doc = doc_id_for(str(SEED))
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        load_batch(con, "r1", [first], [], 0)
        load_batch(con, "r1", [first], [], 0)
        assert con.execute("SELECT count(*) FROM citations").fetchone()[0] == len(first.citations)
        assert con.execute("SELECT marker, same_as_citation_id FROM citations WHERE same_as_citation_id IS NOT NULL "
                           "ORDER BY marker").fetchall() == [("2", f"{doc}:reference:1"), ("5", f"{doc}:reference:3")]
        poutine = con.execute(
            "SELECT list(c.marker ORDER BY c.marker) FILTER (WHERE c.marker IS NOT NULL) FROM quotes q "
            "JOIN quote_citations USING (quote_id) JOIN citations c USING (citation_id) "
            "WHERE q.text LIKE 'C''est pour ça%'").fetchone()[0]
        assert poutine == ["1", "2"]
        assert con.execute("SELECT title, publisher, year FROM citations WHERE marker = '4'").fetchone() == (
            "Corto Maltese en Sibérie", "Casterman", 1979)
        load_batch(con, "r1", [second], [], 0)
        assert con.execute("SELECT count(*) FROM citations").fetchone()[0] == len(second.citations) == \
            len(first.citations) + 1
        assert con.execute("SELECT count(*) FROM quote_citations").fetchone()[0] == \
            sum(len(keys) for keys in second.quote_citations)
        assert con.execute("SELECT count(*) FROM quote_citations LEFT JOIN citations c USING (citation_id) "
                           "WHERE c.citation_id IS NULL").fetchone()[0] == 0


def test_sources_view_counts_outlets_across_documents(db):
    seed, other = annotated_seed(), annotated_seed(credit=", selon *le Monde*")
    other = dataclasses.replace(other, article=dataclasses.replace(other.article, source_uri="copie.md",
                                                                   content_sha256="autre"))
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        load_batch(con, "r1", [seed, other], [], 0)
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT outlet, count_documents, count_citations, first_seen, top_urls FROM sources").fetchall()}
    assert rows["Le Monde"][:2] == (2, 5)
    assert rows["Le Monde"][2].isoformat() == "2023-09-18"
    assert rows["The Conversation"][3] == [next(c.url for c in seed.citations if c.marker == "3")]


def test_a_failing_batch_leaves_nothing_behind(db):
    good = annotated_seed()
    bad_mention = dataclasses.replace(good.mentions[0], label=None)
    broken = dataclasses.replace(good, article=dataclasses.replace(good.article, source_uri="other.md"),
                                 mentions=(bad_mention,))
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        with pytest.raises(duckdb.Error):
            load_batch(con, "r1", [good, broken], [Rejection("x", "empty", "empty")], 0)
        for table in ("documents", "entity_mentions", "paragraphs", "rejected_inputs", "entities", "citations",
                      "quote_citations"):
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
        assert con.execute("SELECT n_inputs FROM ingest_runs").fetchone()[0] == 0


def test_unusable_databases_give_one_line_errors(tmp_path):
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("ceci n'est pas une base DuckDB " * 100)
    for path in (tmp_path, not_a_db, tmp_path / "missing.duckdb"):
        with pytest.raises(WarehouseError) as error:
            with open_warehouse(path, read_only=path.name == "missing.duckdb"):
                pass
        assert "\n" not in str(error.value) and str(path) in str(error.value)
