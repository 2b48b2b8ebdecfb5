-- +goose Up
-- The general assembly (Generalversammlung, §§ 43–47 GenG). Member and user
-- ids are the member register's; the register's tables stay the member
-- module's own, so there are no foreign keys into them.

-- The statute's settings for assemblies: one row (id = 1); when it is
-- missing the defaults apply (two weeks' notice, § 46 Abs. 1 GenG; no quorum).
CREATE TABLE assembly_statute (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    notice_days    INTEGER NOT NULL CHECK (notice_days >= 14),
    motion_days    INTEGER NOT NULL CHECK (motion_days >= 7),
    quorum_percent INTEGER NOT NULL CHECK (quorum_percent BETWEEN 0 AND 100),
    updated_by     TEXT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE assemblies (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    form           TEXT NOT NULL CHECK (form IN ('in_person', 'hybrid', 'virtual')),
    starts_at      TIMESTAMPTZ NOT NULL,
    place          TEXT NOT NULL DEFAULT '',
    video_link     TEXT NOT NULL DEFAULT '',
    motions_until  TIMESTAMPTZ NOT NULL,
    notice_days    INTEGER NOT NULL,
    quorum_percent INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('convened', 'open', 'closed')),
    convened_by    TEXT NOT NULL,
    convened_at    TIMESTAMPTZ NOT NULL,
    chair_user_id  TEXT NOT NULL DEFAULT '',
    chair_name     TEXT NOT NULL DEFAULT '',
    opened_at      TIMESTAMPTZ,
    closed_at      TIMESTAMPTZ,
    signed_by      TEXT NOT NULL DEFAULT '',
    signed_name    TEXT NOT NULL DEFAULT '',
    signed_at      TIMESTAMPTZ,
    minutes_sha256 TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assemblies_starts ON assemblies (starts_at);

CREATE TABLE assembly_agenda_items (
    id          TEXT PRIMARY KEY,
    assembly_id TEXT NOT NULL REFERENCES assemblies (id),
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    UNIQUE (assembly_id, position)
);

-- Invitations as sent: one row per member, with the number of mails queued.
CREATE TABLE assembly_invitations (
    assembly_id TEXT NOT NULL REFERENCES assemblies (id),
    org_id      TEXT NOT NULL,
    recipients  INTEGER NOT NULL,
    sent_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (assembly_id, org_id)
);

-- Motions (Anträge) and amendments (parent_id names the motion amended).
CREATE TABLE assembly_motions (
    id           TEXT PRIMARY KEY,
    assembly_id  TEXT NOT NULL REFERENCES assemblies (id),
    parent_id    TEXT REFERENCES assembly_motions (id),
    org_id       TEXT NOT NULL,
    org_name     TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX assembly_motions_assembly ON assembly_motions (assembly_id);

-- Attendance: a member is present through one representative, in person or
-- online, from arrived_at until left_at.
CREATE TABLE assembly_attendance (
    assembly_id TEXT NOT NULL REFERENCES assemblies (id),
    org_id      TEXT NOT NULL,
    org_name    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('in_person', 'online')),
    arrived_at  TIMESTAMPTZ NOT NULL,
    left_at     TIMESTAMPTZ,
    PRIMARY KEY (assembly_id, org_id)
);

-- Proxies (Vollmachten, § 43 Abs. 5 GenG): a member authorises a
-- representative of another member. slot is 1 or 2 and unique per holder, so
-- the database itself refuses a third member for one proxy holder.
CREATE TABLE assembly_proxies (
    assembly_id     TEXT NOT NULL REFERENCES assemblies (id),
    grantor_org_id  TEXT NOT NULL,
    grantor_name    TEXT NOT NULL,
    holder_user_id  TEXT NOT NULL,
    holder_name     TEXT NOT NULL,
    holder_org_id   TEXT NOT NULL,
    slot            INTEGER NOT NULL CHECK (slot IN (1, 2)),
    document        TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (assembly_id, grantor_org_id),
    UNIQUE (assembly_id, holder_user_id, slot)
);

CREATE TABLE assembly_polls (
    id               TEXT PRIMARY KEY,
    assembly_id      TEXT NOT NULL REFERENCES assemblies (id),
    position         INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('motion', 'election')),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    secret           BOOLEAN NOT NULL,
    majority         TEXT NOT NULL,
    seats            INTEGER NOT NULL DEFAULT 0,
    votes_per_ballot INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    opened_at        TIMESTAMPTZ,
    closed_at        TIMESTAMPTZ,
    result           TEXT NOT NULL DEFAULT '',
    passed           BOOLEAN,
    UNIQUE (assembly_id, position)
);

CREATE TABLE assembly_candidates (
    id       TEXT PRIMARY KEY,
    poll_id  TEXT NOT NULL REFERENCES assembly_polls (id),
    position INTEGER NOT NULL,
    name     TEXT NOT NULL,
    UNIQUE (poll_id, position)
);

-- One member, one ballot: the record that a member has voted. The primary
-- key is the constraint; for open (named) polls the choice is kept here too,
-- for secret polls choice is empty. No time is stored.
CREATE TABLE assembly_voters (
    poll_id   TEXT NOT NULL REFERENCES assembly_polls (id),
    org_id    TEXT NOT NULL,
    cast_by   TEXT NOT NULL,
    via_proxy BOOLEAN NOT NULL,
    choice    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (poll_id, org_id)
);

-- The ballots, apart from the voters: a random id (no time prefix), the
-- choice and the hash of the voter's receipt code; no member, user or time.
-- PostgreSQL keeps rows in heap order; closing a secret poll rewrites its
-- ballots in the order of the random key (see assembly.Store.shuffleBallots).
CREATE TABLE assembly_ballots (
    id           TEXT PRIMARY KEY,
    poll_id      TEXT NOT NULL REFERENCES assembly_polls (id),
    choice       TEXT NOT NULL,
    receipt_hash TEXT NOT NULL UNIQUE
);
CREATE INDEX assembly_ballots_poll ON assembly_ballots (poll_id);

-- +goose Down
SELECT 'forward-only';
