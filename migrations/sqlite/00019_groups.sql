-- +goose Up
-- Knowledge exchange: working groups (Arbeitskreise) with members,
-- documents and discussion threads, and for knowledge-base articles a
-- visibility (knowledge_articles.group_id, '' = every member, from 00014)
-- and attachments. User and organisation ids are the member register's; the
-- member's name, address and language are copied at joining so that
-- notifications need not read the register's tables.

CREATE TABLE working_groups (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL UNIQUE,
    description  TEXT NOT NULL DEFAULT '',
    is_open      BOOLEAN NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- A member of a group; moderators add members to closed groups, and a group
-- keeps at least one moderator (checked in the transaction that would
-- remove the last). notify = FALSE is the member's opt-out of the group's
-- mails.
CREATE TABLE group_members (
    group_id   TEXT NOT NULL REFERENCES working_groups (id),
    user_id    TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    lang       TEXT NOT NULL DEFAULT 'de',
    moderator  BOOLEAN NOT NULL DEFAULT FALSE,
    notify     BOOLEAN NOT NULL DEFAULT TRUE,
    joined_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

-- Documents of a group in the content-addressed file store; a name uploaded
-- again becomes its next version.
CREATE TABLE group_documents (
    id           TEXT PRIMARY KEY,
    group_id     TEXT NOT NULL REFERENCES working_groups (id),
    name         TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    file_key     TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL CHECK (size_bytes > 0),
    uploaded_by  TEXT NOT NULL,
    uploader_name TEXT NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL,
    UNIQUE (group_id, name, version)
);

CREATE TABLE group_threads (
    id            TEXT PRIMARY KEY,
    group_id      TEXT NOT NULL REFERENCES working_groups (id),
    title         TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    author_name   TEXT NOT NULL,
    posts         INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMP NOT NULL,
    last_post_at  TIMESTAMP NOT NULL
);
CREATE INDEX group_threads_activity ON group_threads (group_id, last_post_at);

CREATE TABLE group_posts (
    id           TEXT PRIMARY KEY,
    thread_id    TEXT NOT NULL REFERENCES group_threads (id),
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX group_posts_thread ON group_posts (thread_id, created_at);

-- Who follows a thread: its author and everyone who replied, unless they
-- stopped following.
CREATE TABLE group_thread_followers (
    thread_id  TEXT NOT NULL REFERENCES group_threads (id),
    user_id    TEXT NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);

CREATE INDEX knowledge_articles_group ON knowledge_articles (group_id, status);

-- Attachments of knowledge-base articles; a name uploaded again becomes its
-- next version.
CREATE TABLE knowledge_attachments (
    id           TEXT PRIMARY KEY,
    article_id   TEXT NOT NULL REFERENCES knowledge_articles (id),
    name         TEXT NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    file_key     TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL CHECK (size_bytes > 0),
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL,
    UNIQUE (article_id, name, version)
);

-- +goose Down
SELECT 'forward-only';
