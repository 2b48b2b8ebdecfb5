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

-- +goose Down
SELECT 'forward-only';
