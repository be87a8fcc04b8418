"""Stories and quote clusters, given as each batch loads, inside its transaction.

A new document joins the story of the earlier documents it is the same story as (`corpus.fingerprints.Shingling.same`:
their estimated similarity, lengths and the days between them), found through its LSH band keys: a lookup, whatever
the size of the warehouse. If they belong to several stories it joins the oldest (`story_registry`); with none it starts a
story named after itself. Stories never merge afterwards, so their ids stay. A document that replaces an earlier
version keeps that version's story. Quotes likewise: the same words (`quote_fingerprints.quote_key`) join that
cluster, near-identical ones the oldest cluster they reach, else a new cluster named after their words, which a
reprocessed quote finds again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import duckdb
import pyarrow as pa

from corpus.fingerprints import MATCHED_QUOTE_KINDS, fingerprint, settings
from warehouse.stage import Staged, stage_fingerprints
from warehouse.transaction import transaction

KEPT_STORIES = "kept_stories"
"""The temporary table of the stories of the documents a batch replaces, taken before their rows are deleted."""


def keep_stories(con: duckdb.DuckDBPyConnection) -> None:
    """Note the story of each document of `batch_documents` already loaded, before the load deletes it."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {KEPT_STORIES} AS SELECT doc_id, story_id, story_similarity "
                "FROM documents WHERE doc_id IN (SELECT doc_id FROM batch_documents) AND story_id IS NOT NULL")


_SCORED = """
    WITH candidates AS (
        SELECT DISTINCT s.{item} AS item, o.{item} AS other
        FROM staged_{kind}_bands s JOIN {other_bands} o ON o.band_key = s.band_key AND o.{item} <> s.{item}
    ),
    scored AS (
        SELECT c.item, c.other, minhash_jaccard(f.minhash, g.minhash) AS j, f.n_shingles AS na, g.n_shingles AS nb,
            {days_apart} AS days_apart, {fine} AS fine
        FROM candidates c
        JOIN staged_{kind}_fingerprints f ON f.{item} = c.item
        JOIN {other_fingerprints} g ON g.{item} = c.other
    )
    SELECT item, other, resemblance(j, na, nb, $measure) AS score, na, nb, days_apart, fine FROM scored
    WHERE score >= $threshold
"""
"""The pairs (newcomer, other text, estimated resemblance, their shingles, days between their publication dates, the
containment of their shorter shingles) that share a band key and reach the threshold: the other text of the batch
(`staged_*`) or of the warehouse."""

_DAYS_APART = {"document": "abs(date_diff('day', f.published_date, g.published_date))", "quote": "NULL::INTEGER"}
_FINE = {"document": "resemblance(minhash_jaccard(f.fine_minhash, g.fine_minhash), f.n_fine_shingles, "
                     "g.n_fine_shingles, 'containment')",
         "quote": "NULL::DOUBLE"}
"""NULL when either side has no such signature (a document fingerprinted before migration 021)."""


def _matches(con: duckdb.DuckDBPyConnection, kind: str, item: str, within_batch: bool) -> dict[str, list]:
    """For each newcomer of `kind` (`document` or `quote`), the texts it matches, with their resemblance: in the
    batch, or in the warehouse. A pair matches when `Shingling.same` says so, given their lengths and the days between
    them."""
    others = (f"staged_{kind}_bands", f"staged_{kind}_fingerprints") if within_batch else (
        f"{kind}_bands", f"{kind}_fingerprints")
    shingling = settings()[f"{kind}s"]
    sql = _SCORED.format(item=item, kind=kind, other_bands=others[0], other_fingerprints=others[1],
                         days_apart=_DAYS_APART[kind], fine=_FINE[kind])
    found: dict[str, list] = defaultdict(list)
    for newcomer, other, score, na, nb, days, fine in con.execute(
            sql, {"measure": shingling.measure, "threshold": shingling.threshold}).fetchall():
        if shingling.same(score, na, nb, days, fine):
            found[newcomer].append((other, score))
    return found


class _Groups:
    """The groups (stories, clusters) of one kind as a batch assigns them: the warehouse's, by rank (older first),
    and those the batch starts, registered at the end."""

    def __init__(self, con: duckdb.DuckDBPyConnection, registry: str, id_column: str):
        self.con, self.registry, self.id_column = con, registry, id_column
        self.ranks: dict[str, int] = {}
        self.made: list[tuple[str, int]] = []
        self.first_new = con.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {registry}").fetchone()[0]

    def know(self, groups: Iterable[str]) -> None:
        wanted = sorted(set(groups) - self.ranks.keys())
        if wanted:
            self.ranks.update(self.con.execute(f"SELECT {self.id_column}, seq FROM {self.registry} "
                                               f"WHERE {self.id_column} IN (SELECT unnest(?))", [wanted]).fetchall())

    def rank(self, group: str) -> int:
        """The group's rank; a group not registered yet is started."""
        if group not in self.ranks:
            self.ranks[group] = self.first_new + len(self.made)
            self.made.append((group, self.ranks[group]))
        return self.ranks[group]

    def register(self) -> None:
        if self.made:
            self.con.register("made_groups", pa.table({"id": [g for g, _ in self.made],
                                                       "seq": [n for _, n in self.made]}))
            try:
                self.con.execute(f"INSERT INTO {self.registry} ({self.id_column}, seq, made_at) "
                                 "SELECT id, seq, now()::TIMESTAMP FROM made_groups")
            finally:
                self.con.unregister("made_groups")


