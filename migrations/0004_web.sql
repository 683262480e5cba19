-- Operational state of the web front: not facts of the co-op, so not events.

-- Server-side sessions (coop/web/sessions.py): only the SHA-256 of each token.
CREATE TABLE web_sessions (
    key text PRIMARY KEY,
    value bytea NOT NULL,
    expires_at timestamptz
);
CREATE INDEX web_sessions_expiry_idx ON web_sessions (expires_at);

-- Failed sign-in attempts, for rate limiting by e-mail and by address.
CREATE TABLE sign_in_failures (
    subject text NOT NULL,
    failed_at timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_idx ON sign_in_failures (subject, failed_at);

-- Bearer tokens for the JSON API; only their SHA-256 is kept.
CREATE TABLE api_tokens (
    token_hash bytea PRIMARY KEY,
    account_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
