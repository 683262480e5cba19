-- The rules' read model: every version of the rules (adopted, then each amendment by
-- special resolution), and the rules each ballot proposes, so pages can show both
-- without loading aggregates.
CREATE TABLE rules_versions (
    version integer PRIMARY KEY,  -- the Rules aggregate's version: "rules version n"
    rules jsonb NOT NULL,
    adopted_on date NOT NULL,
    ballot_id uuid,  -- the special resolution that made the change (none for the first)
    reference text NOT NULL  -- the minute or resolution reference
);

CREATE TABLE ballot_proposed_rules (
    ballot_id uuid PRIMARY KEY,
    rules jsonb NOT NULL
);

INSERT INTO projection_tracking (name) VALUES ('rules');
