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
        assert_women_share_per_month(con)
    assert main(["ingest", str(wikinews), str(orangesum), "--db", str(db)]) == 0
    assert "0 documents loaded (0 new, 0 changed), 600 unchanged" in capsys.readouterr().out


def assert_women_share_per_month(con: duckdb.DuckDBPyConnection) -> None:
    """The women's share of the persons quoted in the 600 documents, per month, as the quoted_gender view gives it
    and as counted here from the quotes: a person once per document that quotes them."""
    rows = con.execute("SELECT DISTINCT q.doc_id, date_trunc('month', d.published_date)::DATE, q.speaker_name, "
                       "q.speaker_gender FROM quotes q JOIN documents d USING (doc_id) "
                       "WHERE q.kind <> 'term' AND q.speaker_kind = 'person'").fetchall()
    people: dict = {}
    for _, month, _, gender in rows:
        people.setdefault(month, []).append(gender)
    expected = {month: (sum(g == "female" for g in genders), len(genders), sum(g == "female" for g in genders) /
                        len(genders)) for month, genders in people.items()}
    view = con.execute("SELECT month, n_women, n_people, women_share FROM quoted_gender "
                       "WHERE grouped_by = 'month'").fetchall()
    assert {month: (women, n, pytest.approx(share)) for month, women, n, share in view} == expected
    women, people_quoted = (sum(expected[m][i] for m in expected) for i in (0, 1))
    assert people_quoted > 300 and 0.1 < women / people_quoted < 0.5
