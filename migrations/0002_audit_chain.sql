-- The tamper-evident chain: one SHA-256 link per stored event, in log order,
-- written by the inserting transaction itself.
--
--   link = sha256(previous link ‖ int8(notification_id) ‖ uuid(originator_id)
--                 ‖ int8(originator_version) ‖ utf8(topic) ‖ sha256(state))
--
-- The first event's previous link is 32 zero bytes. `coop audit verify`
-- recomputes exactly this (coop/audit.py).
CREATE TABLE audit_chain (
    notification_id bigint PRIMARY KEY,
    -- Unique: two links can never claim the same predecessor, so the chain
    -- cannot fork even if someone inserted events without the table lock.
    previous_id bigint NOT NULL UNIQUE,
    link bytea NOT NULL CHECK (length(link) = 32)
);

CREATE FUNCTION audit_chain_extend() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    prev_id bigint;
    prev_link bytea;
    e record;
BEGIN
    -- The inserting transaction holds the events table's EXCLUSIVE lock
    -- (the library's insert path), so the last link is well defined.
    SELECT notification_id, link INTO prev_id, prev_link
        FROM audit_chain ORDER BY notification_id DESC LIMIT 1;
    IF prev_id IS NULL THEN
        prev_id := 0;
        prev_link := '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea;
    END IF;
    FOR e IN SELECT * FROM new_events ORDER BY notification_id LOOP
        prev_link := sha256(
            prev_link
            || int8send(e.notification_id)
            || uuid_send(e.originator_id)
            || int8send(e.originator_version)
            || convert_to(e.topic, 'UTF8')
            || sha256(e.state));
        INSERT INTO audit_chain (notification_id, previous_id, link)
            VALUES (e.notification_id, prev_id, prev_link);
        prev_id := e.notification_id;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER coop_events_chain
    AFTER INSERT ON coop_events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_extend();

CREATE TRIGGER audit_chain_append_only
    BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_chain_no_truncate
    BEFORE TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
