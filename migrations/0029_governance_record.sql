-- The governance record (issue 17, item 3; coop/projections/reports/record.py):
-- one row per decision, with everything that shows how it was reached, written
-- from the events so the page is one indexed read and can be rebuilt.
--
-- A row may exist before its decision is taken (a ballot drafted, a period
-- opened): it is part of the record only once decided_position is set.
CREATE TABLE record_decisions (
    decision_id text PRIMARY KEY,       -- e.g. 'ballot:<uuid>', 'admission:<uuid>'
    kind text NOT NULL,                 -- admission, refusal, resolution, election, ...
    subject_id uuid,                    -- the ballot, member, period or rules
    title text NOT NULL DEFAULT '',
    made_by uuid,                       -- the account that proposed or made it
    reference text NOT NULL DEFAULT '', -- the board minute or resolution reference
    secret boolean NOT NULL DEFAULT false,
    rules_version integer,
    electorate jsonb,                   -- {"user": 12, "carer": 5, "pa": 9}
    declarations jsonb NOT NULL DEFAULT '[]',
    result jsonb,                       -- as published (a secret ballot publishes no marks)
    outcome text NOT NULL DEFAULT '',
    opened_at timestamptz,
    decided_on date,
    decided_position bigint,
    events jsonb NOT NULL DEFAULT '[]'  -- [{"position": 17, "what": "Voting opened"}, ...]
);
CREATE INDEX record_decisions_in_order
    ON record_decisions (decided_position) WHERE decided_position IS NOT NULL;

-- Which signed checkpoint covers an entry: a checkpoint covers the first `size`
-- links, and an entry's place among them is its position less the positions
-- never used before it (a rolled-back insert uses one up). Those gaps are rare,
-- and this index finds them without reading the whole chain.
CREATE INDEX audit_chain_gaps ON audit_chain (notification_id)
    WHERE previous_id <> notification_id - 1;

INSERT INTO projection_tracking (name) VALUES ('record');
