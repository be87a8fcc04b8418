"""Stories and quote clusters, given as each batch loads, inside its transaction.

A new document joins the story of the earlier documents whose estimated similarity to it reaches the threshold
(`corpus/data/fingerprints.json`), found through its LSH band keys: a lookup, whatever the size of the warehouse. If
they belong to several stories it joins the oldest (`story_registry`); with none it starts a story named after itself.
Stories never merge afterwards, so their ids stay. A document that replaces an earlier version keeps that version's
story. Quotes likewise: the same words (`quote_fingerprints.quote_key`) join that cluster, near-identical ones the
oldest cluster they reach, else a new cluster named after their words, which a reprocessed quote finds again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from corpus.fingerprints import MATCHED_QUOTE_KINDS, fingerprint, settings, similarity
from warehouse.stage import Staged, stage_fingerprints
from warehouse.transaction import transaction

KEPT_STORIES = "kept_stories"
"""The temporary table of the stories of the documents a batch replaces, taken before their rows are deleted."""


def keep_stories(con: duckdb.DuckDBPyConnection) -> None:
    """Note the story of each document of `batch_documents` already loaded, before the load deletes it."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {KEPT_STORIES} AS SELECT doc_id, story_id, story_similarity "
                "FROM documents WHERE doc_id IN (SELECT doc_id FROM batch_documents) AND story_id IS NOT NULL")


@dataclass(frozen=True)
class _Member:
    """An earlier text a newcomer may join: its group, that group's rank (older first) and its signature."""

    item: str
    group: str
    rank: int
    minhash: tuple[int, ...]


def assign_stories(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, tuple[str, float]]:
    """The story of each of the batch's documents (`doc_ids`, in load order, fingerprinted in
    `staged_document_fingerprints` and `staged_document_bands`) and its similarity to the story's first document,
    against the stories of the warehouse; the stories it starts are registered."""
    threshold = settings()["documents"].threshold
    kept = {doc: (story, sim) for doc, story, sim in con.execute(f"SELECT * FROM {KEPT_STORIES}").fetchall()}
    con.execute(f"DROP TABLE {KEPT_STORIES}")
    mine = _signatures(con, "SELECT doc_id, minhash FROM staged_document_fingerprints")
    bands = _bands(con, "SELECT doc_id, band_key FROM staged_document_bands")
    earlier = _earlier_members(con, """
        SELECT DISTINCT s.doc_id, d.doc_id, o.story_id, r.seq, f.minhash
        FROM staged_document_bands s
        JOIN document_bands d ON d.band_key = s.band_key
        JOIN documents o ON o.doc_id = d.doc_id
        JOIN story_registry r ON r.story_id = o.story_id
        JOIN document_fingerprints f ON f.doc_id = d.doc_id""")
    ranks = dict(con.execute("SELECT story_id, seq FROM story_registry WHERE story_id IN (SELECT unnest(?))",
                             [sorted({story for story, _ in kept.values()})]).fetchall())
    made: list[tuple[str, int]] = []
    first_new = _next_rank(con, "story_registry")

    def start(story: str) -> int:
        ranks[story] = first_new + len(made)
        made.append((story, ranks[story]))
        return ranks[story]

    assigned: dict[str, tuple[str, float]] = {}
    in_batch: dict[int, list[_Member]] = defaultdict(list)
    for doc in doc_ids:
        if doc in kept:
            story, sim = kept[doc]
            rank = ranks.get(story) or start(story)
        else:
            nearby = earlier.get(doc, []) + [m for key in bands.get(doc, ()) for m in in_batch[key]]
            match = _oldest_match(mine.get(doc), nearby, threshold)
            if match is None:
                story, sim, rank = doc, 1.0, start(doc)
            else:
                story, rank = match.group, match.rank
                sim = similarity(mine[doc], match.minhash) if match.item == story else _similarity_to(
                    con, story, mine[doc], nearby)
        assigned[doc] = (story, sim)
        for key in bands.get(doc, ()):
            in_batch[key].append(_Member(doc, story, rank, mine[doc]))
    _register(con, "story_registry", "story_id", made)
    return assigned


