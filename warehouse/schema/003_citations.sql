-- 003_citations: what a citation says beyond the contract columns, and where an inline credit or a URL stands.
-- A note's title, publisher and year ("*Corto Maltese en Sibérie* (Casterman, 1979)"); the outlet's key, the same
-- for every way of writing it ("Le Monde", "*le Monde*", "lemonde.fr": 'monde'); and for an inline credit or a URL,
-- its offsets in documents.text and its sentence.
ALTER TABLE citations ADD COLUMN title VARCHAR;
ALTER TABLE citations ADD COLUMN publisher VARCHAR;
ALTER TABLE citations ADD COLUMN year INTEGER;
ALTER TABLE citations ADD COLUMN outlet_key VARCHAR;
ALTER TABLE citations ADD COLUMN start_char INTEGER;
ALTER TABLE citations ADD COLUMN end_char INTEGER;
ALTER TABLE citations ADD COLUMN sentence_index INTEGER;
CREATE INDEX citations_outlet ON citations (outlet_key);
