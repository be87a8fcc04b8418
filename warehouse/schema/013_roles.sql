-- 013_roles: people named with a role ("le Premier ministre Édouard Philippe", "Christophe Castaner, ministre de
-- l'Intérieur,"), one row per apposition, and the role of a quote's speaker when the article describes the speaker
-- without naming anyone ("le chef de l'Etat"). The views `roles` and `speaker_roles` read them.
CREATE TABLE role_mentions (
    doc_id            VARCHAR NOT NULL,
    role_index        INTEGER NOT NULL,
    start_char        INTEGER NOT NULL,   -- the role's words in documents.text
    end_char          INTEGER NOT NULL,
    role              VARCHAR NOT NULL,   -- as written, without its determiner: "Premier ministre"
    role_key          VARCHAR NOT NULL,   -- compared across documents: "premier ministre" (corpus/quotes/roles.py)
    holder            VARCHAR NOT NULL,   -- the fullest name the article gives the person
    holder_entity_id  VARCHAR NOT NULL,   -- entities.entity_id of that person
    holder_start      INTEGER NOT NULL,
    holder_end        INTEGER NOT NULL
);
ALTER TABLE quotes ADD COLUMN speaker_role_key VARCHAR;
