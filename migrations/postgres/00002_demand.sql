-- +goose Up
-- Procurement projects (Beschaffungsvorhaben) of the office, their lots and line items.
CREATE TABLE projects (
    id               TEXT PRIMARY KEY,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    nature           TEXT NOT NULL CHECK (nature IN ('supplies', 'services')),
    cpv_main         TEXT NOT NULL,
    cpv_additional   TEXT NOT NULL DEFAULT '',
    framework_months INTEGER NOT NULL CHECK (framework_months BETWEEN 1 AND 48),
    option_months    INTEGER NOT NULL DEFAULT 0 CHECK (option_months >= 0),
    options_note     TEXT NOT NULL DEFAULT '',
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE lots (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (project_id, number)
);

-- Unit prices in ten-thousandths of a euro (4 decimals), never floats.
CREATE TABLE lot_items (
    id           TEXT PRIMARY KEY,
    lot_id       TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position >= 1),
    description  TEXT NOT NULL,
    unit         TEXT NOT NULL,
    unit_price4  BIGINT NOT NULL CHECK (unit_price4 >= 0),
    requirements TEXT NOT NULL DEFAULT '',
    UNIQUE (lot_id, position)
);

-- Demand calls (Bedarfsabfragen) and the members invited to each.
CREATE TABLE demand_calls (
    id            TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects (id),
    message       TEXT NOT NULL DEFAULT '',
    deadline      TIMESTAMPTZ NOT NULL,
    reminder_days INTEGER NOT NULL DEFAULT 0 CHECK (reminder_days >= 0),
    opened_by     TEXT NOT NULL,
    opened_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE demand_invitations (
    call_id     TEXT NOT NULL REFERENCES demand_calls (id) ON DELETE CASCADE,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    reminded_at TIMESTAMPTZ,
    PRIMARY KEY (call_id, org_id)
);

-- A member's answer per lot; org_id is the tenant.
CREATE TABLE demand_answers (
    call_id            TEXT NOT NULL,
    org_id             TEXT NOT NULL,
    lot_id             TEXT NOT NULL REFERENCES lots (id),
    participates       BOOLEAN NOT NULL,
    delivery_locations TEXT NOT NULL DEFAULT '',
    cost_centre        TEXT NOT NULL DEFAULT '',
    contact            TEXT NOT NULL DEFAULT '',
    comment            TEXT NOT NULL DEFAULT '',
    updated_by         TEXT NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (call_id, org_id, lot_id),
    FOREIGN KEY (call_id, org_id) REFERENCES demand_invitations (call_id, org_id)
);

-- Quantities per year per line item: an estimate and a binding maximum.
CREATE TABLE demand_quantities (
    call_id      TEXT NOT NULL,
    org_id       TEXT NOT NULL,
    item_id      TEXT NOT NULL REFERENCES lot_items (id),
    qty_estimate BIGINT NOT NULL CHECK (qty_estimate >= 0),
    qty_max      BIGINT NOT NULL CHECK (qty_max >= qty_estimate),
    PRIMARY KEY (call_id, org_id, item_id),
    FOREIGN KEY (call_id, org_id) REFERENCES demand_invitations (call_id, org_id)
);
CREATE INDEX demand_quantities_org ON demand_quantities (org_id);

-- The procedure plan made from an aggregated call, with the law engine's
-- answer as it was when the plan was made.
CREATE TABLE procedure_plans (
    id                TEXT PRIMARY KEY,
    project_id        TEXT NOT NULL REFERENCES projects (id),
    call_id           TEXT NOT NULL REFERENCES demand_calls (id),
    procedure_type    TEXT NOT NULL,
    eu_wide           BOOLEAN NOT NULL,
    value_cents       BIGINT NOT NULL,
    authority         TEXT NOT NULL,
    esubmission       BOOLEAN NOT NULL,
    publication_on    DATE NOT NULL,
    tender_deadline   TIMESTAMPTZ NOT NULL,
    planned_award_on  DATE NOT NULL,
    law_snapshot      TEXT NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
);

-- +goose Down
SELECT 'forward-only';
