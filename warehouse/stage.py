"""A batch of annotated articles as Arrow tables, one per staged table (`contract.STAGED_TABLES`), which the load
inserts by name. Their schemas are read from a freshly migrated warehouse, so the DDL is the one statement of the
columns; each row is given by column name, and a row that names other columns than its table's is refused."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
from collections.abc import Sequence

import pyarrow as pa

from corpus.entities.keys import entity_id, entity_key, key_label
from corpus.fingerprints import quote_key
from corpus.quotes.roles import role_key
from corpus.records import AnnotatedArticle, Fingerprint
from warehouse.contract import NOT_STAGED, SPEAKER_LABELS, STAGED_TABLES, StagedTable
from warehouse.migrate import fresh_warehouse


def doc_id_for(source_uri: str) -> str:
    return hashlib.sha256(source_uri.encode("utf-8")).hexdigest()[:16]


@functools.cache
def staging_schemas() -> dict[StagedTable, pa.Schema]:
    """The Arrow schema of each staged table: its columns in the warehouse, less those the warehouse fills."""
    con = fresh_warehouse()
    try:
        return {table: _arrow_schema(con, table, NOT_STAGED.get(table, ())) for table in STAGED_TABLES}
    finally:
        con.close()


def _arrow_schema(con, table: str, left_out: Sequence[str]) -> pa.Schema:
    exclude = f" EXCLUDE ({', '.join(left_out)})" if left_out else ""
    return con.execute(f"SELECT *{exclude} FROM {table} LIMIT 0").to_arrow_table().schema


class Staged:
    """The column lists of every staged table (or of `only` these), filled a row at a time."""

    def __init__(self, only: Sequence[StagedTable] = STAGED_TABLES) -> None:
        self.schemas = {table: schema for table, schema in staging_schemas().items() if table in only}
        self.columns = {table: {name: [] for name in schema.names} for table, schema in self.schemas.items()}

    def add(self, table: StagedTable, **row) -> None:
        columns = self._columns(table, row.keys())
        for name, value in row.items():
            columns[name].append(value)

    def extend(self, table: StagedTable, **columns: list) -> None:
        """Many rows at once, given column by column (lists of one length)."""
        mine = self._columns(table, columns.keys())
        for name, values in columns.items():
            mine[name].extend(values)

    def _columns(self, table: StagedTable, names) -> dict[str, list]:
        """The table's column lists, once `names` are checked to be its columns."""
        columns = self.columns[table]
        if names != columns.keys():
            raise ValueError(f"a {table} row names {sorted(names ^ columns.keys())} wrongly: "
                             f"its columns are {list(columns)}")
        return columns

    def tables(self) -> dict[StagedTable, pa.Table]:
        return {table: pa.Table.from_pydict(self.columns[table], schema=schema)
                for table, schema in self.schemas.items()}


def stage(articles: Sequence[AnnotatedArticle], run_id: str) -> dict[StagedTable, pa.Table]:
    """Every staged table's rows for the batch, built in one pass over it."""
    staged = Staged()
    entities_seen: set[str] = set()
    for annotated in articles:
        doc = doc_id_for(annotated.article.source_uri)
        _stage_document(staged, annotated, doc, run_id)
        _stage_structure(staged, annotated, doc)
        _stage_mentions(staged, annotated, doc, entities_seen)
        _stage_quotes(staged, annotated, doc)
        _stage_roles(staged, annotated, doc)
        _stage_citations(staged, annotated, doc)
        _stage_fingerprints(staged, annotated, doc)
    return staged.tables()


def _stage_document(staged: Staged, annotated: AnnotatedArticle, doc: str, run_id: str) -> None:
    a = annotated.article
    staged.add("documents", doc_id=doc, source_uri=a.source_uri, format=a.format, title=a.title, section=a.section,
               authors=list(a.authors), published_date=a.published_date, written_date=a.written_date,
               language=a.language, lede=a.lede, text=a.text, content_sha256=a.content_sha256,
               pipeline_version=annotated.pipeline_version, run_id=run_id, signature=a.signature, url=a.url,
               site_name=a.site_name, encoding=a.encoding, n_chars=len(a.text))
    raw_content = a.raw_content if a.raw_content is not None else a.raw_text
    staged.add("raw_documents", doc_id=doc, raw_content=raw_content,
               raw_text=a.raw_text if a.raw_text != raw_content else None,
               offset_map=[{"clean_start": c, "raw_start": r, "length": n} for c, r, n in a.offset_map.runs])


def _stage_structure(staged: Staged, annotated: AnnotatedArticle, doc: str) -> None:
    """Paragraphs, sentences, notes, note calls and links."""
    a = annotated.article
    for i, p in enumerate(a.paragraphs):
        staged.add("paragraphs", doc_id=doc, paragraph_index=i, role=p.role, start_char=p.start, end_char=p.end)
    for i, s in enumerate(annotated.sentences):
        staged.add("sentences", doc_id=doc, sentence_index=i, paragraph_index=s.paragraph_index, start_char=s.start,
                   end_char=s.end)
    for i, note in enumerate(a.notes):
        staged.add("notes", doc_id=doc, note_index=i, marker=note.marker, text=note.text)
    paragraph_starts = [p.start for p in a.paragraphs]
    for i, ref in enumerate(a.note_refs):
        paragraph = max(sum(1 for s in paragraph_starts if s <= ref.offset) - 1, 0)
        staged.add("note_refs", doc_id=doc, ref_index=i, marker=ref.marker, char_offset=ref.offset,
                   paragraph_index=paragraph)
    for i, link in enumerate(a.links):
        staged.add("links", doc_id=doc, link_index=i, start_char=link.start, end_char=link.end, url=link.url)


