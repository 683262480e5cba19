-- Seals: only coop can write an event that verifies (issue 17, item 1).
--
-- The chain (0002) is computed by the database, so anyone who can write to the
-- database can extend it, or rewrite it consistently. A seal is an HMAC of an
-- event's link under a key that never enters the database (derived from
-- COOP_SECRET_KEY; coop/infra/audit_seals.py). The writer seals the links the
-- insert functions below hand back, straight after its insert commits.
--
--   kind 'event':   seal = HMAC-SHA256(K, "coop event seal v1"   ‖ int8(id) ‖ link)
--   kind 'history': seal = HMAC-SHA256(K, "coop history seal v1" ‖ int8(id) ‖ link)
--
-- A 'history' seal is written once, when sealing first starts on a log that
-- already has events: it seals the then head, and through the chain every
-- event before it.
CREATE TABLE audit_seals (
    notification_id bigint PRIMARY KEY,
    kind text NOT NULL DEFAULT 'event' CHECK (kind IN ('event', 'history')),
    seal bytea NOT NULL CHECK (length(seal) = 32)
);

CREATE TRIGGER audit_seals_append_only
    BEFORE UPDATE OR DELETE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_seals_no_truncate
    BEFORE TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Signed checkpoints (issue 17, item 2): each note exactly as signed.
-- Published at /audit/checkpoints.
CREATE TABLE audit_checkpoints (
    id bigserial PRIMARY KEY,
    size bigint NOT NULL,
    made_at timestamptz NOT NULL,
    -- why it was made: 'daily', 'ballot counted', 'period closed', ...
    reason text NOT NULL,
    note text NOT NULL
);

CREATE TRIGGER audit_checkpoints_append_only
    BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The insert functions of 0016 and 0017, now also handing back each inserted
-- event's link (written by the chain trigger at the end of the INSERT), so the
-- writer can seal it without another read.
DROP FUNCTION coop_insert_events(
    uuid[], bigint[], text[], bytea[], uuid[], bytea[], text, uuid[], bigint[]);

CREATE FUNCTION coop_insert_events(
    ids uuid[], versions bigint[], topics text[], states bytea[],
    key_subjects uuid[], wrapped_keys bytea[], lock_timeout text,
    read_ids uuid[], read_versions bigint[]
) RETURNS TABLE (id bigint, link bytea) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    moved uuid;
    positions bigint[];
