-- +goose Up
-- An agreement's catalogue size (the agreement page, every call-off, the
-- agreement list and API) counts the active items of one agreement. The
-- index on (agreement_id, price_e4) found them but then read every item's
-- row for its active flag: 5,000 rows of a million-item catalogue per
-- count, most of an agreement page's and a call-off's time (kopit bench:
-- html_agreement p50 296 ms, calloff_contention 10 call-offs/s). With this
-- index the count reads the index alone.
CREATE INDEX catalogue_items_active ON catalogue_items (agreement_id, active);

-- +goose Down
SELECT 'forward-only';
