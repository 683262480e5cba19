-- Notices of general meetings and ballots, and how each member was given theirs
-- (coop/projections/governance/notices.py). Written by coop itself, not by a
-- projection: a member's notice row is written in the same transaction as the
-- e-mail it puts in the outbox, or the letter batch it joins, so the record and
-- the notice can never disagree.

-- One run per general meeting or ballot: giving its notices happens once, whichever
-- process gets there first.
CREATE TABLE notice_runs (
    subject_id uuid PRIMARY KEY,
    subject_kind text NOT NULL CHECK (subject_kind IN ('meeting', 'ballot')),
    title text NOT NULL,
    given_at timestamptz NOT NULL,
    -- Convened or opened before coop gave notices itself: no per-member record.
    before_notices boolean NOT NULL DEFAULT false
);

-- A batch of printed letters of one format for one run, for the office to post.
CREATE TABLE notice_batches (
    batch_id bigserial PRIMARY KEY,
    subject_id uuid NOT NULL REFERENCES notice_runs (subject_id),
    format text NOT NULL CHECK (format IN ('letter', 'large_print', 'easy_read')),
    total integer NOT NULL CHECK (total > 0),
    made integer NOT NULL DEFAULT 0,  -- letters rendered so far: the progress shown
    making_since timestamptz,  -- a process is rendering it (claimed)
    -- The printable PDF, until posted: it holds names and addresses, so it is
    -- dropped once the letters are in the post.
    pdf bytea,
    posted_at timestamptz,
    posted_by uuid,
    UNIQUE (subject_id, format)
);

-- Each member's notice: how it was given, and when it reached them (an e-mail
-- sent by the mail server, or a letter the office marked as posted).
CREATE TABLE notices (
    subject_id uuid NOT NULL REFERENCES notice_runs (subject_id),
    member_id uuid NOT NULL,
    method text NOT NULL CHECK (method IN ('email', 'letter', 'large_print', 'easy_read')),
    prepared_at timestamptz NOT NULL,
    mail_id bigint,  -- the outbox row of an e-mail (deleted 30 days after it is sent)
    batch_id bigint REFERENCES notice_batches (batch_id),
    given_at timestamptz,
    PRIMARY KEY (subject_id, member_id),
    CHECK ((method = 'email') = (mail_id IS NOT NULL) AND (method = 'email') = (batch_id IS NULL))
);
CREATE INDEX notices_mail_idx ON notices (mail_id) WHERE mail_id IS NOT NULL;
CREATE INDEX notices_batch_idx ON notices (batch_id) WHERE batch_id IS NOT NULL;

-- An e-mailed notice is given when the mail server takes it: the sender marks the
-- outbox row sent, and the notice records the moment in the same transaction.
CREATE FUNCTION coop_notice_mail_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE notices SET given_at = NEW.sent_at WHERE mail_id = NEW.id AND given_at IS NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notice_sent AFTER UPDATE OF sent_at ON outbox
    FOR EACH ROW WHEN (OLD.sent_at IS NULL AND NEW.sent_at IS NOT NULL)
    EXECUTE FUNCTION coop_notice_mail_sent();

-- Meetings and ballots from before this migration were given notice by hand.
INSERT INTO notice_runs (subject_id, subject_kind, title, given_at, before_notices)
SELECT meeting_id, 'meeting', title, now(), true FROM meetings WHERE kind <> 'board'
UNION ALL
SELECT ballot_id, 'ballot', title, now(), true FROM ballots WHERE state <> 'drafted';