def _group_of(con: duckdb.DuckDBPyConnection, table: str, key: str, column: str, items: Iterable[str]) -> dict:
    return dict(con.execute(f"SELECT {key}, {column} FROM {table} WHERE {key} IN (SELECT unnest(?)) "
                            f"AND {column} IS NOT NULL", [sorted(set(items))]).fetchall())


def assign_stories(con: duckdb.DuckDBPyConnection, doc_ids: Sequence[str]) -> dict[str, tuple[str, float]]:
    """The story of each of the batch's documents (`doc_ids`, in load order, fingerprinted in
    `staged_document_fingerprints` and `staged_document_bands`) and its resemblance to the story's first document,
    against the stories of the warehouse; the stories it starts are registered."""
    kept = {doc: (story, score) for doc, story, score in con.execute(f"SELECT * FROM {KEPT_STORIES}").fetchall()}
    con.execute(f"DROP TABLE {KEPT_STORIES}")
    earlier = _matches(con, "document", "doc_id", within_batch=False)
    within = _matches(con, "document", "doc_id", within_batch=True)
    story_of = _group_of(con, "documents", "doc_id", "story_id", (o for found in earlier.values() for o, _ in found))
    stories = _Groups(con, "story_registry", "story_id")
    stories.know([*story_of.values(), *(story for story, _ in kept.values())])
    assigned: dict[str, tuple[str, float]] = {}
    for doc in doc_ids:
        if doc in kept:
            assigned[doc] = kept[doc]
            stories.rank(kept[doc][0])
            continue
        found = [(story_of[o], score) for o, score in earlier.get(doc, []) if o in story_of]
        found += [(assigned[o][0], score) for o, score in within.get(doc, []) if o in assigned]
        if not found:
            assigned[doc] = (doc, 1.0)
            stories.rank(doc)
            continue
        story = min(found, key=lambda match: (stories.rank(match[0]), -match[1]))[0]
        by_first = dict(earlier.get(doc, []) + within.get(doc, []))
        assigned[doc] = (story, by_first.get(story) or max(score for s, score in found if s == story))
    stories.register()
    return assigned


def assign_quote_clusters(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The cluster of each of the batch's fingerprinted quotes (`staged_quote_fingerprints` and
    `staged_quote_bands`, in load order): that of an earlier quote of the same words, else of the oldest cluster of
    the near-identical ones, else a new one; the clusters it starts are registered."""
    rows = con.execute("SELECT quote_id, quote_key FROM staged_quote_fingerprints").fetchall()
    same_words = dict(con.execute("""
        SELECT f.quote_key, arg_min(q.cluster_id, r.seq)
        FROM quote_fingerprints f
        JOIN quotes q ON q.quote_id = f.quote_id
        JOIN quote_cluster_registry r ON r.cluster_id = q.cluster_id
        WHERE f.quote_key IN (SELECT quote_key FROM staged_quote_fingerprints)
        GROUP BY f.quote_key""").fetchall())
    earlier = _matches(con, "quote", "quote_id", within_batch=False)
    within = _matches(con, "quote", "quote_id", within_batch=True)
    cluster_of = _group_of(con, "quotes", "quote_id", "cluster_id", (o for found in earlier.values() for o, _ in found))
    clusters = _Groups(con, "quote_cluster_registry", "cluster_id")
    clusters.know([*cluster_of.values(), *same_words.values(), *(_cluster_id(key) for _, key in rows)])
    assigned: dict[str, str] = {}
    for quote, key in rows:
        found = [cluster_of[o] for o, _ in earlier.get(quote, []) if o in cluster_of]
        found += [assigned[o] for o, _ in within.get(quote, []) if o in assigned]
        if key in same_words:
            found.append(same_words[key])
        cluster = min(found, key=clusters.rank) if found else _cluster_id(key)
        clusters.rank(cluster)
        same_words.setdefault(key, cluster)
        assigned[quote] = cluster
    clusters.register()
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
        texts = {doc: (text, published) for doc, text, published in con.execute(
            "SELECT doc_id, text, published_date FROM documents WHERE doc_id IN (SELECT unnest(?))",
            [doc_ids]).fetchall()}
        quotes: dict[str, list] = defaultdict(list)
        for quote_id, doc, text, kind in con.execute(
                "SELECT quote_id, doc_id, text, kind FROM quotes WHERE doc_id IN (SELECT unnest(?)) "
                "ORDER BY doc_id, quote_id", [doc_ids]).fetchall():
            quotes[doc].append((quote_id, text, fingerprint(text, "quotes") if kind in MATCHED_QUOTE_KINDS else None))
        for doc in doc_ids:
            text, published = texts[doc]
            stage_fingerprints(staged, doc, fingerprint(text, "documents"), published, quotes[doc])
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
