"""The warehouse: versioned schema, batches that land whole or not at all, content-keyed reloads."""

import dataclasses
import datetime as dt
import functools
import subprocess
import sys
import time

import duckdb
import pytest

from corpus.entities.keys import entity_id
from corpus.nlp import annotate
from corpus.read.parse import parse_document
from corpus.records import RawDocument, Rejection
from tests.conftest import MENTIONS_IN_PLACE, SAMPLES, SEED
from warehouse.load import (
    BatchWriter,
    WarehouseError,
    delete_documents,
    finish_run,
    known_content,
    load_batch,
    open_warehouse,
    start_run,
    update_summaries,
)
from warehouse.migrate import migrate, migrations
from warehouse.stage import doc_id_for

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


@functools.cache
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
        assert counts == {"n_inputs": 4, "n_loaded": 1, "n_changed": 0, "n_skipped": 2, "n_rejected": 1}
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
        assert load_batch(con, "r1", [first], [], 0).n_changed == 0
        assert load_batch(con, "r1", [second], [], 0).n_changed == 1
        assert finish_run(con, "r1", "completed")["n_changed"] == 1
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert con.execute("SELECT content_sha256 FROM documents").fetchone()[0] == second.article.content_sha256
        assert con.execute("SELECT count(*) FROM entity_mentions").fetchone()[0] == len(second.mentions)
        assert con.execute("SELECT count(*) FROM paragraphs").fetchone()[0] == len(second.article.paragraphs)


def test_mention_offsets_index_their_part_of_the_document(db):
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        load_batch(con, "r1", [annotated_seed()], [], 0)
        rows = con.execute(MENTIONS_IN_PLACE).fetchall()
        assert {part for part, *_ in rows} == {"text", "title", "note"}
        assert all(text[start:end] == mention for _, text, start, end, mention in rows)
        assert con.execute("SELECT count(*) FROM entity_mentions WHERE (part = 'text') <> "
                           "(sentence_index IS NOT NULL AND paragraph_index IS NOT NULL)").fetchone()[0] == 0


def entities_of(con, where: str = "true") -> dict[str, tuple]:
    return {row[0]: row[1:] for row in con.execute(
        f"SELECT name, label, aliases, n_mentions, n_docs, first_seen, last_seen FROM entities WHERE {where}").fetchall()}


def assert_derived_tables_agree_with_mentions(con):
    """The tables each batch keeps up to date agree with the mentions they derive from: the counts of `entities` and
    `entity_aliases`, and `quote_entities`; and every entity is named."""
    assert con.execute("""
        SELECT count(*) FROM entities e FULL JOIN (
            SELECT entity_id, count(*) AS n, count(DISTINCT doc_id) AS docs FROM entity_mentions GROUP BY 1) m
            USING (entity_id)
        WHERE e.n_mentions IS DISTINCT FROM m.n OR e.n_docs IS DISTINCT FROM m.docs""").fetchone()[0] == 0
    assert con.execute("""
        SELECT count(*) FROM entities e FULL JOIN (
            SELECT entity_id, sum(n_mentions) AS n FROM entity_aliases GROUP BY 1) a USING (entity_id)
        WHERE e.n_mentions IS DISTINCT FROM a.n""").fetchone()[0] == 0
    assert con.execute("SELECT * FROM quote_entities ORDER BY ALL").fetchall() == con.execute(
        "SELECT * FROM quote_entities_in('documents') ORDER BY ALL").fetchall()


def test_entities_count_their_mentions_documents_and_dates_and_list_their_aliases(db):
    seed, copy = annotated_seed(), annotated_seed("\n\nVladimir Poutine est reparti le 14 septembre.\n")
    copy = dataclasses.replace(copy, article=dataclasses.replace(
        copy.article, source_uri="copie.md", content_sha256="autre", published_date=dt.date(2024, 1, 2)))
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        load_batch(con, "r1", [seed, copy], [], 0)
        poutine = entities_of(con, "label = 'PER' AND name LIKE '%Poutine'")
        assert poutine == {"Vladimir Poutine": (
            "PER", ["Poutine", "Vladimir Poutine"], 13, 2, dt.date(2023, 9, 18), dt.date(2024, 1, 2))}
        assert con.execute("SELECT alias_key, alias, n_mentions FROM entity_aliases WHERE entity_id = ? "
                           "ORDER BY alias_key", [entity_id("PER:vladimir poutine")]).fetchall() == [
            ("PER:poutine", "Poutine", 10), ("PER:vladimir poutine", "Vladimir Poutine", 3)]
        assert entities_of(con, "name = 'Kim Jong Un'")["Kim Jong Un"][1:4] == (["Kim Jong Un", "Kim"], 18, 2)
        assert_derived_tables_agree_with_mentions(con)


