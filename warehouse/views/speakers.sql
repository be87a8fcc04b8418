-- speakers: one row per speaker, month, credited outlet and kind of quote: the quotes, documents and stories
-- (near-duplicates counted once). A speaker is
-- its entity when the quote's speaker was resolved to one (speaker_entity_id), else the holder the corpus gives the
-- role the article only describes (speaker_roles), else the name as written; resolved_by says which. Quotes with no
-- speaker and terms (scare quotes) are left out. outlet is the medium the quote is credited to (quotes.reported_via).
CREATE OR REPLACE VIEW speakers AS
SELECT
    coalesce(e.name, h.holder, q.speaker_name) AS speaker,
    coalesce(q.speaker_entity_id, h.holder_entity_id) AS entity_id,
    coalesce(e.label, CASE WHEN h.holder IS NOT NULL THEN 'PER' END) AS label,
    CASE WHEN h.holder IS NOT NULL THEN h.resolved_by ELSE 'article' END AS resolved_by,
    date_trunc('month', d.published_date)::DATE AS month,
    q.reported_via AS outlet,
    q.kind,
    count(*) AS n_quotes,
    count(DISTINCT q.doc_id) AS n_docs,
    count(DISTINCT coalesce(d.story_id, d.doc_id)) AS n_stories
FROM quotes q
JOIN documents d USING (doc_id)
LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
LEFT JOIN speaker_roles h ON h.quote_id = q.quote_id
WHERE q.kind <> 'term' AND q.speaker_name IS NOT NULL
GROUP BY ALL;
