-- Crypto-shredding: one key per data subject, wrapped by the master key
-- (derived from COOP_SECRET_KEY; never stored here). Personal data in events is
-- sealed with these keys; destroying a key (wrapped_key NULL) erases that
-- person's personal data from every event, while the events and the audit
-- chain stay exactly as they were.
CREATE TABLE subject_keys (
    subject_id uuid PRIMARY KEY,
    wrapped_key bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    destroyed_at timestamptz,
    CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
);

-- A destroyed key never comes back.
CREATE FUNCTION subject_keys_stay_destroyed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.wrapped_key IS NULL THEN
        RAISE EXCEPTION 'the key of % was destroyed and cannot be restored', OLD.subject_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER subject_keys_stay_destroyed
    BEFORE UPDATE ON subject_keys
    FOR EACH ROW EXECUTE FUNCTION subject_keys_stay_destroyed();
