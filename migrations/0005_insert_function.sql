-- One round trip per group commit: lock, notify and insert in one statement
-- (its own transaction in autocommit), with plain arrays rather than an array
-- of composites (which psycopg dumps as text, in Python).
CREATE FUNCTION coop_insert_events(
    ids uuid[], versions bigint[], topics text[], states bytea[], lock_timeout text
) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lock_timeout', lock_timeout, true);
    -- Commit order = notification order (see the library's _lock_table).
    LOCK TABLE coop_events IN EXCLUSIVE MODE;
    NOTIFY coop_events;
    RETURN QUERY
        INSERT INTO coop_events (originator_id, originator_version, topic, state)
        SELECT * FROM unnest(ids, versions, topics, states)
        RETURNING notification_id;
END
$$;
