-- Recompute entities and entity_aliases for the ids in the temporary table affected_entities from their mentions,
-- drop the entities no mention names any more, and empty stale_entities: loading a batch touches only its own
-- entities. Their pairs and top co-mentions are left to the end of the run (stale_comentions, refresh/summaries.sql).
-- An entity that mentions name again after a surname join is undone comes back from document_entities; an entity is
-- named as its own documents name it most ("Emmanuel Macron", not the "Macron" of the documents it joined).
INSERT INTO entities BY NAME
SELECT entity_id, "name", "label", entity_key FROM document_entities
WHERE entity_id IN (SELECT entity_id FROM affected_entities)
    AND entity_id NOT IN (SELECT entity_id FROM entities)
    AND entity_id IN (SELECT entity_id FROM entity_mentions);

DELETE FROM entity_aliases WHERE entity_id IN (SELECT entity_id FROM affected_entities);

INSERT INTO entity_aliases
SELECT alias_key, entity_id, first(text ORDER BY n DESC, text) AS alias, sum(n) AS n_mentions
FROM (SELECT alias_key, entity_id, text, count(*) AS n FROM entity_mentions
      WHERE entity_id IN (SELECT entity_id FROM affected_entities) GROUP BY ALL)
GROUP BY alias_key, entity_id;

UPDATE entities SET name = s.name, aliases = s.aliases, n_mentions = s.n_mentions, n_docs = s.n_docs,
    n_stories = s.n_stories, first_seen = s.first_seen, last_seen = s.last_seen
FROM (
    WITH affected_mentions AS (
        SELECT m.entity_id, m.doc_id, coalesce(d.story_id, m.doc_id) AS story_id, m.text, m.canonical_name,
            d.published_date, m.document_entity_id = m.entity_id AS own
        FROM entity_mentions m JOIN documents d USING (doc_id)
        WHERE m.entity_id IN (SELECT entity_id FROM affected_entities)
    ),
    name_counts AS (SELECT entity_id, canonical_name, bool_or(own) AS own, count(*) FILTER (WHERE own) AS n
                    FROM affected_mentions GROUP BY ALL),
    alias_counts AS (SELECT entity_id, text, count(*) AS n FROM affected_mentions GROUP BY ALL),
    entity_summary AS (
        SELECT entity_id, count(*) AS n_mentions, count(DISTINCT doc_id) AS n_docs,
            count(DISTINCT story_id) AS n_stories, min(published_date) AS first_seen, max(published_date) AS last_seen
        FROM affected_mentions GROUP BY entity_id
    )
    SELECT entity_id, n.name, a.aliases, e.n_mentions, e.n_docs, e.n_stories, e.first_seen, e.last_seen
    FROM entity_summary e
    JOIN (SELECT entity_id, first(canonical_name ORDER BY own DESC, n DESC, canonical_name) AS name
          FROM name_counts GROUP BY entity_id) n USING (entity_id)
    JOIN (SELECT entity_id, list(text ORDER BY n DESC, text) AS aliases
          FROM alias_counts GROUP BY entity_id) a USING (entity_id)
) s
WHERE entities.entity_id = s.entity_id;

DELETE FROM entities WHERE entity_id IN (SELECT entity_id FROM affected_entities)
AND NOT EXISTS (SELECT 1 FROM entity_mentions m WHERE m.entity_id = entities.entity_id);

DELETE FROM document_entities WHERE entity_id IN (SELECT entity_id FROM affected_entities)
AND NOT EXISTS (SELECT 1 FROM entity_mentions m WHERE m.document_entity_id = document_entities.entity_id);

INSERT OR IGNORE INTO stale_comentions SELECT entity_id FROM affected_entities;

DELETE FROM stale_entities;
