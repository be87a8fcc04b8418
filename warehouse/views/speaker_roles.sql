-- speaker_roles: the holder the corpus gives a role that a quote's speaker only describes. A quote whose article
-- names nobody for "le chef de l'Etat" gets the one person `roles` shows holding that role (two documents or more)
-- over a span of dates that holds the article's date; where two holders' spans hold it, or none, the quote gets no
-- row and keeps its role. resolved_by says how the holder was found.
CREATE OR REPLACE VIEW speaker_roles AS
WITH holders AS (
    SELECT q.quote_id, q.doc_id, q.speaker_name AS role, r.holder_entity_id, r.holder, r.n_docs,
        count(*) OVER (PARTITION BY q.quote_id) AS n_holders
    FROM quotes q
    JOIN documents d USING (doc_id)
    JOIN roles r ON r.role_key = q.speaker_role_key AND d.published_date BETWEEN r.first_seen AND r.last_seen
    WHERE q.speaker_role_key IS NOT NULL AND q.speaker_entity_id IS NULL AND r.n_docs >= 2
)
SELECT quote_id, doc_id, role, holder_entity_id, holder, 'corpus role table' AS resolved_by, n_docs AS evidence_docs
FROM holders
WHERE n_holders = 1;
