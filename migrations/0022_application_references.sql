-- The secret part of the address at which an applicant follows their application
-- (/apply/received/<reference>). Member ids can be worked out, so the page is found
-- only by this random reference; the database keeps only its SHA-256.
CREATE TABLE application_references (
    reference_hash bytea PRIMARY KEY,
    member_id uuid NOT NULL,
    created_at timestamptz NOT NULL
);
