"""Imported once by the server the NLP workers fork from (`flows.ingest.nlp_workers`): Prefect's worker side, the
flow's tasks and the spaCy pipeline, so that every worker forked from it starts with them in memory."""

import prefect.task_runners  # noqa: F401  (each worker first runs Prefect's initializer)

import flows.ingest  # noqa: F401  (the task each worker runs)
from corpus.nlp import load_pipeline

load_pipeline()
