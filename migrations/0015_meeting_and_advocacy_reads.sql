-- Read models for the meeting pages and supported voting, and each election's reserved seats.

-- Meetings move from the governance projection to their own, with the linked resolutions;
-- the new projection starts from 0, so the worker replays every meeting into them.
TRUNCATE meetings;
CREATE TABLE meeting_resolutions (
    meeting_id uuid NOT NULL,
    item integer NOT NULL,  -- agenda item number, from 1
    ballot_id uuid NOT NULL,
    PRIMARY KEY (meeting_id, item)
);
INSERT INTO projection_tracking (name) VALUES ('meetings');

-- Each member's advocate for supported voting: one row per member who ever named one.
CREATE TABLE advocates (
    advocacy_id uuid PRIMARY KEY,
    member_id uuid NOT NULL UNIQUE,
    advocate_account uuid,  -- null once the member ended their consent
    since date NOT NULL,  -- when the current advocate was named, or when consent ended
    ended boolean NOT NULL DEFAULT false
);
CREATE INDEX advocates_account_idx ON advocates (advocate_account);
INSERT INTO projection_tracking (name) VALUES ('advocacy');

-- An election's reserved seats, fixed when it opened (Ballot.SeatsReserved).
ALTER TABLE ballots
    ADD COLUMN reserved jsonb,  -- [[class, seats], ...] in the rules' order
    ADD COLUMN rules_reserve jsonb,  -- what the rules reserve on the whole board
    ADD COLUMN continuing jsonb;  -- the trustees continuing in office: [{member_id, member_class, appointed_on}]
