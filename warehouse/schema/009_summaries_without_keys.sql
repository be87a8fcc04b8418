-- 009_summaries_without_keys: entity_pairs and entity_top_comentions lose their primary keys. They are rebuilt whole
-- once per run (warehouse/load.py, rebuild_summaries), and keeping the keys' indexes made emptying and refilling the
-- 2.4 million pair rows of the full OrangeSum corpus take 45 s of a 152 s rebuild. The rebuild's GROUP BY and
-- row_number keep them unique.
DROP TABLE entity_pairs;
CREATE TABLE entity_pairs (
    entity_a     VARCHAR NOT NULL,  -- entity_a < entity_b
    entity_b     VARCHAR NOT NULL,
    n_docs       INTEGER NOT NULL,  -- documents naming both (text, title or notes)
    n_sentences  INTEGER NOT NULL   -- sentences of the text naming both
);
INSERT INTO entity_pairs SELECT * FROM pairs_in_documents('documents');

DROP TABLE entity_top_comentions;
CREATE TABLE entity_top_comentions (
    entity_id  VARCHAR NOT NULL,
    rank       INTEGER NOT NULL,  -- 1 to 5
    other_id   VARCHAR NOT NULL
);
INSERT INTO entity_top_comentions SELECT * FROM top_comentions_of('entities');
