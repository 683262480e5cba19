-- Care bookings' read models: visits, PAs' availability, users' plans, reads of notes;
-- and the secrets behind the iCalendar feeds.

-- Every visit as it stands: the rota, the upcoming visits, the day board, the feeds.
-- No words people wrote (notes, reasons) are kept here: they are read through
-- the notes command, which records who read them.
CREATE TABLE care_visits (
    visit_id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    pa_id uuid,  -- the PA who accepted or was confirmed; null while open
    former_pas uuid[] NOT NULL DEFAULT '{}',  -- PAs it was taken off (their feeds show it cancelled)
    named_pa uuid,  -- the PA the user asked for
    offered uuid[] NOT NULL DEFAULT '{}',  -- PAs offered it and not yet declined
    state text NOT NULL,  -- coop.domain.care.visits.State
    day date NOT NULL,  -- booked in UK wall-clock time
    start_time time NOT NULL,
    minutes integer NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    tasks text[] NOT NULL,
    requested_by text NOT NULL,  -- user, carer or coordinator
    requested_at timestamptz NOT NULL,
    checked_in_at timestamptz,
    checked_out_at timestamptz,
    delivered_minutes integer,
    missed_at timestamptz,
    cancelled_at timestamptz,
    chargeable boolean NOT NULL DEFAULT false,
    charge_percent integer NOT NULL DEFAULT 0,
    notes integer NOT NULL DEFAULT 0,
    version integer NOT NULL,  -- the visit's version: the feeds' SEQUENCE
    requested_position bigint NOT NULL
);
CREATE INDEX care_visits_pa_idx ON care_visits (pa_id, starts_at) WHERE pa_id IS NOT NULL;
CREATE INDEX care_visits_former_pas_idx ON care_visits USING gin (former_pas)
    WHERE former_pas <> '{}';
CREATE INDEX care_visits_user_idx ON care_visits (user_id, starts_at);
CREATE INDEX care_visits_day_idx ON care_visits (starts_at);
-- The scheduler's look for missed visits, and the open requests: small, hot subsets.
CREATE INDEX care_visits_confirmed_idx ON care_visits (starts_at) WHERE state = 'confirmed';
CREATE INDEX care_visits_open_idx ON care_visits (starts_at)
    WHERE state IN ('requested', 'accepted');

-- Each PA's skills and availability, as matching needs them.
CREATE TABLE care_pas (
    diary_id uuid PRIMARY KEY,  -- the PA's PaDiary
    pa_id uuid NOT NULL UNIQUE,
    skills text[] NOT NULL DEFAULT '{}',
    patterns jsonb NOT NULL DEFAULT '[]',  -- [WeeklyPattern], oldest first
    exceptions jsonb NOT NULL DEFAULT '[]'  -- [AvailabilityException]
);

-- Each user's support plan, and where visits happen (personal: masked on erasure).
CREATE TABLE care_plans (
    user_id uuid PRIMARY KEY,
    funded_minutes integer,
    tasks text[] NOT NULL DEFAULT '{}',
    preferred uuid[] NOT NULL DEFAULT '{}',
    not_wanted uuid[] NOT NULL DEFAULT '{}',
    address text,
    postcode text,
    access text,
    since date
);

-- Every read of a user's visit notes by someone other than the user.
CREATE TABLE care_notes_reads (
    position bigint PRIMARY KEY,
    user_id uuid NOT NULL,
    visit_id uuid NOT NULL,
    reader uuid NOT NULL,  -- a member id, or a coordinator's account id
    role text NOT NULL,  -- carer, pa or coordinator
    read_at timestamptz NOT NULL
);
CREATE INDEX care_notes_reads_user_idx ON care_notes_reads (user_id, read_at);

INSERT INTO projection_tracking (name) VALUES ('care');

-- The secret behind each iCalendar feed (operational state, like sessions and API
-- tokens, not a fact of the co-op): only its SHA-256 is kept, so a copy of the
-- database cannot be used to read anyone's rota, and revoking is deleting the row.
CREATE TABLE care_feed_tokens (
    owner_id uuid NOT NULL,  -- the PA's or the user's member id
    kind text NOT NULL CHECK (kind IN ('pa', 'user')),
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (owner_id, kind)
);
