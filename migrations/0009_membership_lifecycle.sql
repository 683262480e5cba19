-- The whole membership lifecycle on the read side: leaving, shares, property,
-- offices, erasure; the registers as at any date; carer links.
-- The members projection gains tables, so it is replayed from the start.
ALTER TABLE members DROP CONSTRAINT members_status_check;
ALTER TABLE members ADD CONSTRAINT members_status_check
    CHECK (status IN ('applied', 'admitted', 'refused', 'ceased'));
ALTER TABLE members
    ADD COLUMN imported_from text,
    ADD COLUMN loans numeric(12, 2) NOT NULL DEFAULT 0,
    ADD COLUMN deposits numeric(12, 2) NOT NULL DEFAULT 0,
    ADD COLUMN ceased_on date,
    ADD COLUMN how_ceased text,
    ADD COLUMN ceased_reference text,
    ADD COLUMN share_settled text,
    ADD COLUMN share_settled_on date,
    ADD COLUMN share_settled_amount numeric(12, 2),
    ADD COLUMN offices text[] NOT NULL DEFAULT '{}',
    ADD COLUMN account_id uuid,
    ADD COLUMN erased_on date,
    ADD COLUMN updated_on date;
CREATE INDEX members_number_idx ON members (membership_number);

-- The register of members, one version per member per date it changed:
-- the register as at D is every version with valid_from <= D < valid_to.
CREATE TABLE register_history (
    member_id uuid NOT NULL,
    membership_number integer NOT NULL,
    valid_from date NOT NULL,
    valid_to date,
    name text NOT NULL,
    address text NOT NULL,
    postcode text NOT NULL,
    email text NOT NULL,
    member_class text NOT NULL,
    shares integer NOT NULL,
    amount_paid numeric(12, 2) NOT NULL,
    loans numeric(12, 2) NOT NULL,
    deposits numeric(12, 2) NOT NULL,
    date_entered date NOT NULL,
    date_ceased date,
    how_ceased text,
    erased boolean NOT NULL,
    PRIMARY KEY (member_id, valid_from)
);
CREATE INDEX register_history_dates_idx ON register_history (valid_from, valid_to);

-- Terms of office, for the register of trustees.
CREATE TABLE trustee_terms (
    position bigint PRIMARY KEY,
    member_id uuid NOT NULL,
    office text NOT NULL,
    appointed_on date NOT NULL,
    appointed_reference text NOT NULL,
    left_on date,
    left_reference text
);
CREATE INDEX trustee_terms_member_idx ON trustee_terms (member_id, office);

-- What happened to a member, in order: the trustees' view of their record.
-- Nothing personal goes here (descriptions only), so erasure leaves it as it is.
CREATE TABLE member_timeline (
    position bigint PRIMARY KEY,
    member_id uuid NOT NULL,
    happened_on date NOT NULL,
    what text NOT NULL,
    reference text NOT NULL DEFAULT '',
    by_account uuid
);
CREATE INDEX member_timeline_member_idx ON member_timeline (member_id, position);

-- Carers and the users they support.
CREATE TABLE carer_links (
    link_id uuid PRIMARY KEY,
    carer_id uuid NOT NULL,
    user_id uuid NOT NULL,
    state text NOT NULL CHECK (state IN ('requested', 'consented', 'declined', 'withdrawn')),
    requested_on date NOT NULL,
    changed_on date NOT NULL
);
CREATE INDEX carer_links_carer_idx ON carer_links (carer_id);
CREATE INDEX carer_links_user_idx ON carer_links (user_id);

DELETE FROM members;
UPDATE projection_tracking SET position = 0 WHERE name IN ('members', 'accounts');
DELETE FROM accounts;
INSERT INTO projection_tracking (name) VALUES ('carers');
