-- +goose Up
-- Award decisions per lot, the § 134 GWB information and the contract.
CREATE TABLE awards (
    tender_id         TEXT NOT NULL REFERENCES tenders (id),
    lot_id            TEXT NOT NULL REFERENCES tender_lots (id),
    bid_id            TEXT NOT NULL REFERENCES bids (id),
    winner_org        TEXT NOT NULL,
    value_cents       BIGINT NOT NULL,
    decided_by        TEXT NOT NULL,
    decided_at        TIMESTAMP NOT NULL,
    info_sent_at      TIMESTAMP NOT NULL,
    standstill_days   INTEGER NOT NULL,
    earliest_contract TIMESTAMP NOT NULL,
    contract_at       TIMESTAMP,
    contract_by       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tender_id, lot_id)
);

-- +goose Down
SELECT 'forward-only';