def test_reloading_a_changed_document_updates_and_drops_its_entities(db):
    seed, changed = annotated_seed(), annotated_seed("\n\nUn paragraphe ajouté sur Emmanuel Macron à Paris.\n")
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        load_batch(con, "r1", [seed], [], 0)
        before = entities_of(con)
        load_batch(con, "r1", [changed], [], 0)
        assert entities_of(con, "name = 'Emmanuel Macron'")["Emmanuel Macron"][2:4] == (1, 1)
        assert entities_of(con, "name = 'Paris'")["Paris"][2] == 1
        update_summaries(con)
        macron_paris = ("SELECT n_docs, n_sentences FROM cooccurrence "
                        "WHERE name = 'Emmanuel Macron' AND other_name = 'Paris'")
        assert con.execute(macron_paris).fetchall() == [(1, 0)]  # appended after the notes: in the last note
        assert_derived_tables_agree_with_mentions(con)
        load_batch(con, "r1", [seed], [], 0)
        assert entities_of(con) == before
        assert con.execute("SELECT count(*) FROM entity_aliases WHERE alias IN ('Emmanuel Macron', 'Paris')"
                           ).fetchone()[0] == 0
        update_summaries(con)
        assert con.execute(macron_paris).fetchall() == []
        assert_derived_tables_agree_with_mentions(con)


def test_a_short_name_as_speaker_is_the_full_names_entity(db):
    seed = annotated_seed()
    quotes = tuple(dataclasses.replace(q, speaker_name="Poutine") if q.speaker_name == "Vladimir Poutine" else q
                   for q in seed.quotes)
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        load_batch(con, "r1", [dataclasses.replace(seed, quotes=quotes)], [], 0)
        speakers = dict(con.execute("SELECT speaker_name, speaker_entity_id FROM quotes "
                                    "WHERE speaker_name IS NOT NULL").fetchall())
    assert speakers["Poutine"] == entity_id("PER:vladimir poutine")
    assert speakers["Robert M. Dover"] == entity_id("PER:robert m dover")  # named in notes 3 and 5 only


@pytest.fixture(scope="module")
def annotated_samples():
    return list(annotate([parse_document(RawDocument.from_bytes(str(p), p.read_bytes(), "markdown" if p.suffix == ".md"
                                                                 else "html")) for p in sorted(SAMPLES.iterdir())]))


def assert_summaries_agree_with_mentions(con):
    """`entity_pairs` and `entity_top_comentions`, however the runs brought them up to date, equal them from scratch."""
    assert con.execute("SELECT * FROM entity_pairs ORDER BY ALL").fetchall() == con.execute(
        "SELECT * FROM pairs_among('entities') ORDER BY ALL").fetchall()
    assert con.execute("SELECT * FROM entity_top_comentions ORDER BY ALL").fetchall() == con.execute(
        "SELECT * FROM top_comentions_of('entities') ORDER BY ALL").fetchall()


