-- 005_search_stopwords: the French function words full-text search leaves out (warehouse/fts/index.sql), so that
-- "Corée du Nord" ranks by "corée" and "nord"; written without accents, as the index strips them. The fts
-- extension's default list is English. A table, not a literal in the index script: the extension binds the list
-- when its PRAGMA is parsed, before any statement of the same script has run.
CREATE TABLE search_stopwords AS
SELECT unnest([
    'a', 'au', 'aux', 'avec', 'ce', 'ces', 'cet', 'cette', 'dans', 'de', 'des', 'du', 'd', 'elle', 'elles', 'en',
    'et', 'est', 'il', 'ils', 'je', 'l', 'la', 'le', 'les', 'leur', 'leurs', 'lui', 'ma', 'mais', 'me', 'mes',
    'moi', 'mon', 'ne', 'nos', 'notre', 'nous', 'on', 'ou', 'par', 'pas', 'pour', 'qu', 'que', 'qui', 'sa', 'se',
    'ses', 'son', 'sur', 'ta', 'te', 'tes', 'toi', 'ton', 'tu', 'un', 'une', 'vos', 'votre', 'vous', 'y', 'c', 'j',
    'm', 'n', 's', 't', 'ete', 'etre', 'sont', 'ont', 'fait', 'comme', 'plus', 'si', 'tout', 'tous'
]) AS sw;
