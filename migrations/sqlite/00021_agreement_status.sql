-- +goose Up
-- Every suspension, resumption and early end of a framework agreement with
-- its reason: the agreement page shows the latest one, and a call-off refused
-- because the agreement is not active names it. The audit log holds the same
-- change hash-chained; this table is what the pages read.
CREATE TABLE agreement_status_changes (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    from_status  TEXT NOT NULL CHECK (from_status IN ('active', 'suspended', 'ended')),
    to_status    TEXT NOT NULL CHECK (to_status IN ('active', 'suspended', 'ended')),
    reason       TEXT NOT NULL,
    changed_by   TEXT NOT NULL,
    changed_at   TIMESTAMP NOT NULL
);
CREATE INDEX agreement_status_changes_agreement ON agreement_status_changes (agreement_id, changed_at);

-- Catalogue imports larger than what a request imports directly run as a
-- background job: the upload is spooled to a file under the data directory,
-- this row tracks it (queued → running → done or failed) and keeps the
-- report as JSON; the progress page reads it. actor_name is the uploader's
-- name for the audit entry and is cleared when the job ends.
CREATE TABLE catalogue_import_jobs (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    file_name    TEXT NOT NULL,
    spool_path   TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL CHECK (size_bytes > 0),
    read_bytes   BIGINT NOT NULL DEFAULT 0,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    report       TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_org  TEXT NOT NULL,
    actor_name   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP
);
CREATE INDEX catalogue_import_jobs_agreement ON catalogue_import_jobs (agreement_id, created_at);

-- +goose Down
SELECT 'forward-only';
