-- The person entities of rejoin_scope with the number of documents whose own resolution names each: what
-- corpus/entities/surnames.py decides their surname joins from.
SELECT s.entity_id, s.name, count(DISTINCT m.doc_id) AS n_docs
FROM rejoin_scope s JOIN entity_mentions m ON m.document_entity_id = s.entity_id
GROUP BY ALL
ORDER BY s.entity_id;
