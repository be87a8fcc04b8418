"""The last module the server the NLP workers fork from imports (`flows.ingest.WORKER_PRELOAD`): the spaCy pipeline,
loaded there once, so that every worker forked from it starts with it in memory."""

from corpus.nlp import load_pipeline

load_pipeline()
