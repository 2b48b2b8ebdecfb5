-- +goose Up
-- The member register records when a member left (§ 30 Abs. 2 Nr. 3 GenG);
-- from that day on it has no vote in the general assembly.
ALTER TABLE organisations ADD COLUMN left_on DATE;

-- Documents of a general assembly (invitation letter, annual accounts,
-- motions): the bytes live in the content-addressed file store under
-- file_key (their SHA-256); a name uploaded again gets the next version.
CREATE TABLE assembly_documents (
    id          TEXT PRIMARY KEY,
    assembly_id TEXT NOT NULL REFERENCES assemblies (id),
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    file_key    TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL CHECK (size_bytes > 0),
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    UNIQUE (assembly_id, name, version)
);

-- +goose Down
SELECT 'forward-only';
