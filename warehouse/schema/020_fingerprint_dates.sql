-- 020_fingerprint_dates: a document's publication date beside its signature, because whether two documents are the
-- same story depends on the days between them as well as on their resemblance (corpus/data/fingerprints.json
-- `within_days`): matching a new document reads its candidates' dates where it reads their signatures.
ALTER TABLE document_fingerprints ADD COLUMN published_date DATE;
UPDATE document_fingerprints f SET published_date = d.published_date FROM documents d WHERE d.doc_id = f.doc_id;
