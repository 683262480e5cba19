-- Members' reinvestment proposals: the window on the ballot, and each proposal's fate.
ALTER TABLE ballots
    ADD COLUMN proposals_until timestamptz,
    ADD COLUMN period text NOT NULL DEFAULT '',
    ADD COLUMN hours_delivered numeric NOT NULL DEFAULT 0;

CREATE TABLE ballot_proposals (
    proposal_id uuid PRIMARY KEY,
    ballot_id uuid NOT NULL,
    member_id uuid NOT NULL,
    title text NOT NULL,
    description text NOT NULL,
    benefits text NOT NULL,
    cost_pence bigint NOT NULL,
    rate text NOT NULL,  -- '' for a sum the member gave; else the hourly rate it changes
    pence_per_hour integer NOT NULL,
    hours numeric NOT NULL,
    state text NOT NULL CHECK (state IN ('proposed', 'listed', 'declined', 'withdrawn')),
    option_id text,  -- its option on the ballot, once listed
    reason text NOT NULL DEFAULT '',  -- why the trustees declined it
    proposed_at timestamptz NOT NULL,
    position bigint NOT NULL  -- the order members proposed them in
);
CREATE INDEX ballot_proposals_ballot_idx ON ballot_proposals (ballot_id, position);