def assign_quote_clusters(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The cluster of each of the batch's fingerprinted quotes (`staged_quote_fingerprints` and
    `staged_quote_bands`, in load order), against the clusters of the warehouse; the clusters it starts are
    registered."""
    threshold = settings()["quotes"].threshold
    rows = con.execute("SELECT quote_id, quote_key, minhash FROM staged_quote_fingerprints").fetchall()
    bands = _bands(con, "SELECT quote_id, band_key FROM staged_quote_bands")
    same_words = {key: (cluster, seq) for key, cluster, seq in con.execute("""
        SELECT f.quote_key, arg_min(q.cluster_id, r.seq), min(r.seq)
        FROM quote_fingerprints f
        JOIN quotes q ON q.quote_id = f.quote_id
        JOIN quote_cluster_registry r ON r.cluster_id = q.cluster_id
        WHERE f.quote_key IN (SELECT quote_key FROM staged_quote_fingerprints)
        GROUP BY f.quote_key""").fetchall()}
    earlier = _earlier_members(con, """
        SELECT DISTINCT s.quote_id, b.quote_id, q.cluster_id, r.seq, f.minhash
        FROM staged_quote_bands s
        JOIN quote_bands b ON b.band_key = s.band_key
        JOIN quotes q ON q.quote_id = b.quote_id
        JOIN quote_cluster_registry r ON r.cluster_id = q.cluster_id
        JOIN quote_fingerprints f ON f.quote_id = b.quote_id""")
    known = dict(con.execute("SELECT cluster_id, seq FROM quote_cluster_registry WHERE cluster_id IN "
                             "(SELECT unnest(?))", [[_cluster_id(key) for _, key, _ in rows]]).fetchall())
    next_rank = _next_rank(con, "quote_cluster_registry")
    assigned: dict[str, str] = {}
    in_batch: dict[int, list[_Member]] = defaultdict(list)
    made = []
    for quote, key, minhash in rows:
        minhash = tuple(minhash)
        nearby = earlier.get(quote, []) + [m for band in bands.get(quote, ()) for m in in_batch[band]]
        match = _oldest_match(minhash, nearby, threshold)
        exact = same_words.get(key)
        if exact is not None and (match is None or exact[1] <= match.rank):
            cluster, rank = exact
        elif match is not None:
            cluster, rank = match.group, match.rank
        else:
            cluster = _cluster_id(key)
            rank = known.get(cluster)
            if rank is None:
                rank = known[cluster] = next_rank
                made.append((cluster, rank))
                next_rank += 1
        same_words.setdefault(key, (cluster, rank))
        assigned[quote] = cluster
        for band in bands.get(quote, ()):
            in_batch[band].append(_Member(quote, cluster, rank, minhash))
    _register(con, "quote_cluster_registry", "cluster_id", made)
    return assigned


def with_stories(documents: pa.Table, stories: dict[str, tuple[str, float]]) -> pa.Table:
    """The staged documents with their `story_id` and `story_similarity`."""
    found = [stories[doc] for doc in documents["doc_id"].to_pylist()]
    return documents.append_column("story_id", pa.array([story for story, _ in found], pa.string())).append_column(
        "story_similarity", pa.array([sim for _, sim in found], pa.float32()))


def with_clusters(quotes: pa.Table, clusters: dict[str, str]) -> pa.Table:
    """The staged quotes with their `cluster_id` (None for those not matched across documents)."""
    return quotes.append_column("cluster_id", pa.array([clusters.get(q) for q in quotes["quote_id"].to_pylist()],
                                                       pa.string()))


FINGERPRINT_TABLES = ("document_fingerprints", "document_bands", "quote_fingerprints", "quote_bands")


def group_unfingerprinted(con: duckdb.DuckDBPyConnection, chunk: int = 500,
                          progress: Callable[[int, int], None] | None = None) -> int:
    """Fingerprint, from their stored text, the documents that have no story (loaded before stories existed) and
    their quotes, and group them as loads do, in load order, `chunk` documents a transaction; the entities they name
    are left stale for `update_summaries` (their story counts). Return how many documents were grouped."""
    pending = [doc for (doc,) in con.execute(
        "SELECT doc_id FROM documents WHERE story_id IS NULL ORDER BY ingested_at, doc_id").fetchall()]
    for start in range(0, len(pending), chunk):
        doc_ids = pending[start:start + chunk]
        staged = Staged(FINGERPRINT_TABLES)
        texts = dict(con.execute("SELECT doc_id, text FROM documents WHERE doc_id IN (SELECT unnest(?))",
                                 [doc_ids]).fetchall())
        quotes: dict[str, list] = defaultdict(list)
        for quote_id, doc, text, kind in con.execute(
                "SELECT quote_id, doc_id, text, kind FROM quotes WHERE doc_id IN (SELECT unnest(?)) "
                "ORDER BY doc_id, quote_id", [doc_ids]).fetchall():
            quotes[doc].append((quote_id, text, fingerprint(text, "quotes") if kind in MATCHED_QUOTE_KINDS else None))
        for doc in doc_ids:
            stage_fingerprints(staged, doc, fingerprint(texts[doc], "documents"), quotes[doc])
        tables = staged.tables()
        for name, table in tables.items():
            con.register(f"staged_{name}", table)
        try:
            with transaction(con):
                con.execute("CREATE OR REPLACE TEMP TABLE batch_documents AS SELECT unnest(?) AS doc_id", [doc_ids])
                for name in FINGERPRINT_TABLES:
                    con.execute(f"DELETE FROM {name} WHERE doc_id IN (SELECT doc_id FROM batch_documents)")
                    con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM staged_{name}")
                keep_stories(con)
                stories = assign_stories(con, doc_ids)
                _write(con, "documents", "doc_id", {"story_id": [stories[d][0] for d in doc_ids],
                                                    "story_similarity": [stories[d][1] for d in doc_ids]}, doc_ids)
                clusters = assign_quote_clusters(con)
                _write(con, "quotes", "quote_id", {"cluster_id": list(clusters.values())}, list(clusters))
                con.execute("INSERT INTO stale_entities SELECT DISTINCT entity_id FROM entity_mentions "
                            "WHERE doc_id IN (SELECT doc_id FROM batch_documents) ON CONFLICT DO NOTHING")
                con.execute("DROP TABLE batch_documents")
        finally:
            for name in tables:
                con.unregister(f"staged_{name}")
        if progress:
            progress(start + len(doc_ids), len(pending))
    return len(pending)


def _signatures(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, tuple[int, ...]]:
    return {item: tuple(minhash) for item, minhash in con.execute(sql).fetchall()}


def _bands(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for item, key in con.execute(sql).fetchall():
        found[item].append(key)
    return found


def _earlier_members(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, list[_Member]]:
    """For each newcomer, the earlier texts that share a band key with it: (newcomer, earlier, group, rank, minhash)."""
    found: dict[str, list[_Member]] = defaultdict(list)
    for newcomer, item, group, rank, minhash in con.execute(sql).fetchall():
        found[newcomer].append(_Member(item, group, rank, tuple(minhash)))
    return found


def _oldest_match(minhash: tuple[int, ...] | None, nearby: Iterable[_Member], threshold: float) -> _Member | None:
    """Of the texts near enough, one of the oldest group (the most similar of it)."""
    if minhash is None:
        return None
    matches = [(m.rank, -similarity(minhash, m.minhash), m) for m in {m.item: m for m in nearby}.values()]
    matches = [(rank, negative, m) for rank, negative, m in matches if -negative >= threshold]
    return min(matches, key=lambda match: match[:2])[2] if matches else None


def _similarity_to(con: duckdb.DuckDBPyConnection, story: str, minhash: tuple[int, ...],
                   nearby: Sequence[_Member]) -> float:
    """Similarity to the story's first document, or, if it is gone, to the story's nearest member."""
    first = con.execute("SELECT minhash FROM document_fingerprints WHERE doc_id = ?", [story]).fetchone()
    if first is not None:
        return similarity(minhash, first[0])
    return max(similarity(minhash, m.minhash) for m in nearby if m.group == story)


def _next_rank(con: duckdb.DuckDBPyConnection, registry: str) -> int:
    return con.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {registry}").fetchone()[0]


def _register(con: duckdb.DuckDBPyConnection, registry: str, id_column: str, made: list[tuple[str, int]]) -> None:
    if made:
        con.register("made_groups", pa.table({"id": [i for i, _ in made], "seq": [n for _, n in made]}))
        try:
            con.execute(f"INSERT INTO {registry} ({id_column}, seq, made_at) "
                        "SELECT id, seq, now()::TIMESTAMP FROM made_groups")
        finally:
            con.unregister("made_groups")


def _write(con: duckdb.DuckDBPyConnection, table: str, key: str, columns: dict[str, list], keys: list[str]) -> None:
    """Set `columns` of the rows of `table` whose `key` is in `keys` (in the same order)."""
    if not keys:
        return
    con.register("assigned_groups", pa.table({"item": keys, **columns}))
    try:
        sets = ", ".join(f"{name} = a.{name}" for name in columns)
        con.execute(f"UPDATE {table} SET {sets} FROM assigned_groups a WHERE {key} = a.item")
    finally:
        con.unregister("assigned_groups")


def _cluster_id(key: str) -> str:
    """A new cluster's id: from its first quote's words, so that a quote reprocessed alone finds its cluster again."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]
