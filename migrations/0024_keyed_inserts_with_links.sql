-- The keyed inserts (0021) on the sealed inserts (0023): like coop_insert_events and
-- coop_insert_saves since 0023, they hand back each new event's link, so that the
-- saves of requests that carry a key are sealed like every other.
DROP FUNCTION coop_insert_events_keyed(
    uuid[], bigint[], text[], bytea[], uuid[], bytea[], text, uuid[], bigint[],
    text[], text[], text[], int[]);
DROP FUNCTION coop_insert_saves_keyed(
    int[], uuid[], bigint[], text[], bytea[], int[], uuid[], bigint[], text,
    int[], text[], text[], text[]);

CREATE FUNCTION coop_insert_events_keyed(
    ids uuid[], versions bigint[], topics text[], states bytea[],
    key_subjects uuid[], wrapped_keys bytea[], lock_timeout text,
    read_ids uuid[], read_versions bigint[],
    key_whos text[], key_keys text[], key_prints text[], key_events int[]
) RETURNS TABLE (id bigint, link bytea) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    positions bigint[];
    links bytea[];
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
    SELECT coalesce(array_agg(e.id ORDER BY e.n), '{}'), coalesce(array_agg(e.link ORDER BY e.n), '{}')
        INTO positions, links
        FROM coop_insert_events(
            ids, versions, topics, states, key_subjects, wrapped_keys, lock_timeout,
            read_ids, read_versions) WITH ORDINALITY AS e(id, link, n);
    INSERT INTO coop_request_keys AS k (who, key, fingerprint, event_position)
        SELECT u.w, u.k, min(u.p), min(positions[u.e])
        FROM unnest(key_whos, key_keys, key_prints, key_events) AS u(w, k, p, e)
        GROUP BY u.w, u.k
        ON CONFLICT (who, key) DO UPDATE
            SET event_position = least(k.event_position, EXCLUDED.event_position);
    RETURN QUERY SELECT u.p, u.l FROM unnest(positions, links) AS u(p, l);
END
$$;

CREATE FUNCTION coop_insert_saves_keyed(
    saves int[], ids uuid[], versions bigint[], topics text[], states bytea[],
    read_saves int[], read_ids uuid[], read_versions bigint[], lock_timeout text,
    key_saves int[], key_whos text[], key_keys text[], key_prints text[]
) RETURNS TABLE (save int, event_position bigint, link bytea) LANGUAGE plpgsql AS $$
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
            SELECT d.save AS s, d.event_position AS p, d.link AS l FROM coop_insert_saves(
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
        SELECT done.s, done.p, done.l FROM done
        UNION ALL
        SELECT t, 0::bigint, NULL::bytea FROM unnest(taken) AS t;
END
$$;
