-- mentioned_gender: the people named, by gender, per publication, month and section: a person counts once per
-- document that names them (its text, title or notes), with the gender that document gives them
-- (entity_mentions.gender); the women's share is beside the unknown share.
CREATE OR REPLACE VIEW mentioned_gender AS
WITH mentioned AS (
    SELECT DISTINCT
        m.doc_id,
        publication(d.site_name, d.url) AS publication,
        date_trunc('month', d.published_date)::DATE AS month,
        d.section,
        m.entity_id,
        m.gender
    FROM entity_mentions m
    JOIN documents d USING (doc_id)
    WHERE m.label = 'PER' AND m.gender IS NOT NULL
)
SELECT
    publication,
    month,
    section,
    count(*) AS n_people,
    count(*) FILTER (WHERE gender = 'female') AS n_women,
    count(*) FILTER (WHERE gender = 'male') AS n_men,
    count(*) FILTER (WHERE gender = 'unknown') AS n_unknown,
    n_women / n_people AS women_share,
    n_unknown / n_people AS unknown_share,
    n_women / nullif(n_women + n_men, 0) AS women_share_of_known
FROM mentioned
GROUP BY ALL;
