-- +goose Up
-- Each tender's age key pair: the public recipient bids are sealed to, and the
-- private identity wrapped to the master key that lives outside the database.
CREATE TABLE tender_keys (
    tender_id TEXT PRIMARY KEY REFERENCES tenders (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    wrapped   BLOB NOT NULL
);

-- Bids: everything a bidder submitted is sealed in the file store; the row
-- holds only metadata, the receipt and the keys of the sealed blobs.
CREATE TABLE bids (
    id              TEXT PRIMARY KEY,
    tender_id       TEXT NOT NULL REFERENCES tenders (id),
    lot_id          TEXT NOT NULL REFERENCES tender_lots (id),
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    submitted_by    TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('submitted', 'replaced', 'withdrawn')),
    received_at     TIMESTAMP NOT NULL,
    content_sha256  TEXT NOT NULL,
    sealed_key      TEXT NOT NULL,
    size_bytes      BIGINT NOT NULL,
    receipt_no      TEXT NOT NULL UNIQUE
);
CREATE INDEX bids_tender ON bids (tender_id, status);
CREATE INDEX bids_org ON bids (org_id, tender_id);

-- The opening needs two different authorised people (§ 55 Abs. 2 VgV).
CREATE TABLE opening_confirmations (
    tender_id    TEXT NOT NULL REFERENCES tenders (id),
    user_id      TEXT NOT NULL,
    user_name    TEXT NOT NULL,
    confirmed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tender_id, user_id)
);

-- The opening record (Öffnungsprotokoll, § 55 VgV): bids, times and prices as
-- they were read at the opening.
CREATE TABLE opening_records (
    tender_id TEXT PRIMARY KEY REFERENCES tenders (id),
    opened_at TIMESTAMP NOT NULL,
    record    TEXT NOT NULL
);

-- +goose Down
SELECT 'forward-only';
