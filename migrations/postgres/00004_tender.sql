-- +goose Up
-- Tenders (Vergabeverfahren) made from a procedure plan.
CREATE TABLE tenders (
    id               TEXT PRIMARY KEY,
    plan_id          TEXT NOT NULL REFERENCES procedure_plans (id),
    reference        TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    procedure_type   TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'published', 'opened', 'evaluated', 'awarded', 'concluded', 'cancelled')),
    deadline         TIMESTAMPTZ NOT NULL,
    questions_until  TIMESTAMPTZ NOT NULL,
    method           TEXT NOT NULL,
    band_percent     INTEGER NOT NULL DEFAULT 0,
    band_decides     TEXT NOT NULL DEFAULT '',
    tie_rule         TEXT NOT NULL,
    price_weight     INTEGER NOT NULL DEFAULT 0,
    published_at     TIMESTAMPTZ,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX tenders_status ON tenders (status, deadline);

CREATE TABLE tender_lots (
    id          TEXT PRIMARY KEY,
    tender_id   TEXT NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    max_cents   BIGINT NOT NULL DEFAULT 0,
    UNIQUE (tender_id, number)
);

CREATE TABLE tender_items (
    id           TEXT PRIMARY KEY,
    lot_id       TEXT NOT NULL REFERENCES tender_lots (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    description  TEXT NOT NULL,
    unit         TEXT NOT NULL,
    quantity     BIGINT NOT NULL CHECK (quantity >= 0),
    requirements TEXT NOT NULL DEFAULT '',
    UNIQUE (lot_id, position)
);

-- Award, exclusion and suitability criteria. Quality criteria carry a weight
-- and the points scale the evaluators score on.
CREATE TABLE tender_criteria (
    id          TEXT PRIMARY KEY,
    tender_id   TEXT NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('exclusion', 'suitability', 'quality')),
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    weight      INTEGER NOT NULL DEFAULT 0 CHECK (weight >= 0),
    max_points  INTEGER NOT NULL DEFAULT 0 CHECK (max_points >= 0),
    UNIQUE (tender_id, position)
);

-- Suppliers following a tender get its changes and answers by mail.
CREATE TABLE tender_followers (
    tender_id TEXT NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    org_id    TEXT NOT NULL REFERENCES organisations (id),
    user_id   TEXT NOT NULL,
    since     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tender_id, org_id)
);

-- Bidder questions; answers are published to every follower without naming
-- the asker (asked_by_org is kept for the record, never shown to others).
CREATE TABLE tender_questions (
    id           TEXT PRIMARY KEY,
    tender_id    TEXT NOT NULL REFERENCES tenders (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    asked_by_org TEXT NOT NULL REFERENCES organisations (id),
    asked_by     TEXT NOT NULL,
    question     TEXT NOT NULL,
    asked_at     TIMESTAMPTZ NOT NULL,
    answer       TEXT NOT NULL DEFAULT '',
    answered_by  TEXT NOT NULL DEFAULT '',
    answered_at  TIMESTAMPTZ,
    UNIQUE (tender_id, number)
);

-- +goose Down
SELECT 'forward-only';