BEGIN
    PERFORM set_config('lock_timeout', lock_timeout, true);
    -- A clash here is a real conflict (a key exists already): the save fails whole.
    INSERT INTO subject_keys (subject_id, wrapped_key)
        SELECT * FROM unnest(key_subjects, wrapped_keys);
    -- Commit order = notification order (see the library's _lock_table).
    LOCK TABLE coop_events IN EXCLUSIVE MODE;
    -- After the lock, so every earlier save's events are visible here.
    SELECT r.id INTO moved FROM unnest(read_ids, read_versions) AS r(id, version)
        WHERE EXISTS (SELECT 1 FROM coop_events e
                      WHERE e.originator_id = r.id AND e.originator_version > r.version)
        LIMIT 1;
    IF moved IS NOT NULL THEN
        RAISE EXCEPTION 'coop: % has changed since it was read', moved
            USING ERRCODE = '23C01';
    END IF;
    NOTIFY coop_events;
    WITH inserted AS (
        INSERT INTO coop_events (originator_id, originator_version, topic, state)
        SELECT * FROM unnest(ids, versions, topics, states)
        RETURNING notification_id
    )
    SELECT array_agg(notification_id) INTO positions FROM inserted;
    -- Only this save's own events: never seal a row someone slipped in.
    RETURN QUERY
        SELECT c.notification_id, c.link FROM audit_chain c
         WHERE c.notification_id = ANY (positions)
         ORDER BY c.notification_id;
END
$$;

DROP FUNCTION coop_insert_saves(
    int[], uuid[], bigint[], text[], bytea[], int[], uuid[], bigint[], text);

CREATE FUNCTION coop_insert_saves(
    saves int[], ids uuid[], versions bigint[], topics text[], states bytea[],
    read_saves int[], read_ids uuid[], read_versions bigint[], lock_timeout text
) RETURNS TABLE (save int, event_position bigint, link bytea) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    saved int[];
    positions bigint[];
BEGIN
    PERFORM set_config('lock_timeout', lock_timeout, true);
    -- Commit order = notification order (see the library's _lock_table).
    LOCK TABLE coop_events IN EXCLUSIVE MODE;
    NOTIFY coop_events;
    WITH wanted AS (
        SELECT * FROM unnest(saves, ids, versions, topics, states)
            WITH ORDINALITY AS w(save, id, version, topic, state, n)
    ), refused AS (
        SELECT w.save FROM wanted w
            WHERE EXISTS (SELECT 1 FROM coop_events e
                          WHERE e.originator_id = w.id AND e.originator_version = w.version)
        UNION
        SELECT r.save FROM unnest(read_saves, read_ids, read_versions) AS r(save, id, version)
            WHERE EXISTS (SELECT 1 FROM coop_events e
                          WHERE e.originator_id = r.id AND e.originator_version > r.version)
        UNION
        SELECT later.save FROM wanted earlier JOIN wanted later
            ON later.id = earlier.id AND later.version = earlier.version
            AND later.save > earlier.save
    ), kept AS (
        SELECT * FROM wanted WHERE wanted.save NOT IN (SELECT refused.save FROM refused)
    ), inserted AS (
        INSERT INTO coop_events (originator_id, originator_version, topic, state)
        SELECT k.id, k.version, k.topic, k.state FROM kept k ORDER BY k.n
        RETURNING originator_id, originator_version, notification_id
    ), outcome AS (
        SELECT k.save, i.notification_id AS position FROM inserted i
            JOIN kept k ON k.id = i.originator_id AND k.version = i.originator_version
        UNION ALL
        SELECT refused.save, NULL FROM refused
    )
    SELECT array_agg(outcome.save), array_agg(outcome.position) INTO saved, positions
      FROM outcome;
    -- The links exist now: the chain trigger ran at the end of that statement.
    RETURN QUERY
        SELECT o.save, o.position, c.link
          FROM unnest(saved, positions) AS o(save, position)
          LEFT JOIN audit_chain c ON c.notification_id = o.position;
END
$$;

-- The writer's seals, after its insert has committed. Without waiting for the
-- WAL flush (synchronous_commit off for this transaction only): a second
-- flushed commit per save halved a single writer's rate. The seals become
-- durable with the next flushed commit (at most wal_writer_delay later); if
-- the server crashes first, those events stay unsealed and `coop audit
-- verify` names them (docs/audit-chain.md).
CREATE FUNCTION coop_seal_events(positions bigint[], seals bytea[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO audit_seals (notification_id, seal) SELECT * FROM unnest(positions, seals);
END
$$;

-- A checkpoint asked for by a page (the members' register exported): the
-- scheduler makes it at its next tick, out of the request.
CREATE TABLE audit_checkpoints_wanted (
    reason text NOT NULL,
    wanted_at timestamptz NOT NULL
);
CREATE INDEX audit_checkpoints_wanted_at ON audit_checkpoints_wanted (wanted_at);

-- The decisions a checkpoint follows (coop/infra/audit_schedule.py asks each
-- second whether one has been made since the last checkpoint): a small index
-- of just those, so the question never scans the day's other events.
CREATE INDEX coop_events_decisions ON coop_events (notification_id)
    WHERE topic IN ('coop.domain.ballots:Ballot.Counted',
                    'coop.domain.finance.periods:FinancialPeriod.Closed',
                    'coop.domain.rules:Rules.Amended');
