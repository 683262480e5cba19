-- The one event log: every fact of the co-op, in one total order.
-- Shape matches what eventsourcing 9.5's PostgresApplicationRecorder expects
-- (we run it with CREATE_TABLE=n: migrations own all DDL). The library names
-- the table after the Application: "coop" → coop_events.
CREATE TYPE stored_event_uuid AS (
    originator_id uuid,
    originator_version bigint,
    topic text,
    state bytea
);

CREATE TABLE coop_events (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text,
    state bytea,
    notification_id bigserial,
    PRIMARY KEY (originator_id, originator_version)
) WITH (
    autovacuum_vacuum_threshold = 100000000,
    autovacuum_vacuum_scale_factor = 0.5,
    autovacuum_analyze_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.01
);

CREATE UNIQUE INDEX coop_events_notification_id_idx ON coop_events (notification_id ASC);

-- Facts are never changed or removed (erasure destroys keys, not events).
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER coop_events_append_only
    BEFORE UPDATE OR DELETE ON coop_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER coop_events_no_truncate
    BEFORE TRUNCATE ON coop_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
