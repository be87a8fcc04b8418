-- Who is new? People first seen in the last month of OrangeSum (the seed is from 2023) who are already in five
-- articles or more.
SELECT name, first_seen, n_docs AS articles, n_mentions AS mentions, top_comentions[1:3] AS named_with
FROM entity_stats
WHERE label = 'PER' AND first_seen >= (SELECT date_trunc('month', max(published_date)) FROM documents
                                           WHERE format = 'jsonl')
    AND n_docs >= 5
ORDER BY n_docs DESC
LIMIT 10;
