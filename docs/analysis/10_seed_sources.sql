-- What does the ESSF seed article cite? Its footnotes resolved to outlets, authors and URLs ("op. cit." notes point
-- to the note they repeat), and the quotes each note supports.
SELECT c.marker AS note, c.kind, coalesce(c.publication, c.domain) AS outlet, c.author,
    coalesce(s.marker, '') AS same_as_note, count(qc.quote_id) AS quotes
FROM citations c
JOIN documents d USING (doc_id)
LEFT JOIN citations s ON s.citation_id = c.same_as_citation_id
LEFT JOIN quote_citations qc ON qc.citation_id = c.citation_id
WHERE d.source_uri LIKE '%essf-poutine-kim-vostotchny.md'
GROUP BY 1, 2, 3, 4, 5
ORDER BY try_cast(note AS INTEGER), kind;
