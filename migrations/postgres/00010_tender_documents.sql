-- +goose Up
-- Tender documents, versioned: a new upload under the same name is the next
-- version; the note says what changed (the change log bidders read).
CREATE TABLE tender_documents (
    id          TEXT PRIMARY KEY,
    tender_id   TEXT NOT NULL REFERENCES tenders (id),
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    file_key    TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tender_id, name, version)
);

-- +goose Down
SELECT 'forward-only';
