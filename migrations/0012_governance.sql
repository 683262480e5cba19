-- Governance read models: ballots, their electors (turnout, reminders), declarations, meetings.
CREATE TABLE ballots (
    ballot_id uuid PRIMARY KEY,
    kind text NOT NULL,
    title text NOT NULL,
    question text NOT NULL,
    easy_read text NOT NULL,
    topic text NOT NULL,
    special boolean NOT NULL,
    secret boolean NOT NULL,
    opens_at timestamptz NOT NULL,
    closes_at timestamptz NOT NULL,
    state text NOT NULL CHECK (state IN ('drafted', 'open', 'closed', 'counted')),
    options jsonb NOT NULL,
    seats integer NOT NULL,
    budget_pence bigint NOT NULL,
    meeting_id uuid,
    rules_version integer,
    electorate integer NOT NULL DEFAULT 0,
    result jsonb,
    drafted_position bigint NOT NULL
);
CREATE INDEX ballots_due_idx ON ballots (state, opens_at, closes_at);

-- Who may vote in each ballot, and whether they have (never what, in a secret ballot).
CREATE TABLE ballot_electors (
    ballot_id uuid NOT NULL,
    member_id uuid NOT NULL,
    member_class text NOT NULL,
    vote_id uuid NOT NULL UNIQUE,  -- the elector's Vote or Participation aggregate
    voted_at timestamptz,
    supported boolean NOT NULL DEFAULT false,
    mark jsonb,  -- open ballots only: the record shows who voted what
    PRIMARY KEY (ballot_id, member_id)
);

CREATE TABLE ballot_declarations (
    ballot_id uuid NOT NULL,
    member_id uuid NOT NULL,
    interest text NOT NULL,
    PRIMARY KEY (ballot_id, member_id)
);

CREATE TABLE meetings (
    meeting_id uuid PRIMARY KEY,
    kind text NOT NULL,
    title text NOT NULL,
    starts_at timestamptz NOT NULL,
    place text NOT NULL,
    agenda text[] NOT NULL,
    notice_given date NOT NULL,
    minutes text NOT NULL DEFAULT '',
    present uuid[] NOT NULL DEFAULT '{}'
);

INSERT INTO projection_tracking (name) VALUES ('governance');
