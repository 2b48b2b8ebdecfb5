-- +goose Up
-- Member services: the IT legal-advice desk (IT-Rechtsberatung), its
-- knowledge base and contract templates, and events (conferences, meetings)
-- with registration. Organisation and user ids are the member register's;
-- its tables stay the member module's own, so there are no foreign keys
-- into them.

-- The office's service level: the target, in working days, for a first
-- answer per topic. A missing topic falls back to the default in code.
CREATE TABLE advice_service_levels (
    topic       TEXT PRIMARY KEY,
    days        INTEGER NOT NULL CHECK (days BETWEEN 1 AND 60),
    updated_by  TEXT NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- A legal question, confidential to the asking organisation and the
-- office's legal advisors.
CREATE TABLE advice_questions (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    asked_by     TEXT NOT NULL,
    asker_name   TEXT NOT NULL,
    asker_email  TEXT NOT NULL,
    topic        TEXT NOT NULL CHECK (topic IN ('procurement_law', 'evb_it', 'licensing', 'data_protection', 'it_security', 'other')),
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('new', 'in_progress', 'waiting', 'answered', 'closed')),
    assignee_email TEXT NOT NULL DEFAULT '',
    assignee_name  TEXT NOT NULL DEFAULT '',
    consent      BOOLEAN NOT NULL DEFAULT FALSE,
    due_at       TIMESTAMP NOT NULL,
    answered_at  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX advice_questions_org ON advice_questions (org_id, created_at);
CREATE INDEX advice_questions_status ON advice_questions (status, due_at);

-- Replies (seen by the member), follow-ups from the member, and internal
-- notes (seen by advisors only).
CREATE TABLE advice_messages (
    id           TEXT PRIMARY KEY,
    question_id  TEXT NOT NULL REFERENCES advice_questions (id),
    kind         TEXT NOT NULL CHECK (kind IN ('reply', 'followup', 'note')),
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX advice_messages_question ON advice_messages (question_id, created_at);

CREATE TABLE advice_attachments (
    id           TEXT PRIMARY KEY,
    question_id  TEXT NOT NULL REFERENCES advice_questions (id),
    name         TEXT NOT NULL,
    file_key     TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL
);
CREATE INDEX advice_attachments_question ON advice_attachments (question_id);

-- Knowledge-base articles: anonymised answers of the advice desk and
-- articles of the knowledge exchange. group_id '' means every member.
CREATE TABLE knowledge_articles (
    id            TEXT PRIMARY KEY,
    question_id   TEXT NOT NULL DEFAULT '',
    topic         TEXT NOT NULL DEFAULT '',
    group_id      TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    tags          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    published_at  TIMESTAMP
);
CREATE INDEX knowledge_articles_status ON knowledge_articles (status, published_at);

-- Contract templates (EVB-IT and others); every upload under a title is a
-- new version with its own validity.
CREATE TABLE contract_templates (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    version      TEXT NOT NULL,
    valid_from   TIMESTAMP NOT NULL,
    valid_until  TIMESTAMP,
    name         TEXT NOT NULL,
    file_key     TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL,
    UNIQUE (title, version)
);

-- Events: conferences and meetings. seats_taken counts confirmed
-- registrations and is changed only by conditional updates, so the capacity
-- holds under concurrent registrations; next_seq orders the waiting list.
CREATE TABLE events (
    id                  TEXT PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('conference', 'meeting', 'webinar')),
    title               TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    venue               TEXT NOT NULL,
    address             TEXT NOT NULL DEFAULT '',
    starts_at           TIMESTAMP NOT NULL,
    ends_at             TIMESTAMP NOT NULL,
    capacity            INTEGER NOT NULL CHECK (capacity > 0),
    seats_taken         INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0 AND seats_taken <= capacity),
    next_seq            BIGINT NOT NULL DEFAULT 0,
    is_public           BOOLEAN NOT NULL DEFAULT TRUE,
    reminded_at         TIMESTAMP,
    created_by          TEXT NOT NULL,
    created_at          TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX events_starts ON events (starts_at);

CREATE TABLE event_sessions (
    id           TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL REFERENCES events (id),
    title        TEXT NOT NULL,
    speakers     TEXT NOT NULL DEFAULT '',
    room         TEXT NOT NULL DEFAULT '',
    starts_at    TIMESTAMP NOT NULL,
    ends_at      TIMESTAMP NOT NULL,
    capacity     INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    seats_taken  INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0 AND (capacity = 0 OR seats_taken <= capacity)),
    CHECK (ends_at > starts_at)
);
CREATE INDEX event_sessions_event ON event_sessions (event_id, starts_at);

CREATE TABLE event_registrations (
    id             TEXT PRIMARY KEY,
    event_id       TEXT NOT NULL REFERENCES events (id),
    user_id        TEXT NOT NULL,
    org_id         TEXT NOT NULL,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    org_name       TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    seq            BIGINT NOT NULL,
    checked_in_at  TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (event_id, user_id)
);
CREATE INDEX event_registrations_queue ON event_registrations (event_id, status, seq);

CREATE TABLE event_session_registrations (
    session_id       TEXT NOT NULL REFERENCES event_sessions (id),
    registration_id  TEXT NOT NULL REFERENCES event_registrations (id),
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, registration_id)
);

-- A personal calendar feed: the token is stored as its SHA-256 only.
CREATE TABLE calendar_feeds (
    user_id     TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL
);

-- +goose Down
SELECT 'forward-only';
