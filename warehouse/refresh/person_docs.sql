-- Every person entity as documents resolve it, with the number of documents that name it: what
-- corpus/entities/surnames.py decides the surname joins from.
SELECT d.entity_id, d."name", count(DISTINCT m.doc_id) AS n_docs
FROM entity_mentions m JOIN document_entities d ON d.entity_id = m.document_entity_id
WHERE d."label" = 'PER'
GROUP BY ALL
ORDER BY d.entity_id;
