-- Read models. Each projection's rows and its tracking position are written
-- in one transaction (exactly once). Rebuilds copy these shapes with
-- CREATE TABLE ... (LIKE ... INCLUDING ALL), so this file stays their source.
CREATE TABLE projection_tracking (
    name text PRIMARY KEY,
    position bigint NOT NULL DEFAULT 0
);
INSERT INTO projection_tracking (name) VALUES ('members'), ('accounts');

-- Applicants and members: the trustees' list and the register of members.
CREATE TABLE members (
    member_id uuid PRIMARY KEY,
    status text NOT NULL CHECK (status IN ('applied', 'admitted', 'refused')),
    membership_number integer UNIQUE,
    name text NOT NULL,
    preferred_name text NOT NULL,
    email text NOT NULL,
    phone text NOT NULL,
    address text NOT NULL,
    postcode text NOT NULL,
    requested_class text NOT NULL,
    member_class text,
    contact_methods text[] NOT NULL,
    access_needs text NOT NULL,
    applied_on date NOT NULL,
    decided_on date,
    decided_by uuid,
    minute_reference text,
    refusal_reason text,
    shares integer NOT NULL DEFAULT 0,
    amount_paid numeric(12, 2) NOT NULL DEFAULT 0,
    applied_position bigint NOT NULL
);
CREATE INDEX members_status_idx ON members (status, applied_position);

-- Who can sign in, and with what roles.
CREATE TABLE accounts (
    account_id uuid PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    roles text[] NOT NULL,
    member_id uuid,
    password_hash text NOT NULL,
    opened_on date NOT NULL
);
