-- quoted_gender: the people quoted, by gender, per publication, credited outlet, month and section, and their
-- totals: `grouped_by` names the columns a row is for ("publication, month", "outlet", "month", "" for the whole
-- corpus; the others are NULL). A person counts once per document that quotes them (n_people), and each of their
-- quotes counts (n_quotes); the women's share is beside the share whose gender is unknown, and the women's share
-- of those whose gender is known. People are speakers of kind 'person' (corpus/quotes/voices.py); organisations,
-- groups, anonymous sources and documents are left out, and so are terms (scare quotes).
CREATE OR REPLACE VIEW quoted_gender AS
WITH quoted AS (
    SELECT
        q.doc_id || chr(31) || q.speaker_name AS person_in_doc,
        publication(d.site_name, d.url) AS publication,
        q.reported_via AS outlet,
        date_trunc('month', d.published_date)::DATE AS month,
        d.section,
        q.speaker_gender AS gender,
        count(*) AS n_quotes
    FROM quotes q
    JOIN documents d USING (doc_id)
    WHERE q.kind <> 'term' AND q.speaker_kind = 'person'
    GROUP BY ALL
)
SELECT
    concat_ws(', ', CASE WHEN grouping(publication) = 0 THEN 'publication' END,
              CASE WHEN grouping(outlet) = 0 THEN 'outlet' END, CASE WHEN grouping(month) = 0 THEN 'month' END,
              CASE WHEN grouping(section) = 0 THEN 'section' END) AS grouped_by,
    publication,
    outlet,
    month,
    section,
    count(DISTINCT person_in_doc) AS n_people,
    count(DISTINCT person_in_doc) FILTER (WHERE gender = 'female') AS n_women,
    count(DISTINCT person_in_doc) FILTER (WHERE gender = 'male') AS n_men,
    count(DISTINCT person_in_doc) FILTER (WHERE gender = 'unknown') AS n_unknown,
    n_women / n_people AS women_share,
    n_unknown / n_people AS unknown_share,
    n_women / nullif(n_women + n_men, 0) AS women_share_of_known,
    sum(n_quotes)::BIGINT AS n_quotes,
    coalesce(sum(n_quotes) FILTER (WHERE gender = 'female'), 0)::BIGINT AS n_quotes_women,
    coalesce(sum(n_quotes) FILTER (WHERE gender = 'male'), 0)::BIGINT AS n_quotes_men,
    coalesce(sum(n_quotes) FILTER (WHERE gender = 'unknown'), 0)::BIGINT AS n_quotes_unknown
FROM quoted
GROUP BY GROUPING SETS ((publication, month), (publication, section), (publication), (outlet, month), (outlet),
                        (section, month), (month), ());
