"""Issue acceptance on the shared corpus: 100 Wikinews pages and 500 OrangeSum records through the CLI."""

import duckdb
import pytest

from flows.cli import main
from tests.conftest import MENTIONS_IN_PLACE, shared

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("prefect_server")
def test_wikinews_and_orangesum_sample_load_600_documents(tmp_path, capsys):
    db = tmp_path / "y.duckdb"
    wikinews = shared("data/articles/wikinews_fr_100/documents")
    orangesum = shared("data/articles/orangesum/sample_500.jsonl")
    assert main(["ingest", str(wikinews), str(orangesum), "--db", str(db)]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(title), count(published_date) FROM documents").fetchone() == (600, 600, 600)
        assert con.execute("SELECT format, count(*) FROM documents GROUP BY 1 ORDER BY 1").fetchall() == [
            ("html", 100), ("jsonl", 500)]
        assert con.execute("SELECT count(*) FROM rejected_inputs").fetchone()[0] == 0
        mentions = con.execute(MENTIONS_IN_PLACE).fetchall()
        assert sum(part == "text" for part, *_ in mentions) > 10_000
        assert sum(part == "title" for part, *_ in mentions) > 300
        assert all(text[start:end] == mention for _, text, start, end, mention in mentions)
        assert con.execute("SELECT count(*) FROM entity_mentions m LEFT JOIN entities e USING (entity_id) "
                           "WHERE e.entity_id IS NULL OR m.entity_id IS NULL").fetchone()[0] == 0
        assert con.execute("SELECT sum(n_mentions) FROM entities").fetchone()[0] == len(mentions)
        # Wikinews pages date from 2012 (their datelines), OrangeSum records from 2011-2020.
        assert con.execute("SELECT count(*) FROM documents WHERE format = 'html' AND year(published_date) <> 2012"
                           ).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM documents WHERE format = 'jsonl' AND "
                           "NOT year(published_date) BETWEEN 2011 AND 2020").fetchone()[0] == 0
    assert main(["ingest", str(wikinews), str(orangesum), "--db", str(db)]) == 0
    assert "0 documents loaded (0 new, 0 changed), 600 unchanged" in capsys.readouterr().out
