-- +goose Up
-- The user list is sorted by name; the benchmark found it sorting every user
-- on every page without this index.
CREATE INDEX users_name ON users (name, id);

-- +goose Down
SELECT 'forward-only';
