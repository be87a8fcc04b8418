-- Who speaks about whom? Speaker and person pairs: quotes by a person that name another person, inside the quote
-- or in the sentence it starts in.
SELECT coalesce(s.name, a.speaker_name) AS speaker, a.name AS about, count(*) AS quotes,
    count(*) FILTER (a.in_quote) AS named_in_the_quote
FROM quotes_about a
LEFT JOIN entities s ON s.entity_id = a.speaker_entity_id
WHERE a.label = 'PER' AND s.label = 'PER'
GROUP BY ALL
ORDER BY quotes DESC, speaker, about
LIMIT 10;
