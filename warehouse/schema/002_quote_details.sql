-- 002_quote_details: where a quote's speaker stands, whether it is reported in the conditional, how
-- its speaker was found, the footnotes called in its sentence (linked to citations once notes are
-- parsed into citations), and its sentence and paragraph.
ALTER TABLE quotes ADD COLUMN speaker_start INTEGER;
ALTER TABLE quotes ADD COLUMN speaker_end INTEGER;
ALTER TABLE quotes ADD COLUMN is_conditional BOOLEAN;
ALTER TABLE quotes ADD COLUMN speaker_from VARCHAR;     -- NULL (the text next to the quote) or 'note'
ALTER TABLE quotes ADD COLUMN note_markers VARCHAR[];
ALTER TABLE quotes ADD COLUMN sentence_index INTEGER;
ALTER TABLE quotes ADD COLUMN paragraph_index INTEGER;
