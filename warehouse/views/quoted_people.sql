-- quoted_people: each person quoted in the corpus, with the gender the corpus gives them: the one every document
-- that gives a gender agrees on, else 'unknown' (documents that say nothing do not disagree); the quotes, the
-- documents (and their stories), and how many documents gave each gender. Over hundreds of documents one misread document makes a
-- unanimous gender 'unknown', so prevailing_gender is the gender at least 90 % of the documents that give one agree
-- on (gender_agreement: their share), the one the dashboard's most quoted women and men use.
-- `ORDER BY n_quotes DESC` with `WHERE prevailing_gender = 'female'` lists the most quoted women.
CREATE OR REPLACE VIEW quoted_people AS
WITH per_document AS (
    SELECT
        coalesce(e.name, q.speaker_name) AS person,
        q.speaker_entity_id AS entity_id,
        q.doc_id,
        any_value(coalesce(d.story_id, d.doc_id)) AS story_id,
        any_value(q.speaker_gender) AS gender,
        count(*) AS n_quotes
    FROM quotes q
    JOIN documents d USING (doc_id)
    LEFT JOIN entities e ON e.entity_id = q.speaker_entity_id
    WHERE q.kind <> 'term' AND q.speaker_kind = 'person'
    GROUP BY ALL
)
SELECT
    person,
    entity_id,
    CASE
        WHEN count(DISTINCT gender) FILTER (WHERE gender <> 'unknown') = 1
            THEN any_value(gender) FILTER (WHERE gender <> 'unknown')
        ELSE 'unknown'
    END AS gender,
    sum(n_quotes)::BIGINT AS n_quotes,
    count(*) AS n_docs,
    count(DISTINCT story_id) AS n_stories,
    count(*) FILTER (WHERE gender = 'female') AS n_docs_female,
    count(*) FILTER (WHERE gender = 'male') AS n_docs_male,
    CASE
        WHEN n_docs_female >= 0.9 * (n_docs_female + n_docs_male) AND n_docs_female > 0 THEN 'female'
        WHEN n_docs_male >= 0.9 * (n_docs_female + n_docs_male) AND n_docs_male > 0 THEN 'male'
        ELSE 'unknown'
    END AS prevailing_gender,
    greatest(n_docs_female, n_docs_male) / nullif(n_docs_female + n_docs_male, 0) AS gender_agreement
FROM per_document
GROUP BY person, entity_id;
