-- +goose Up
-- Service brokering (Vermittlung von IT-Dienstleistungen): members and
-- partner suppliers publish IT services; members send inquiries, providers
-- answer with one offer, the member accepts or declines it and rates the
-- service after use. Organisation and user ids are the member register's;
-- names are kept as they were when the record was made. Calendar days
-- (periods, validity) are stored as 'YYYY-MM-DD' in Europe/Berlin.

CREATE TABLE brokering_services (
    id                  TEXT PRIMARY KEY,
    provider_org_id     TEXT NOT NULL,
    provider_name       TEXT NOT NULL,
    provider_public     BOOLEAN NOT NULL,
    title               TEXT NOT NULL,
    description         TEXT NOT NULL,
    category            TEXT NOT NULL CHECK (category IN ('hosting', 'application', 'network', 'security', 'workplace', 'consulting', 'training', 'other')),
    service_levels      TEXT NOT NULL DEFAULT '',
    price_model         TEXT NOT NULL CHECK (price_model IN ('fixed', 'per_month', 'per_user_month', 'per_hour', 'per_day', 'per_unit', 'on_request')),
    price_cents         BIGINT NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
    contact_name        TEXT NOT NULL,
    contact_email       TEXT NOT NULL,
    public_cooperation  BOOLEAN NOT NULL DEFAULT FALSE,
    refs                TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('published', 'withdrawn')),
    created_by          TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    withdrawn_at        TIMESTAMPTZ,
    CHECK (provider_public OR NOT public_cooperation)
);
CREATE INDEX brokering_services_catalogue ON brokering_services (status, category, title);
CREATE INDEX brokering_services_provider ON brokering_services (provider_org_id);

-- An inquiry, visible to the inquiring member, the provider and the office.
-- Its status moves only by conditional updates (WHERE status = ...).
CREATE TABLE brokering_inquiries (
    id               TEXT PRIMARY KEY,
    service_id       TEXT NOT NULL REFERENCES brokering_services (id),
    service_title    TEXT NOT NULL,
    category         TEXT NOT NULL,
    member_org_id    TEXT NOT NULL,
    member_name      TEXT NOT NULL,
    provider_org_id  TEXT NOT NULL,
    requested_by     TEXT NOT NULL,
    requester_name   TEXT NOT NULL,
    requester_email  TEXT NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    period_from      TEXT NOT NULL,
    period_until     TEXT NOT NULL,
    requirements     TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'offered', 'accepted', 'declined', 'refused', 'cancelled')),
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    CHECK (period_until >= period_from),
    CHECK (member_org_id <> provider_org_id)
);
CREATE INDEX brokering_inquiries_member ON brokering_inquiries (member_org_id, created_at);
CREATE INDEX brokering_inquiries_provider ON brokering_inquiries (provider_org_id, created_at);
CREATE INDEX brokering_inquiries_service ON brokering_inquiries (service_id);

-- The provider's one offer to an inquiry; total_cents is the price times
-- the quantity and months the price model implies.
CREATE TABLE brokering_offers (
    inquiry_id     TEXT PRIMARY KEY REFERENCES brokering_inquiries (id),
    price_model    TEXT NOT NULL,
    price_cents    BIGINT NOT NULL CHECK (price_cents >= 0),
    total_cents    BIGINT NOT NULL CHECK (total_cents >= 0),
    valid_until    TEXT NOT NULL,
    conditions     TEXT NOT NULL DEFAULT '',
    offered_by     TEXT NOT NULL,
    offerer_name   TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    decided_at     TIMESTAMPTZ
);
CREATE INDEX brokering_offers_decided ON brokering_offers (decided_at);

-- The timeline both sides see.
CREATE TABLE brokering_steps (
    id           TEXT PRIMARY KEY,
    inquiry_id   TEXT NOT NULL REFERENCES brokering_inquiries (id),
    kind         TEXT NOT NULL CHECK (kind IN ('inquired', 'offered', 'accepted', 'declined', 'refused', 'cancelled', 'rated')),
    actor_id     TEXT NOT NULL,
    actor_name   TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX brokering_steps_inquiry ON brokering_steps (inquiry_id, created_at);

-- One rating per accepted inquiry (the primary key enforces "once").
CREATE TABLE brokering_ratings (
    inquiry_id   TEXT PRIMARY KEY REFERENCES brokering_inquiries (id),
    service_id   TEXT NOT NULL REFERENCES brokering_services (id),
    org_id       TEXT NOT NULL,
    rated_by     TEXT NOT NULL,
    rater_name   TEXT NOT NULL,
    stars        INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX brokering_ratings_service ON brokering_ratings (service_id, created_at);

-- +goose Down
SELECT 'forward-only';