def test_summaries_updated_for_the_entities_each_run_touched_equal_them_from_scratch(db, annotated_samples):
    """Runs that add documents, replace one with a changed text and delete one: after each, the pairs and top
    co-mentions, recomputed for the entities it touched only, are those of the whole corpus."""
    half = len(annotated_samples) // 2
    seed, changed = annotated_seed(), annotated_seed("\n\nUn paragraphe ajouté sur Emmanuel Macron à Paris.\n")
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        load_batch(con, "r1", annotated_samples[:half], [], 0, refresh_entities=False)
        update_summaries(con)
        assert_summaries_agree_with_mentions(con)
        first_pairs = con.execute("SELECT count(*) FROM entity_pairs").fetchone()[0]
        load_batch(con, "r1", annotated_samples[half:], [], 0, refresh_entities=False)
        load_batch(con, "r1", [changed], [], 0)  # entities recomputed in the batch, pairs left to the end
        update_summaries(con)
        assert_summaries_agree_with_mentions(con)
        assert con.execute("SELECT count(*) FROM entity_pairs").fetchone()[0] > first_pairs > 100
        load_batch(con, "r1", [seed], [], 0, refresh_entities=False)
        con.execute("CREATE TEMP TABLE gone AS SELECT doc_id FROM documents ORDER BY doc_id LIMIT 1")
        delete_documents(con, "gone")
        update_summaries(con)
        assert_summaries_agree_with_mentions(con)
        assert con.execute("SELECT count(*) FROM stale_comentions").fetchone()[0] == 0


def test_entity_ids_depend_neither_on_the_database_nor_on_the_order_of_loading(tmp_path, annotated_samples):
    def load(path, batches):
        with open_warehouse(path) as con:
            start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
            for batch in batches:
                load_batch(con, "r1", batch, [], 0)
            assert_derived_tables_agree_with_mentions(con)
            update_summaries(con)
            return (con.execute("SELECT * EXCLUDE (entity_key) FROM entities ORDER BY entity_id").fetchall(),
                    con.execute("SELECT mention_id, entity_id FROM entity_mentions ORDER BY mention_id").fetchall(),
                    con.execute("SELECT * FROM entity_aliases ORDER BY ALL").fetchall(),
                    con.execute("SELECT * FROM entity_pairs ORDER BY ALL").fetchall(),
                    con.execute("SELECT * FROM entity_top_comentions ORDER BY ALL").fetchall())

    at_once = load(tmp_path / "a.duckdb", [annotated_samples])
    one_by_one_backwards_twice = load(tmp_path / "b.duckdb", [[a] for a in reversed(annotated_samples)] * 2)
    assert at_once == one_by_one_backwards_twice
    assert len(at_once[0]) > 100 and len(at_once[3]) > 1000


def test_a_database_from_before_canonical_entities_gets_them(db):
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migrations "
                "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, applied_at TIMESTAMP)")
    for migration in migrations()[:3]:
        con.execute(migration.sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?, current_timestamp)",
                    [migration.version, migration.name, migration.sha256])
    con.execute("INSERT INTO documents (doc_id, source_uri, format, text, content_sha256, pipeline_version, "
                "ingested_at, run_id, n_chars, published_date) VALUES ('d', 'd.md', 'text', 'Poutine à Moscou.', "
                "'h', 'v', now()::TIMESTAMP, 'r', 17, DATE '2023-09-18')")
    con.execute("INSERT INTO entities VALUES (?, 'Poutine', 'PER', 'PER:poutine'), (?, 'Moscou', 'LOC', 'LOC:moscou')",
                [entity_id("PER:poutine"), entity_id("LOC:moscou")])
    con.execute("INSERT INTO entity_mentions VALUES ('d', 'd:0', 0, 7, 'Poutine', 'PER', ?, 0, 0), "
                "('d', 'd:1', 10, 16, 'Moscou', 'LOC', ?, 0, 0)", [entity_id("PER:poutine"), entity_id("LOC:moscou")])
    con.close()
    with open_warehouse(db) as con:
        assert con.execute("SELECT canonical_name, part, alias_key FROM entity_mentions ORDER BY mention_id"
                           ).fetchall() == [("Poutine", "text", "PER:poutine"), ("Moscou", "text", "LOC:moscou")]
        assert entities_of(con)["Poutine"] == ("PER", ["Poutine"], 1, 1, dt.date(2023, 9, 18), dt.date(2023, 9, 18))
        assert_derived_tables_agree_with_mentions(con)
        assert con.execute("SELECT count(*) FROM duckdb_indexes() WHERE table_name = 'entity_mentions'"
                           ).fetchone()[0] == 0


