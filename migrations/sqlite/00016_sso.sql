-- +goose Up
-- Single sign-on (OpenID Connect) per organisation. The client secret is
-- stored encrypted with age to kopit's SSO key (a file outside the database),
-- never in clear. Organisation ids are the member register's; its tables stay
-- the member module's own, so there are no foreign keys into them.
CREATE TABLE sso_configs (
    org_id        TEXT PRIMARY KEY,
    enabled       BOOLEAN NOT NULL DEFAULT FALSE,
    issuer        TEXT NOT NULL,
    client_id     TEXT NOT NULL,
    client_secret BLOB,
    role_claim    TEXT NOT NULL,
    role_map      TEXT NOT NULL,
    jit           BOOLEAN NOT NULL DEFAULT FALSE,
    enforce       BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by    TEXT NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- An e-mail domain belongs to at most one organisation: the primary key
-- refuses a second claim, however many administrators save at once.
CREATE TABLE sso_domains (
    domain TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES sso_configs (org_id)
);
CREATE INDEX sso_domains_org ON sso_domains (org_id);

-- A sign-in on its way through the identity provider: the state is stored
-- as its SHA-256 and used once (DELETE … RETURNING); nonce and PKCE
-- verifier are checked on the way back.
CREATE TABLE sso_logins (
    state_hash TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    next       TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- +goose Down
SELECT 'forward-only';
