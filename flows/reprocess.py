"""The reprocess flow: annotate again, from the text the warehouse stores, every document another pipeline version
annotated (new model, new rules), in batches, with no file or network access. Idempotent: a document is picked up
while its `pipeline_version` differs from the current one, so an interrupted run resumes where it stopped."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from corpus.nlp import pipeline_version
from corpus.read.jsonl import field_names
from corpus.read.parse import parse_document
from corpus.records import Article, RawDocument, Rejection
from flows.collect import ParsedBatch
from flows.ingest import DEFAULT_BATCH, annotate_and_load, default_workers, nlp_workers
from flows.run import Run, publish
from warehouse.load import open_warehouse, stale_documents, stored_inputs


@task(retries=3, retry_delay_seconds=[1, 3, 10], cache_policy=NO_CACHE)
def reparse_batch(db: str, doc_ids: Sequence[str], jsonl_fields: Mapping[str, tuple[str, ...]]
                  ) -> tuple[list[Article], list[Rejection]]:
    """Parse the stored inputs again. The content hash and the encoding stay those of the original input, so that
    ingesting it again still finds it loaded. The file is opened as the run's writer opens it (read-write, not
    migrated): this runs in the flow's process, where the writer may hold it, and DuckDB refuses a process a second
    connection to a file under another configuration."""
    with open_warehouse(db, migrate=False) as con:
        stored = stored_inputs(con, doc_ids)
    articles, rejections = [], []
    for item in stored:
        raw = RawDocument(item.source_uri, item.content.encode("utf-8"), item.format, item.content_sha256)
        result = parse_document(raw, jsonl_fields)
        if isinstance(result, Rejection):
            rejections.append(result)
        else:
            articles.append(dataclasses.replace(result, encoding=item.encoding))
    return articles, rejections


@flow(name="reprocess", log_prints=False, task_runner=nlp_workers(default_workers()))
def reprocess(db: str, field_map: dict[str, str] | None = None, batch_size: int = DEFAULT_BATCH,
              show_progress: bool = True, in_flight: int | None = None) -> dict:
    """Re-annotate the documents of `db` whose pipeline version is not the current one. `field_map` is the
    `--map` that JSONL documents were ingested with."""
    logger = get_run_logger()
    jsonl_fields = field_names(field_map)
    version = pipeline_version()
    run = Run(db)
    with open_warehouse(db) as con:
        stale = stale_documents(con, version)
        run.begin(con, arguments="reprocess")
    batches = [stale[i:i + batch_size] for i in range(0, len(stale), batch_size)]
    logger.info("run %s: %d documents to annotate again with %s, in %d batches", run.id, len(stale), version,
                len(batches))

    def parsed() -> Iterator[ParsedBatch]:
        for doc_ids in batches:
            articles, rejections = reparse_batch(db, doc_ids, jsonl_fields)
            yield ParsedBatch(articles, rejections, len(doc_ids), 0)

    summary = annotate_and_load(run, parsed(), len(stale), show_progress=show_progress, in_flight=in_flight,
                                inline=len(batches) <= 1)
    publish("Reprocess", "reprocess-summary", summary)
    return summary
