"""The ingest flow, unchanged, on a Dask cluster: the workers annotate, the flow loads, and the warehouse holds the
same rows as after a run on local processes."""

import duckdb
import pytest

from flows.ingest import dask_workers, ingest
from tests.conftest import SAMPLES

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_server")]

ROWS = {"documents": "doc_id", "entity_mentions": "mention_id, entity_id, start_char, end_char",
        "quotes": "quote_id, start_char, end_char, speaker_name", "citations": "citation_id"}


def rows(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return {table: con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall()
                for table, columns in ROWS.items()}


def test_ingest_on_a_local_dask_cluster_loads_the_rows_of_a_local_run(tmp_path):
    from distributed import LocalCluster

    local, on_dask = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    ingest(paths=[str(SAMPLES)], db=str(local), batch_size=3, show_progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = ingest.with_options(task_runner=dask_workers(cluster.scheduler_address))(
            paths=[str(SAMPLES)], db=str(on_dask), batch_size=3, show_progress=False)
    assert (summary["status"], summary["n_loaded"]) == ("completed", len(list(SAMPLES.iterdir())))
    expected = rows(local)
    assert len(expected["entity_mentions"]) > 100 and len(expected["quotes"]) > 10
    assert rows(on_dask) == expected
