-- +goose Up
-- One full-text index across the member services: knowledge articles, brokered
-- services, contract templates, events and working-group threads. Each module
-- lists its documents; kopit rebuilds a kind's rows when the module's
-- signature (count and latest change) differs from the one stored here. On
-- SQLite the words are stemmed in Go into an FTS5 table created at start-up
-- (as for the catalogue); on PostgreSQL search_vector is the german tsvector.
CREATE TABLE search_documents (
    kind          TEXT NOT NULL,
    ref_id        TEXT NOT NULL,
    audience      TEXT NOT NULL,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    url           TEXT NOT NULL,
    dated         TIMESTAMPTZ,
    search_vector TSVECTOR NOT NULL,
    PRIMARY KEY (kind, ref_id)
);
CREATE INDEX search_documents_audience ON search_documents (audience);
CREATE INDEX search_documents_vector ON search_documents USING GIN (search_vector);

CREATE TABLE search_signatures (
    kind      TEXT PRIMARY KEY,
    signature TEXT NOT NULL
);

-- +goose Down
SELECT 'forward-only';
