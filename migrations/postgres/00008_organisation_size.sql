-- +goose Up
-- A supplier's company size (micro, small, medium, large): award notices state
-- it for every winner (eForms BT-165).
ALTER TABLE organisations ADD COLUMN size TEXT NOT NULL DEFAULT '';

-- +goose Down
SELECT 'forward-only';
