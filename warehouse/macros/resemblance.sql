-- minhash_jaccard(a, b): the share of equal values of two MinHash signatures, which estimates the Jaccard similarity
-- J of the two texts' shingle sets (document_fingerprints, quote_fingerprints). resemblance(j, na, nb, measure):
-- J itself for measure 'jaccard'; for 'containment', the shared shingles J (na + nb) / (1 + J) over the smaller of
-- the two sets, of na and nb shingles; NULL when a signature is missing (`least` alone would skip the NULL).
-- corpus/fingerprints.py `resemblance` is the same formula.
CREATE OR REPLACE MACRO minhash_jaccard(a, b) AS
    list_sum(list_transform(range(1, len(a) + 1), i -> (a[i] = b[i])::INTEGER)) / len(a);
CREATE OR REPLACE MACRO resemblance(j, na, nb, measure) AS
    CASE WHEN j IS NULL THEN NULL WHEN measure = 'jaccard' THEN j
         ELSE least(j * (na + nb) / (1 + j) / least(na, nb), 1.0) END;
