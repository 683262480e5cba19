-- A save may name aggregates it read but does not change (0016): it fails if one
-- has moved on. Group commit (coop/infra/eventstore/group_commit.py) puts many
-- saves in one call, and an aggregate one save read could be written by another
-- save of the same group: both were checked against the table before either was
-- inserted, so both were saved, the reader on what it read before the writer. Now
-- such a group fails as a conflict, and its saves are then made one at a time, in
-- order, where the check sees each earlier save. (Care's bookings rely on it: a
-- visit near the end of a week reads the next week's page of the diary.)
CREATE OR REPLACE FUNCTION coop_insert_events(
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
           OR EXISTS (SELECT 1 FROM unnest(ids, versions) AS w(id, version)
                      WHERE w.id = r.id AND w.version > r.version)
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
