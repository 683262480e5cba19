-- Sessions slide: each use moves expires_at on (an idle limit), but none lives
-- longer than a fixed time from when it started.
ALTER TABLE web_sessions ADD COLUMN started_at timestamptz NOT NULL DEFAULT now();
