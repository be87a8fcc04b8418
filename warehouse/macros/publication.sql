-- publication(site_name, url): the publication a document comes from, the axis Radar de Parité counts by: the site
-- name the page gives, else the domain of its URL (without "www."), else '(unknown)'.
CREATE OR REPLACE MACRO publication(site_name, url) AS
    coalesce(nullif(site_name, ''), nullif(regexp_extract(url, '^[a-zA-Z]+://(?:www\.)?([^/:?#]+)', 1), ''), '(unknown)');
