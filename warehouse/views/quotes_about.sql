-- quotes_about: one row per quote and entity the quote is about: an entity named inside the quote or in the
-- sentence it starts in, other than its speaker. in_quote tells the two apart.
CREATE OR REPLACE VIEW quotes_about AS
SELECT
    q.quote_id,
    q.doc_id,
    m.entity_id,
    e.name,
    e.label,
    q.kind,
    q.text AS quote,
    q.speaker_name,
    q.speaker_entity_id,
    bool_or(m.start_char >= q.start_char AND m.end_char <= q.end_char) AS in_quote
FROM quotes q
JOIN entity_mentions m
    ON m.doc_id = q.doc_id AND m.part = 'text'
    AND (m.sentence_index = q.sentence_index OR (m.start_char >= q.start_char AND m.end_char <= q.end_char))
JOIN entities e ON e.entity_id = m.entity_id
WHERE q.kind <> 'term'
    AND m.entity_id IS DISTINCT FROM q.speaker_entity_id
    AND NOT (q.speaker_start IS NOT NULL AND m.start_char >= q.speaker_start AND m.end_char <= q.speaker_end)
GROUP BY ALL;
