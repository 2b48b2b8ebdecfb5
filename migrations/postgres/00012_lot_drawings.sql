-- +goose Up
-- Drawings of lots (Losentscheid) that decide a tie the tender's stated
-- rules leave open: the tied bids in the order the lots fell, and who
-- witnessed the drawing. A changed check or score deletes a lot's drawings,
-- because the tie they decided may no longer exist.
CREATE TABLE lot_drawings (
    tender_id TEXT NOT NULL REFERENCES tenders (id),
    lot_id    TEXT NOT NULL REFERENCES tender_lots (id),
    tie_rank  INTEGER NOT NULL,
    drawn     TEXT NOT NULL,
    witnesses TEXT NOT NULL,
    drawn_by  TEXT NOT NULL,
    drawn_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tender_id, lot_id, tie_rank)
);

-- +goose Down
SELECT 'forward-only';