def test_the_seed_has_its_canonical_entities(db, expected_seed):
    """`expected.json`: each entity of `must_canonical` is one of the seed's, and the mentions it lists name it
    ("M. Poutine" is the mention "Poutine" with the title "M.")."""
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        load_batch(con, "r1", [annotated_seed()], [], 0)
        mentions = con.execute("SELECT m.text, m.title, e.name, e.label FROM entity_mentions m "
                               "JOIN entities e USING (entity_id) WHERE m.doc_id = ?", [doc_id_for(str(SEED))]).fetchall()
    entities = {(name, label) for _, _, name, label in mentions}
    named = {(f"{title} {text}" if title else text, name, label) for text, title, name, label in mentions}
    missing = [(item["name"], item["label"]) for item in expected_seed["entities"]["must_canonical"]
               if (item["name"], item["label"]) not in entities]
    unresolved = [(mention, item["name"]) for item in expected_seed["entities"]["must_canonical"]
                  for mention in item.get("mentions", ()) if (mention, item["name"], item["label"]) not in named]
    assert not missing and not unresolved, f"entities missing: {missing}; mentions not resolved: {unresolved}"


def test_the_seed_has_no_false_mentions(expected_seed):
    mentions = annotated_seed().mentions
    found = [item for item in expected_seed["entities"]["must_not"]
             if any(m.text == item["text"] and m.label == item.get("label", m.label) for m in mentions)]
    assert not found, f"false mentions: {found}"


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


def test_reloading_a_document_keeps_one_row_per_key_in_every_table(db):
    """The tables of a document's rows have no primary key (schema 012): the load, which deletes a document's rows
    and inserts them again in one transaction, is what keeps their keys unique."""
    first, second = annotated_seed(), annotated_seed(credit=", selon l'AFP")
    keys = {"documents": "doc_id", "raw_documents": "doc_id", "paragraphs": "doc_id, paragraph_index",
            "sentences": "doc_id, sentence_index", "entity_mentions": "mention_id", "notes": "doc_id, note_index",
            "note_refs": "doc_id, ref_index", "links": "doc_id, link_index", "quotes": "quote_id",
            "citations": "citation_id", "quote_citations": "quote_id, citation_id",
            "quote_entities": "quote_id, entity_id"}
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        for batch in ([first], [first], [second], [second]):
            load_batch(con, "r1", batch, [], 0, refresh_entities=False)
        counts = {table: con.execute(f"SELECT count(*), count(DISTINCT ({key})) FROM {table}").fetchone()
                  for table, key in keys.items()}
        assert {table: n for table, (n, distinct) in counts.items() if n != distinct} == {}
        assert counts["documents"][0] == 1 and counts["citations"][0] == len(second.citations)
        assert [table for table, (n, _) in counts.items() if n == 0] == ["links"]  # the seed links nothing
        assert con.execute("SELECT count(*) FROM stale_entities").fetchone()[0] > 0
        update_summaries(con)
        assert con.execute("SELECT count(*) FROM stale_entities").fetchone()[0] == 0
        assert_derived_tables_agree_with_mentions(con)


def other_process_can_read(db) -> bool:
    """Whether another process can open the warehouse now (DuckDB's lock is per process)."""
    probe = f"import duckdb; duckdb.connect({str(db)!r}, read_only=True).close()"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0


@pytest.mark.slow
def test_the_writer_holds_the_warehouse_across_loads_for_its_hold_seconds_then_lets_readers_in(db):
    seed, other = annotated_seed(), annotated_seed(credit=", selon l'AFP")
    other = dataclasses.replace(other, article=dataclasses.replace(other.article, source_uri="copie.md"))
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
    with BatchWriter(db, hold_seconds=3600) as writer:
        writer.load("r1", [seed], [], 0)
        assert not other_process_can_read(db)
        writer.load("r1", [other], [], 0)
        assert not other_process_can_read(db)
    assert other_process_can_read(db)
    with BatchWriter(db, hold_seconds=0) as writer:
        writer.load("r1", [seed], [], 0)
        assert other_process_can_read(db)
    with open_warehouse(db) as con:
        assert con.execute("SELECT n_loaded FROM ingest_runs").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM stale_entities").fetchone()[0] == 0  # the migrating open refreshed
        assert_derived_tables_agree_with_mentions(con)


