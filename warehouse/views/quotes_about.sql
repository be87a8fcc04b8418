-- quotes_about: one row per quote and entity the quote is about: an entity named inside the quote or in the
-- sentence it starts in, other than its speaker (from quote_entities, written with each document). in_quote tells
-- the two apart.
CREATE OR REPLACE VIEW quotes_about AS
SELECT
    q.quote_id,
    q.doc_id,
    a.entity_id,
    e.name,
    e.label,
    q.kind,
    q.text AS quote,
    q.speaker_name,
    q.speaker_entity_id,
    a.in_quote
FROM quote_entities a
JOIN quotes q USING (quote_id)
JOIN entities e ON e.entity_id = a.entity_id;
