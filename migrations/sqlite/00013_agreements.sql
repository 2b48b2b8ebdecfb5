-- +goose Up
-- Framework agreements (Rahmenvereinbarungen), their catalogues and the
-- call-offs (Abrufe) made from them. Organisation and user ids are the member
-- register's; as elsewhere there are no foreign keys into its tables.
--
-- Quotas are enforced by the database: called_cents never exceeds max_cents
-- (CHECK) and call-offs add to it with conditional UPDATEs (see
-- internal/agreement/quota.go).
-- The SQLite full-text index (FTS5 over stemmed text) is derived data that
-- the agreement module creates and fills at start-up; PostgreSQL uses the GIN
-- index below.

CREATE TABLE agreements (
    id              TEXT PRIMARY KEY,
    reference       TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL,
    supplier_org_id TEXT NOT NULL,
    tender_id       TEXT NOT NULL DEFAULT '',
    lot_id          TEXT NOT NULL DEFAULT '',
    starts_on       TEXT NOT NULL, -- first day, YYYY-MM-DD (Europe/Berlin)
    ends_on         TEXT NOT NULL, -- last day
    status          TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'ended')),
    max_cents       BIGINT NOT NULL CHECK (max_cents > 0),
    called_cents    BIGINT NOT NULL DEFAULT 0 CHECK (called_cents >= 0 AND called_cents <= max_cents),
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_email   TEXT NOT NULL DEFAULT '',
    contact_phone   TEXT NOT NULL DEFAULT '',
    supplier_vat_id TEXT NOT NULL DEFAULT '',
    supplier_iban   TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX agreements_supplier ON agreements (supplier_org_id);
CREATE UNIQUE INDEX agreements_lot ON agreements (tender_id, lot_id) WHERE tender_id <> '';

CREATE TABLE agreement_members (
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    org_id       TEXT NOT NULL,
    max_cents    BIGINT NOT NULL CHECK (max_cents > 0),
    called_cents BIGINT NOT NULL DEFAULT 0 CHECK (called_cents >= 0 AND called_cents <= max_cents),
    PRIMARY KEY (agreement_id, org_id)
);
CREATE INDEX agreement_members_org ON agreement_members (org_id);

CREATE TABLE catalogue_items (
    id                TEXT PRIMARY KEY,
    agreement_id      TEXT NOT NULL REFERENCES agreements (id),
    supplier_pid      TEXT NOT NULL,
    gtin              TEXT NOT NULL DEFAULT '',
    manufacturer      TEXT NOT NULL DEFAULT '',
    short_description TEXT NOT NULL,
    long_description  TEXT NOT NULL DEFAULT '',
    unit              TEXT NOT NULL,
    vat_rate          INTEGER NOT NULL, -- hundredths of a percent: 1900 = 19 %
    cpv               TEXT NOT NULL DEFAULT '',
    image_url         TEXT NOT NULL DEFAULT '',
    price_e4          BIGINT NOT NULL CHECK (price_e4 > 0),
    list_price_e4     BIGINT NOT NULL DEFAULT 0,
    price_version     INTEGER NOT NULL,
    valid_from        TEXT NOT NULL DEFAULT '',
    valid_to          TEXT NOT NULL DEFAULT '',
    active            INTEGER NOT NULL DEFAULT 1,
    search_text       TEXT NOT NULL,
    search_vector     TEXT NOT NULL DEFAULT '', -- search_text stemmed in Go (package stem), as the FTS5 index holds it
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (agreement_id, supplier_pid)
);
CREATE INDEX catalogue_items_price ON catalogue_items (agreement_id, price_e4);
CREATE INDEX catalogue_items_cpv ON catalogue_items (cpv);

-- Every price an item ever had; a call-off line keeps the version it used.
CREATE TABLE catalogue_prices (
    item_id     TEXT NOT NULL REFERENCES catalogue_items (id),
    version     INTEGER NOT NULL,
    price_e4    BIGINT NOT NULL,
    valid_from  TEXT NOT NULL DEFAULT '',
    valid_to    TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_id, version)
);

CREATE TABLE catalogue_imports (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    file_name    TEXT NOT NULL,
    format       TEXT NOT NULL,
    transaction_type TEXT NOT NULL,
    created      INTEGER NOT NULL,
    updated      INTEGER NOT NULL,
    deleted      INTEGER NOT NULL,
    rejected     INTEGER NOT NULL,
    problems     TEXT NOT NULL, -- JSON: the first rejected products with line and reason
    imported_by  TEXT NOT NULL,
    imported_at  TIMESTAMP NOT NULL
);
CREATE INDEX catalogue_imports_agreement ON catalogue_imports (agreement_id, imported_at);

-- A member's purchasing settings: above approval_cents a call-off needs a
-- second member user's approval (0: never); buyer_reference is the
-- Leitweg-ID invoices must carry.
CREATE TABLE buyer_settings (
    org_id          TEXT PRIMARY KEY,
    approval_cents  BIGINT NOT NULL CHECK (approval_cents >= 0),
    buyer_reference TEXT NOT NULL DEFAULT '',
    updated_by      TEXT NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

-- The cart lives on the server, per user.
CREATE TABLE cart_items (
    user_id  TEXT NOT NULL,
    org_id   TEXT NOT NULL,
    item_id  TEXT NOT NULL REFERENCES catalogue_items (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, item_id)
);

CREATE TABLE calloffs (
    id               TEXT PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    agreement_id     TEXT NOT NULL REFERENCES agreements (id),
    org_id           TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('awaiting_approval', 'submitted', 'confirmed', 'partially_delivered',
                                                      'delivered', 'received', 'rejected', 'cancelled')),
    total_cents      BIGINT NOT NULL CHECK (total_cents > 0),
    delivery_address TEXT NOT NULL,
    cost_centre      TEXT NOT NULL,
    buyer_reference  TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    approved_by      TEXT NOT NULL DEFAULT '',
    approved_at      TIMESTAMP,
    decided_by       TEXT NOT NULL DEFAULT '',
    decided_at       TIMESTAMP,
    reason           TEXT NOT NULL DEFAULT '',
    received_at      TIMESTAMP,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX calloffs_agreement ON calloffs (agreement_id, created_at);
CREATE INDEX calloffs_org ON calloffs (org_id, created_at);

CREATE TABLE calloff_lines (
    calloff_id    TEXT NOT NULL REFERENCES calloffs (id),
    line_no       INTEGER NOT NULL,
    item_id       TEXT NOT NULL REFERENCES catalogue_items (id),
    supplier_pid  TEXT NOT NULL,
    description   TEXT NOT NULL,
    unit          TEXT NOT NULL,
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    delivered     BIGINT NOT NULL DEFAULT 0 CHECK (delivered >= 0 AND delivered <= quantity),
    price_e4      BIGINT NOT NULL,
    price_version INTEGER NOT NULL,
    list_price_e4 BIGINT NOT NULL DEFAULT 0,
    vat_rate      INTEGER NOT NULL,
    PRIMARY KEY (calloff_id, line_no)
);

-- Invoices received for a call-off (uploaded by the supplier), with the
-- findings of the XRechnung check and the match against the call-off.
CREATE TABLE calloff_invoices (
    id          TEXT PRIMARY KEY,
    calloff_id  TEXT NOT NULL REFERENCES calloffs (id),
    number      TEXT NOT NULL,
    syntax      TEXT NOT NULL,
    payable     TEXT NOT NULL,
    findings    TEXT NOT NULL, -- JSON
    document    BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX calloff_invoices_calloff ON calloff_invoices (calloff_id);

-- +goose Down
SELECT 'forward-only';
