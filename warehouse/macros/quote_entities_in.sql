-- quote_entities_in(doc_ids): the quote_entities rows of the documents whose doc_id is in the table named `doc_ids`:
-- the entities named inside a quote or in the sentence it starts in, other than its speaker.
CREATE OR REPLACE MACRO quote_entities_in(doc_ids) AS TABLE
SELECT q.quote_id, q.doc_id, m.entity_id,
    bool_or(m.start_char >= q.start_char AND m.end_char <= q.end_char) AS in_quote
FROM quotes q
JOIN entity_mentions m
    ON m.doc_id = q.doc_id AND m.part = 'text'
    AND (m.sentence_index = q.sentence_index OR (m.start_char >= q.start_char AND m.end_char <= q.end_char))
WHERE q.doc_id IN (SELECT doc_id FROM query_table(doc_ids))
    AND q.kind <> 'term'
    AND m.entity_id IS DISTINCT FROM q.speaker_entity_id
    AND NOT (q.speaker_start IS NOT NULL AND m.start_char >= q.speaker_start AND m.end_char <= q.speaker_end)
GROUP BY q.quote_id, q.doc_id, m.entity_id;