@pytest.mark.slow
def test_the_writer_lets_a_waiting_connection_in_at_once(db):
    """A connection that waits for the file marks it (`waiting_mark`); the writer, which would hold the file for an
    hour here, lets it in at its next `let_in`. A plain DuckDB connection marks nothing, and waits for the hold."""
    from warehouse.load import someone_waiting, waiting_mark

    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
    with BatchWriter(db, hold_seconds=3600) as writer:
        writer.load("r1", [annotated_seed()], [], 0)
        assert not other_process_can_read(db)
        writer.let_in()
        assert writer.holding
        reader = subprocess.Popen([sys.executable, "-c", "import sys; from warehouse.load import open_warehouse\n"
                                   "with open_warehouse(sys.argv[1], read_only=True, wait_seconds=60) as con:\n"
                                   "    print(con.execute('SELECT count(*) FROM documents').fetchone()[0])", str(db)],
                                  stdout=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not someone_waiting(db):
            assert time.monotonic() < deadline and reader.poll() is None, "the reader never marked its wait"
            time.sleep(0.05)
        writer.let_in()
        assert not writer.holding
        assert reader.communicate(timeout=30)[0].strip() == "1"
        assert not waiting_mark(db).exists()


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


def test_an_input_met_by_several_runs_is_one_rejection_row(db):
    """A resumed or scheduled run meets the same bad inputs again: one row per input and reason, counting runs."""
    with open_warehouse(db) as con:
        for run_id, detail in (("r1", "vide"), ("r2", "toujours vide"), ("r2", "toujours vide")):
            if not con.execute("SELECT count(*) FROM ingest_runs WHERE run_id = ?", [run_id]).fetchone()[0]:
                start_run(con, run_id, pipeline_version="v", flow_run_id=None, arguments="")
            load_batch(con, run_id, [], [Rejection("a.txt", "empty", detail), Rejection("a.txt", "empty", detail),
                                         Rejection(f"{run_id}.txt", "binary", "binaire")], 0)
        rows = con.execute("SELECT source_uri, reason, run_id, first_run_id, n_runs, detail FROM rejected_inputs "
                           "ORDER BY source_uri").fetchall()
    assert rows == [("a.txt", "empty", "r2", "r1", 2, "toujours vide"), ("r1.txt", "binary", "r1", "r1", 1, "binaire"),
                    ("r2.txt", "binary", "r2", "r2", 1, "binaire")]


def test_the_same_bad_content_under_two_addresses_is_one_rejection_row(db):
    """A feed that lists the same broken page at a new URL, or a record copied into a second file, is one input."""
    with open_warehouse(db) as con:
        for run_id, uri in (("r1", "https://exemple.fr/a"), ("r2", "https://exemple.fr/a?utm=x")):
            start_run(con, run_id, pipeline_version="v", flow_run_id=None, arguments="")
            load_batch(con, run_id, [], [Rejection(uri, "no-article", "pas d'article", "c0ffee"),
                                         Rejection(f"{run_id}.gz", "corrupt", "tronqué")], 0)
        rows = con.execute("SELECT input_key, source_uri, reason, first_run_id, n_runs, content_sha256, "
                           "list_sort(addresses) FROM rejected_inputs ORDER BY input_key").fetchall()
    assert rows == [("c0ffee", "https://exemple.fr/a?utm=x", "no-article", "r1", 2, "c0ffee",
                     ["https://exemple.fr/a", "https://exemple.fr/a?utm=x"]),
                    ("r1.gz", "r1.gz", "corrupt", "r1", 1, None, ["r1.gz"]),
                    ("r2.gz", "r2.gz", "corrupt", "r2", 1, None, ["r2.gz"])]


def test_unusable_databases_give_one_line_errors(tmp_path):
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("ceci n'est pas une base DuckDB " * 100)
    for path in (tmp_path, not_a_db, tmp_path / "missing.duckdb"):
        with pytest.raises(WarehouseError) as error:
            with open_warehouse(path, read_only=path.name == "missing.duckdb"):
                pass
        assert "\n" not in str(error.value) and str(path) in str(error.value)


def test_a_failed_transaction_keeps_its_own_error_when_duckdb_refuses_the_rollback(db):
    """A COMMIT that fails (a full disk) has ended the transaction, and DuckDB refuses the ROLLBACK that follows: the
    error that says what went wrong must come out, not "no transaction is active". Here the block ends the
    transaction itself, then fails."""
    from warehouse.transaction import transaction

    with open_warehouse(db) as con:
        con.execute("CREATE TABLE t (k INTEGER)")
        with pytest.raises(OSError, match="No space left"), transaction(con):
            con.execute("INSERT INTO t VALUES (1)")
            con.execute("COMMIT")
            raise OSError(28, "No space left on device")
        with pytest.raises(duckdb.ConstraintException), transaction(con):
            con.execute("INSERT INTO t VALUES (NULL::INTEGER), (2)")
            con.execute("ALTER TABLE t ALTER COLUMN k SET NOT NULL")
        assert con.execute("SELECT list(k ORDER BY k) FROM t").fetchone()[0] == [1]


def test_migrations_016_and_018_keep_one_rejection_per_input_of_an_older_warehouse():
    from warehouse import migrate

    con = duckdb.connect(":memory:")
    migrate.migrate(con)
    con.execute("DELETE FROM schema_migrations WHERE version = 16")  # the warehouse as migration 015 left it
    con.execute("DROP TABLE rejected_inputs")
    con.execute("CREATE TABLE rejected_inputs (run_id VARCHAR NOT NULL, source_uri VARCHAR NOT NULL, "
                "reason VARCHAR NOT NULL, detail VARCHAR NOT NULL, rejected_at TIMESTAMP NOT NULL)")
    con.execute("INSERT INTO rejected_inputs VALUES ('r1', 'a', 'empty', 'd1', '2024-01-01'), "
                "('r2', 'a', 'empty', 'd2', '2024-01-02'), ('r2', 'b', 'binary', 'x', '2024-01-02')")
    con.execute("DELETE FROM schema_migrations WHERE version = 18")
    assert migrate.migrate(con) == [16, 18]
    assert con.execute("SELECT source_uri, run_id, first_run_id, n_runs, detail, input_key, content_sha256, addresses "
                       "FROM rejected_inputs ORDER BY 1").fetchall() == [("a", "r2", "r1", 2, "d2", "a", None, ["a"]),
                                                                         ("b", "r2", "r2", 1, "x", "b", None, ["b"])]


def _annotated_text(path: str, text: str):
    return next(annotate([parse_document(RawDocument.from_bytes(path, text.encode("utf-8"), "text"))]))


def test_search_finds_each_run_through_the_delta_then_a_full_rebuild(db, monkeypatch):
    """A run indexes what it loaded on its own (the delta), a changed document by its new words only, and the whole
    warehouse is indexed again once the delta passes its share."""
    from warehouse import search

    def found(con, words: str) -> list[str]:
        return [t for (t,) in con.execute("SELECT title FROM document_search(?) WHERE kind = 'document'",
                                          [words]).fetchall()]

    volcano = "Un volcan entre en éruption\n\nLe volcan Klioutchevskoï est entré en éruption lundi au Kamtchatka.\n"
    with open_warehouse(db) as con:
        start_run(con, "r1", pipeline_version="v", flow_run_id=None, arguments="")
        load_batch(con, "r1", [annotated_seed()], [], 0)
        update_summaries(con)
        monkeypatch.setattr(search, "FULL_REBUILD_SHARE", 0.9)
        load_batch(con, "r1", [_annotated_text("volcan.txt", volcano)], [], 0)
        assert search.update_search_index(con) == "delta"
        assert found(con, "Klioutchevskoï") == ["Un volcan entre en éruption"]
        assert found(con, "Vostotchny") == ["La rencontre Poutine-Kim de Vostotchny"]
        load_batch(con, "r1", [_annotated_text("volcan.txt", volcano.replace("Kamtchatka", "Kouriles"))], [], 0)
        assert search.update_search_index(con) == "delta"
        assert found(con, "Kouriles") == ["Un volcan entre en éruption"] and found(con, "Kamtchatka") == []
        monkeypatch.setattr(search, "FULL_REBUILD_SHARE", 0.1)
        assert search.update_search_index(con) == "full"
        assert con.execute("SELECT count(*) FROM search.documents_delta").fetchone() == (0,)
        assert found(con, "Kouriles") == ["Un volcan entre en éruption"]
