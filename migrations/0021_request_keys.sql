-- Idempotency keys: every form and API command carries a key (a hidden field, or
-- the Idempotency-Key header), and the key goes into the database in the same
-- statement, so the same transaction, as the command's events. A request whose
-- answer was lost (the process died, PostgreSQL restarted) is then found to have
-- been done when it is sent again, and is not done twice.
--   who: the account ('' for someone not signed in); keys are only theirs.
--   fingerprint: what was asked (a hash of the method, path and answers); the same
--     key with other answers is another request.
--   event_position: the first event the command saved under this key (never a secret
--     ballot's paper: a secret vote saves the record that the member voted first).
--   status, location, content_type, body: the first answer, once it was given
--     (NULL while unknown: the command committed but its answer was never sent).
CREATE TABLE coop_request_keys (
    who text NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    event_position bigint NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    status int,
    location text,
    content_type text,
    body bytea,
    PRIMARY KEY (who, key)
);
CREATE INDEX coop_request_keys_recorded_at ON coop_request_keys (recorded_at);

-- coop_insert_events (0016), and the keys of the saves' requests with their first
-- event's position: key_events[i] is the index (from 1) in ids of the first event
-- of the save that carried key i. A key saved already (the same request sent twice
-- at once: a double click, or a retry while the first was still running) refuses
-- the whole statement with SQLSTATE 23C02, checked under the events table's lock,
-- which every keyed save takes: the group commit then saves the others alone, and
-- the request that came second is answered as the first was.
CREATE FUNCTION coop_insert_events_keyed(
    ids uuid[], versions bigint[], topics text[], states bytea[],
    key_subjects uuid[], wrapped_keys bytea[], lock_timeout text,
    read_ids uuid[], read_versions bigint[],
    key_whos text[], key_keys text[], key_prints text[], key_events int[]
) RETURNS SETOF bigint LANGUAGE plpgsql AS $$
DECLARE
    positions bigint[];
    taken text;
BEGIN
    PERFORM set_config('lock_timeout', lock_timeout, true);
    LOCK TABLE coop_events IN EXCLUSIVE MODE;
    SELECT u.k INTO taken FROM unnest(key_whos, key_keys) AS u(w, k)
        WHERE EXISTS (SELECT 1 FROM coop_request_keys r WHERE r.who = u.w AND r.key = u.k)
        LIMIT 1;
    IF taken IS NOT NULL THEN
        RAISE EXCEPTION 'coop: the request with key % was done already', taken
            USING ERRCODE = '23C02';
    END IF;
    positions := ARRAY(SELECT coop_insert_events(
        ids, versions, topics, states, key_subjects, wrapped_keys, lock_timeout,
        read_ids, read_versions));
    INSERT INTO coop_request_keys AS k (who, key, fingerprint, event_position)
        SELECT u.w, u.k, min(u.p), min(positions[u.e])
        FROM unnest(key_whos, key_keys, key_prints, key_events) AS u(w, k, p, e)
        GROUP BY u.w, u.k
        ON CONFLICT (who, key) DO UPDATE
            SET event_position = least(k.event_position, EXCLUDED.event_position);
    RETURN QUERY SELECT unnest(positions);
END
$$;

-- coop_insert_saves (0017), and the keys of the saves that were saved (a refused
-- save's key is not kept: its request did not happen). A save whose key was saved
-- already (the same request sent twice at once) is not saved, and comes back as
-- (save, 0): its request is answered as the first was.
CREATE FUNCTION coop_insert_saves_keyed(
    saves int[], ids uuid[], versions bigint[], topics text[], states bytea[],
    read_saves int[], read_ids uuid[], read_versions bigint[], lock_timeout text,
    key_saves int[], key_whos text[], key_keys text[], key_prints text[]
) RETURNS TABLE (save int, event_position bigint) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    taken int[];
BEGIN
    PERFORM set_config('lock_timeout', lock_timeout, true);
    LOCK TABLE coop_events IN EXCLUSIVE MODE;
    taken := ARRAY(
        SELECT u.s FROM unnest(key_saves, key_whos, key_keys) AS u(s, w, k)
        WHERE EXISTS (SELECT 1 FROM coop_request_keys r WHERE r.who = u.w AND r.key = u.k));
    IF cardinality(taken) > 0 THEN
        SELECT coalesce(array_agg(e.s ORDER BY e.n), '{}'), coalesce(array_agg(e.i ORDER BY e.n), '{}'),
               coalesce(array_agg(e.v ORDER BY e.n), '{}'), coalesce(array_agg(e.t ORDER BY e.n), '{}'),
               coalesce(array_agg(e.st ORDER BY e.n), '{}')
            INTO saves, ids, versions, topics, states
            FROM unnest(saves, ids, versions, topics, states) WITH ORDINALITY AS e(s, i, v, t, st, n)
            WHERE e.s <> ALL (taken);
        SELECT coalesce(array_agg(r.s ORDER BY r.n), '{}'), coalesce(array_agg(r.i ORDER BY r.n), '{}'),
               coalesce(array_agg(r.v ORDER BY r.n), '{}')
            INTO read_saves, read_ids, read_versions
            FROM unnest(read_saves, read_ids, read_versions) WITH ORDINALITY AS r(s, i, v, n)
            WHERE r.s <> ALL (taken);
    END IF;
    RETURN QUERY
        WITH done AS (
            SELECT d.save AS s, d.event_position AS p FROM coop_insert_saves(
                saves, ids, versions, topics, states,
                read_saves, read_ids, read_versions, lock_timeout) AS d
        ), keyed AS (
            INSERT INTO coop_request_keys AS k (who, key, fingerprint, event_position)
                SELECT u.w, u.k, min(u.f), min(done.p)
                FROM unnest(key_saves, key_whos, key_keys, key_prints) AS u(s, w, k, f)
                JOIN done ON done.s = u.s
                WHERE done.p IS NOT NULL
                GROUP BY u.w, u.k
                ON CONFLICT (who, key) DO UPDATE
                    SET event_position = least(k.event_position, EXCLUDED.event_position)
        )
        SELECT done.s, done.p FROM done
        UNION ALL
        SELECT t, 0::bigint FROM unnest(taken) AS t;
END
$$;
