-- Read models for the meeting pages and for supported voting.

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

