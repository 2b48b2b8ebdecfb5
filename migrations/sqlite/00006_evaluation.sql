-- +goose Up
-- Pass/fail decisions per bid: the formal check (criterion_id '') and each
-- exclusion and suitability criterion, with the reason for a fail.
CREATE TABLE bid_checks (
    bid_id       TEXT NOT NULL REFERENCES bids (id),
    criterion_id TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('pass', 'fail')),
    reason       TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL,
    decided_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (bid_id, criterion_id)
);

-- Scores of quality criteria, one per evaluator, bid and criterion.
CREATE TABLE bid_scores (
    bid_id         TEXT NOT NULL REFERENCES bids (id),
    criterion_id   TEXT NOT NULL REFERENCES tender_criteria (id),
    evaluator_id   TEXT NOT NULL,
    evaluator_name TEXT NOT NULL,
    points         INTEGER NOT NULL CHECK (points >= 0),
    scored_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (bid_id, criterion_id, evaluator_id)
);

-- +goose Down
SELECT 'forward-only';
