-- +goose Up
-- Personal data in the audit log (the actor's name, an invited user's e-mail)
-- moves beside the chain: each entry's hash covers only a digest of its
-- personal parts, each part is salted, so a part can be erased on a data
-- subject's request (Art. 17 DSGVO) and the chain still verifies. Entries written
-- before this migration keep their names inside the chain (personal_digest '').
ALTER TABLE audit_log ADD COLUMN personal_digest TEXT NOT NULL DEFAULT '';

CREATE TABLE audit_personal (
    seq             BIGINT NOT NULL REFERENCES audit_log (seq),
    part            INTEGER NOT NULL CHECK (part >= 0),
    kind            TEXT NOT NULL CHECK (kind IN ('actor', 'details')),
    subject_user_id TEXT NOT NULL,
    salt            TEXT NOT NULL,
    data            TEXT NOT NULL,
    digest          TEXT NOT NULL,
    erased_at       TIMESTAMPTZ,
    PRIMARY KEY (seq, part)
);
CREATE INDEX audit_personal_subject ON audit_personal (subject_user_id);
-- The only change the database allows is an erasure: salt and data replaced,
-- erased_at set once; digest, position and subject stay, rows are never deleted.
-- +goose StatementBegin
CREATE FUNCTION audit_personal_erase_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.seq <> OLD.seq OR NEW.part <> OLD.part OR NEW.kind <> OLD.kind
       OR NEW.subject_user_id <> OLD.subject_user_id OR NEW.digest <> OLD.digest
       OR NEW.erased_at IS NULL OR OLD.erased_at IS NOT NULL THEN
        RAISE EXCEPTION 'audit_personal allows erasure only';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER audit_personal_erase_only BEFORE UPDATE OR DELETE ON audit_personal
    FOR EACH ROW EXECUTE FUNCTION audit_personal_erase_only();

-- +goose Down
SELECT 'forward-only';
