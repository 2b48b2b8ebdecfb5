-- +goose Up
-- What notices need to name a buyer: its register number or Leitweg-ID
-- (eForms BT-501), its NUTS-3 region (BT-507) and a contact address (BT-506).
ALTER TABLE organisations ADD COLUMN register_id TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN nuts TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- +goose Down
SELECT 'forward-only';
