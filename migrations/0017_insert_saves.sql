-- Many saves in one statement, each refused on its own: the event-loop group
-- commit (coop/eventstore/loop_commit.py) sends a whole group of votes at
-- once. With coop_insert_events one conflicting vote failed the group, and
-- every other vote in it was then saved again alone, one statement each; a
-- vote decided on what its process knew (without reading first) made that
-- common. Here, under the same lock, a save is refused (and nothing of it
-- saved) when:
--   * one of its events' versions is taken already (a vote saved elsewhere),
--   * an aggregate it read has moved past the version read (its ballot closed),
--   * an earlier save in the same group takes the same version;
-- the rest are saved. Each inserted event comes back as (save, event_position);
-- each refused save as (save, NULL).
-- Saves here never carry new subject keys (personal data goes by
-- coop_insert_events).
CREATE FUNCTION coop_insert_saves(
    saves int[], ids uuid[], versions bigint[], topics text[], states bytea[],
    read_saves int[], read_ids uuid[], read_versions bigint[], lock_timeout text
) RETURNS TABLE (save int, event_position bigint) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('lock_timeout', lock_timeout, true);
    -- Commit order = notification order (see the library's _lock_table).
    LOCK TABLE coop_events IN EXCLUSIVE MODE;
    NOTIFY coop_events;
    RETURN QUERY
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
        )
        SELECT k.save, i.notification_id FROM inserted i
            JOIN kept k ON k.id = i.originator_id AND k.version = i.originator_version
        UNION ALL
        SELECT refused.save, NULL FROM refused;
END
$$;
