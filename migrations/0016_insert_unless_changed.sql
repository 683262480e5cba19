-- A save may name aggregates it read but does not change (a vote reads its
-- ballot): under the events table's lock, if any of them has moved past the
-- version read, nothing is saved and the save fails as a conflict (SQLSTATE
-- class 23, integrity), so the command re-reads and decides again. A vote
-- therefore can never be recorded after its ballot closed, with no query after
-- the insert to find out.
DROP FUNCTION coop_insert_events(uuid[], bigint[], text[], bytea[], uuid[], bytea[], text);

CREATE FUNCTION coop_insert_events(
    ids uuid[], versions bigint[], topics text[], states bytea[],
    key_subjects uuid[], wrapped_keys bytea[], lock_timeout text,
    read_ids uuid[], read_versions bigint[]
) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
DECLARE
    moved uuid;
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
    RETURN QUERY
        INSERT INTO coop_events (originator_id, originator_version, topic, state)
        SELECT * FROM unnest(ids, versions, topics, states)
        RETURNING notification_id;
END
$$;
