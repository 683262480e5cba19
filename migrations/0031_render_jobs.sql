-- Long renders leave the request (issue 17, item 6; coop/infra/render_jobs.py): a
-- document that takes more than a moment (the 10,000-member register's PDF) is
-- asked for here, made by the worker in a child process of its own, and kept as
-- a file under the data directory (renders/<job_id>) for those who may read it.
CREATE TABLE render_jobs (
    job_id uuid PRIMARY KEY,
    kind text NOT NULL,                 -- e.g. 'register-of-members' (coop/web/renders/kinds.py)
    parameters jsonb NOT NULL,          -- e.g. {"as_at": "2026-11-30"}
    asked_by uuid NOT NULL,             -- the account
    asked_at timestamptz NOT NULL,
    state text NOT NULL DEFAULT 'waiting'
        CHECK (state IN ('waiting', 'running', 'done', 'failed')),
    done integer NOT NULL DEFAULT 0,    -- progress: parts made, of total
    total integer,
    started_at timestamptz,             -- by the runner, when it started the child
    finished_at timestamptz,
    file_name text,                     -- the download's name, once done
    media_type text,
    size bigint,
    peak_rss_kb bigint,                 -- the child's most memory, for the benchmark
    cpu_seconds double precision,       -- and its processor time (a busy machine's wall
                                        -- clock says little about the work itself)
    error text                          -- what went wrong, in words for the page
);
-- The same document asked for twice while it is being made is one job.
CREATE UNIQUE INDEX render_jobs_one_at_a_time ON render_jobs (kind, parameters)
    WHERE state IN ('waiting', 'running');
CREATE INDEX render_jobs_waiting ON render_jobs (asked_at) WHERE state = 'waiting';
CREATE INDEX render_jobs_finished ON render_jobs (finished_at) WHERE finished_at IS NOT NULL;
