-- New people's subject keys are stored by the same statement (and transaction)
-- as their first events: one round trip, and never an event without its key.
DROP FUNCTION coop_insert_events(uuid[], bigint[], text[], bytea[], text);

CREATE FUNCTION coop_insert_events(
    ids uuid[], versions bigint[], topics text[], states bytea[],
    key_subjects uuid[], wrapped_keys bytea[], lock_timeout text
) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lock_timeout', lock_timeout, true);
    -- A clash here is a real conflict (a key exists already): the save fails whole.
    INSERT INTO subject_keys (subject_id, wrapped_key)
        SELECT * FROM unnest(key_subjects, wrapped_keys);
    -- Commit order = notification order (see the library's _lock_table).
    LOCK TABLE coop_events IN EXCLUSIVE MODE;
    NOTIFY coop_events;
    RETURN QUERY
        INSERT INTO coop_events (originator_id, originator_version, topic, state)
        SELECT * FROM unnest(ids, versions, topics, states)
        RETURNING notification_id;
END
$$;

-- Keys are destroyed by UPDATE (wrapped_key NULL), never deleted: the row is
-- the record that this person's data was erased, and when.
CREATE TRIGGER subject_keys_no_delete
    BEFORE DELETE ON subject_keys
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
