-- 014_voices: who gets a voice. Each quote's speaker has a kind (person, organisation, group, anonymous, document)
-- and, for a person or an anonymous source, a gender (female, male, unknown) with what it rests on (text: the
-- article's words; first-name: the text says nothing; none). A person's mentions carry the gender the document
-- gives that person (corpus/quotes/voices.py). Documents loaded before this migration have NULLs: `corpus
-- reprocess` fills them.
ALTER TABLE quotes ADD COLUMN speaker_kind VARCHAR;
ALTER TABLE quotes ADD COLUMN speaker_gender VARCHAR;
ALTER TABLE quotes ADD COLUMN speaker_gender_source VARCHAR;
ALTER TABLE entity_mentions ADD COLUMN gender VARCHAR;
ALTER TABLE entity_mentions ADD COLUMN gender_source VARCHAR;
