"""The warehouse's names: its tables, which of them hold a document's rows or are staged by a load, the statuses its
rows take and the entity labels. The DDL (`schema/NNN_*.sql`, shown whole in `schema.sql`) gives the columns; the
Python code imports these names instead of spelling them again, and `tests/test_contract.py` checks them against a
freshly migrated warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Table = Literal[
    "documents", "raw_documents", "paragraphs", "sentences", "entities", "entity_mentions", "entity_aliases",
    "notes", "note_refs", "links", "quotes", "quote_citations", "quote_entities", "citations", "role_mentions",
    "entity_pairs", "entity_top_comentions", "stale_entities", "stale_comentions", "search_stopwords", "ingest_runs", "rejected_inputs",
    "source_state", "source_items", "schema_migrations", "document_fingerprints", "document_bands", "quote_fingerprints",
    "quote_bands", "story_registry", "quote_cluster_registry", "document_entities", "surname_joins",
]
"""A table of the warehouse (views are the files of `views/`)."""

TABLES: tuple[Table, ...] = get_args(Table)
"""Every table a fresh migrate creates."""

DOCUMENT_TABLES: tuple[Table, ...] = ("quote_entities", "role_mentions", "raw_documents", "paragraphs", "sentences",
                                      "entity_mentions", "notes", "note_refs", "links", "citations", "document_fingerprints",
                                      "document_bands", "quote_fingerprints", "quote_bands", "documents")
"""Tables whose rows belong to one document (by doc_id) and are replaced with it. `quotes` and `quote_citations` are
left out: quote_citations is keyed by quote, so the load deletes it through quotes before either."""

StagedTable = Literal["documents", "raw_documents", "paragraphs", "sentences", "entity_mentions", "entities", "notes",
                      "note_refs", "links", "quotes", "citations", "quote_citations", "role_mentions",
                      "document_fingerprints", "document_bands", "quote_fingerprints", "quote_bands"]
"""A table a batch's rows are staged for, as an Arrow table of the same name (`warehouse/stage.py`)."""

STAGED_TABLES: tuple[StagedTable, ...] = get_args(StagedTable)

NOT_STAGED: dict[StagedTable, tuple[str, ...]] = {
    "documents": ("ingested_at", "story_id", "story_similarity"),
    "entities": ("aliases", "n_mentions", "n_docs", "first_seen", "last_seen", "n_stories"),
    "quotes": ("cluster_id",),
}
"""Columns of a staged table that the warehouse fills, not the batch: the time of the insert; a document's story and
a quote's cluster, matched against the warehouse (`warehouse/stories.py`); an entity's counts, dates and aliases,
recomputed from every mention of it (`refresh/entities.sql`)."""

STATS_TABLES: tuple[Table, ...] = ("documents", "paragraphs", "sentences", "entity_mentions", "entities",
                                   "entity_aliases", "notes", "quotes", "citations", "ingest_runs", "rejected_inputs")
"""The tables `corpus stats` counts."""

DASHBOARD_TABLES: tuple[Table, ...] = ("documents", "entity_mentions", "entities", "quotes", "citations")
"""The tables the dashboard's overview counts."""

RunStatus = Literal["running", "completed", "failed", "interrupted", "abandoned"]
"""`ingest_runs.status`: `running` until the run records its end; a killed run stays `running` until the next run
finds its process gone and marks it `abandoned`."""

@dataclass(frozen=True)
class RunProcess:
    """Where a run runs (`ingest_runs.host`, `pid`, `process_started`): its host, its process id and that process's
    start time (None where it cannot be read)."""

    host: str | None
    pid: int | None
    started: int | None


SourceStatus = Literal["completed", "failed", "interrupted", "not-modified", "unreachable"]
"""`source_state.last_status`: how a source's last check ended (as its run did, when it ran one)."""

ItemStatus = Literal["loaded", "unchanged", "not-modified", "rejected", "retry"]
"""`source_items.status`: what a source's item last came to."""

RETRY: ItemStatus = "retry"
"""The status of an item whose last fetch failed for a reason that may pass (a timeout, a 5xx): fetched again next
run. Items rejected for good (a 404, too large, a refused address) are not."""

EntityLabel = Literal["PER", "ORG", "LOC", "MISC"]
"""`entities.label` and `entity_mentions.label`: the French model's entity labels."""

SPEAKER_LABELS: tuple[EntityLabel, ...] = ("PER", "ORG")
"""Labels of the entities a quote's speaker can be."""

SpeakerKind = Literal["person", "organisation", "group", "anonymous", "document"]
"""`quotes.speaker_kind`: one identified individual, an institution or company (or a place speaking as its
government), several people ("des habitants"), an unidentified source ("une source proche du dossier"), a text
("le rapport")."""

Gender = Literal["female", "male", "unknown"]
"""`quotes.speaker_gender` and `entity_mentions.gender`: a person's gender in one document; `unknown` when the
article and the first name say nothing, or disagree, and for every speaker that is not one individual."""

GenderSource = Literal["text", "first-name", "none"]
"""What a gender rests on: the article's words, a first name when the text says nothing, or nothing."""