def _stage_mentions(staged: Staged, annotated: AnnotatedArticle, doc: str, entities_seen: set[str]) -> None:
    """The document's entity mentions, and the entities no earlier document of the batch named."""
    for i, m in enumerate(annotated.mentions):
        eid = entity_id(m.entity_key)
        staged.add("entity_mentions", doc_id=doc, mention_id=f"{doc}:{i}", start_char=m.start, end_char=m.end,
                   text=m.text, label=m.label, entity_id=eid, document_entity_id=eid, sentence_index=m.sentence_index,
                   paragraph_index=m.paragraph_index, canonical_name=m.canonical, title=m.title, part=m.part,
                   note_index=m.note_index, alias_key=entity_key(m.text, m.label), gender=m.gender,
                   gender_source=m.gender_source)
        if eid not in entities_seen:
            entities_seen.add(eid)
            staged.add("entities", entity_id=eid, name=m.canonical, label=key_label(m.entity_key),
                       entity_key=m.entity_key)


def _stage_quotes(staged: Staged, annotated: AnnotatedArticle, doc: str) -> None:
    """The quotes, their speaker's entity when a mention of the document names it, and their sentence."""
    named = {(name, m.label): entity_id(m.entity_key) for m in annotated.mentions if m.label in SPEAKER_LABELS
             for name in (m.text, m.canonical)}
    sentence_starts = [s.start for s in annotated.sentences]
    for i, (q, markers) in enumerate(zip(annotated.quotes, annotated.quote_notes)):
        speaker_id = next(filter(None, (named.get((q.speaker_name, label)) for label in SPEAKER_LABELS)), None)
        sentence = max(bisect.bisect_right(sentence_starts, q.start) - 1, 0)
        paragraph = annotated.sentences[sentence].paragraph_index if annotated.sentences else 0
        staged.add("quotes", quote_id=f"{doc}:q{i}", doc_id=doc, start_char=q.start, end_char=q.end, text=q.text,
                   kind=q.kind, speaker_name=q.speaker_name, speaker_entity_id=speaker_id,
                   speaker_document_entity_id=speaker_id,
                   speaker_mention=q.speaker_mention, cue=q.cue, reported_via=q.reported_via,
                   speaker_start=q.speaker_start, speaker_end=q.speaker_end, is_conditional=q.conditional,
                   speaker_from=q.speaker_from, note_markers=list(markers), sentence_index=sentence,
                   paragraph_index=paragraph, speaker_role_key=q.speaker_role, speaker_kind=q.speaker_kind,
                   speaker_gender=q.speaker_gender, speaker_gender_source=q.speaker_gender_source)


def _stage_roles(staged: Staged, annotated: AnnotatedArticle, doc: str) -> None:
    for i, r in enumerate(annotated.roles):
        holder = entity_id(entity_key(r.holder, "PER"))
        staged.add("role_mentions", doc_id=doc, role_index=i, start_char=r.start, end_char=r.end, role=r.role,
                   role_key=role_key(r.role), holder=r.holder, holder_entity_id=holder,
                   holder_document_entity_id=holder, holder_start=r.holder_start, holder_end=r.holder_end)


def _stage_citations(staged: Staged, annotated: AnnotatedArticle, doc: str) -> None:
    """The citations, keyed within the document, and the links of quotes to them."""
    for c in annotated.citations:
        staged.add("citations", citation_id=f"{doc}:{c.key}", doc_id=doc, marker=c.marker, kind=c.kind,
                   raw_text=c.raw_text, author=c.author, publication=c.publication, published_date=c.published_date,
                   url=c.url, domain=c.domain, same_as_citation_id=f"{doc}:{c.same_as}" if c.same_as else None,
                   title=c.title, publisher=c.publisher, year=c.year, outlet_key=c.outlet_key, start_char=c.start,
                   end_char=c.end, sentence_index=c.sentence_index)
    for i, keys in enumerate(annotated.quote_citations):
        for key in keys:
            staged.add("quote_citations", quote_id=f"{doc}:q{i}", citation_id=f"{doc}:{key}")


def _stage_fingerprints(staged: Staged, annotated: AnnotatedArticle, doc: str) -> None:
    stage_fingerprints(staged, doc, annotated.fingerprint, annotated.article.published_date,
                       [(f"{doc}:q{i}", q.text, found) for i, (q, found) in
                        enumerate(zip(annotated.quotes, annotated.quote_fingerprints))])


def stage_fingerprints(staged: Staged, doc: str, found: Fingerprint | None, published: dt.date | None,
                       quotes: Sequence[tuple[str, str, Fingerprint | None]]) -> None:
    """The signatures and band keys of a document (published on `published`) and of its quotes (quote_id, text,
    fingerprint), which later documents and quotes are matched against."""
    if found is not None:
        staged.add("document_fingerprints", doc_id=doc, minhash=list(found.minhash), n_shingles=found.n_shingles,
                   published_date=published, fine_minhash=list(found.fine_minhash) or None,
                   n_fine_shingles=found.n_fine_shingles or None)
        staged.extend("document_bands", band_key=list(found.band_keys), doc_id=[doc] * len(found.band_keys))
    for quote_id, text, quoted in quotes:
        if quoted is not None:
            staged.add("quote_fingerprints", quote_id=quote_id, doc_id=doc, quote_key=quote_key(text),
                       minhash=list(quoted.minhash), n_shingles=quoted.n_shingles)
            n = len(quoted.band_keys)
            staged.extend("quote_bands", band_key=list(quoted.band_keys), quote_id=[quote_id] * n, doc_id=[doc] * n)
