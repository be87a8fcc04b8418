-- Which entities go together more than chance says? Pairs named in at least 30 of the same articles, by pointwise
-- mutual information (each pair once).
SELECT name, other_name, n_docs AS articles, n_sentences AS sentences, round(pmi, 2) AS pmi
FROM cooccurrence
WHERE n_docs >= 30 AND entity_id < other_id
ORDER BY pmi DESC
LIMIT 10;
