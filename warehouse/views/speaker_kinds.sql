-- speaker_kinds: who the quotes come from, per publication and month: quotes by kind of speaker (a person, an
-- organisation, a group, an anonymous source, a document; none when no speaker was found), with the anonymous
-- sources' share of the quotes that have a speaker. Terms (scare quotes) are left out.
CREATE OR REPLACE VIEW speaker_kinds AS
SELECT
    publication(d.site_name, d.url) AS publication,
    date_trunc('month', d.published_date)::DATE AS month,
    count(*) AS n_quotes,
    count(*) FILTER (WHERE q.speaker_kind = 'person') AS n_person,
    count(*) FILTER (WHERE q.speaker_kind = 'organisation') AS n_organisation,
    count(*) FILTER (WHERE q.speaker_kind = 'group') AS n_group,
    count(*) FILTER (WHERE q.speaker_kind = 'anonymous') AS n_anonymous,
    count(*) FILTER (WHERE q.speaker_kind = 'document') AS n_document,
    count(*) FILTER (WHERE q.speaker_name IS NULL) AS n_no_speaker,
    n_anonymous / nullif(n_quotes - n_no_speaker, 0) AS anonymous_share
FROM quotes q
JOIN documents d USING (doc_id)
WHERE q.kind <> 'term'
GROUP BY ALL;
