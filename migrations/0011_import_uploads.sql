-- Files a trustee has checked and may import next: operational state, not facts of the co-op.
--
-- The file is kept so the trustee need not choose it again to import it. Its bytes
-- are sealed (AES-GCM) with a key that is never stored: only the trustee's own
-- "Import these members" form carries it. So a copy of the database, or a backup,
-- holds no readable personal data from the file, even before the row is cleared.
-- Only the account that uploaded a file may import it; the bytes are dropped once
-- imported, and the whole row after a day (coop/importing/uploads.py).
CREATE TABLE import_uploads (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL,
    filename text NOT NULL,
    sha256 bytea NOT NULL,
    data bytea,  -- sealed; NULL once imported
    created_at timestamptz NOT NULL,
    imported integer,
    already_there integer,
    imported_at timestamptz
);
CREATE INDEX import_uploads_created_idx ON import_uploads (created_at);
