-- Outgoing mail and one-time links: operational state, not facts of the co-op.

-- Mail waits here until a sender delivers it (coop/mail/sender.py), or, with no
-- mail server configured, until the office reads it and delivers it by hand.
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    to_address text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL,
    sent_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    next_attempt_at timestamptz NOT NULL,
    -- The body holds a link that lets its holder change a password: only the
    -- recipient may see it, so the office's outbox page does not show it.
    confidential boolean NOT NULL DEFAULT false
);
-- The senders' question: what is due and not yet sent?
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE sent_at IS NULL;

-- Invitation and password-reset links. Only the SHA-256 of each token is kept,
-- so a copy of the database cannot be used to take over an account. A token is
-- used at most once: redeeming sets used_at in a single conditional UPDATE.
CREATE TABLE one_time_tokens (
    token_hash bytea PRIMARY KEY,
    purpose text NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    account_id uuid,
    member_id uuid,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    CHECK (account_id IS NOT NULL OR member_id IS NOT NULL)
);
CREATE INDEX one_time_tokens_member_idx ON one_time_tokens (member_id) WHERE used_at IS NULL;
CREATE INDEX one_time_tokens_account_idx ON one_time_tokens (account_id) WHERE used_at IS NULL;

-- Signing an account out everywhere (after a password reset) finds its sessions.
CREATE INDEX web_sessions_value_idx ON web_sessions (value);
