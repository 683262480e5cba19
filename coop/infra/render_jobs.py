"""Render jobs: documents too long to make inside a request (migrations/0031).

A page asks for a document (``ask``); the worker's runner claims it, a child
process makes it and writes its progress here, and the file is kept under the
data directory for ``KEEP_FOR`` for whoever may read that kind of document.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import msgspec

KEEP_FOR = timedelta(days=1)  # then the file and its job are removed


class RenderJob(msgspec.Struct, frozen=True):
    """A document asked for: what, by whom, how far it has got, and how it ended."""

    job_id: UUID
    kind: str
    parameters: dict[str, Any]
    asked_by: UUID
    asked_at: datetime
    state: str  # waiting, running, done or failed
    done: int
    total: int | None
    started_at: datetime | None
    finished_at: datetime | None
    file_name: str | None
    media_type: str | None
    size: int | None
    peak_rss_kb: int | None
    cpu_seconds: float | None
    error: str | None


_COLUMNS = (
    "job_id, kind, parameters::text AS parameters, asked_by, asked_at, state, done, total,"
    " started_at, finished_at, file_name, media_type, size, peak_rss_kb, cpu_seconds, error"
)
_UNFINISHED = "state IN ('waiting', 'running')"


def _job(row: asyncpg.Record) -> RenderJob:
    fields = dict(row)
    fields["parameters"] = msgspec.json.decode(fields["parameters"])
    return RenderJob(**fields)


def file_of(renders_dir: Path, job_id: UUID) -> Path:
    """Where a job's file is kept."""
    return renders_dir / str(job_id)


async def ask(
    pool: asyncpg.Pool, kind: str, parameters: dict[str, Any], *, asked_by: UUID, now: datetime
) -> UUID:
    """The job making this document: the one already waiting or running, else a new one.

    Asking twice while it is being made (two trustees, or a double click) makes it once.
    """
    wanted = msgspec.json.encode(parameters).decode()
    while True:
        job_id = await pool.fetchval(
            "INSERT INTO render_jobs (job_id, kind, parameters, asked_by, asked_at)"  # noqa: S608 (constant SQL)
            " VALUES ($1, $2, $3::jsonb, $4, $5)"
            f" ON CONFLICT (kind, parameters) WHERE {_UNFINISHED} DO NOTHING"
            " RETURNING job_id",
            uuid4(),
            kind,
            wanted,
            asked_by,
            now,
        )
        if job_id is None:  # one is under way; unless it has just finished, join it
            job_id = await pool.fetchval(
                "SELECT job_id FROM render_jobs WHERE kind = $1 AND parameters = $2::jsonb"  # noqa: S608 (constant SQL)
                f" AND {_UNFINISHED}",
                kind,
                wanted,
            )
        if job_id is not None:
            return UUID(str(job_id))


async def job(pool: asyncpg.Pool, job_id: UUID) -> RenderJob | None:
    row = await pool.fetchrow(
        f"SELECT {_COLUMNS} FROM render_jobs WHERE job_id = $1",  # noqa: S608 (constant SQL)
        job_id,
    )
    return None if row is None else _job(row)


async def claim(pool: asyncpg.Pool, now: datetime) -> RenderJob | None:
    """The longest-waiting job, now running (or None)."""
    row = await pool.fetchrow(
        "UPDATE render_jobs SET state = 'running', started_at = $1 WHERE job_id ="  # noqa: S608 (constant SQL)
        " (SELECT job_id FROM render_jobs WHERE state = 'waiting'"
        "  ORDER BY asked_at LIMIT 1 FOR UPDATE SKIP LOCKED)"
        f" RETURNING {_COLUMNS}",
        now,
    )
    return None if row is None else _job(row)


async def wait_again(pool: asyncpg.Pool, job_id: UUID | None = None) -> None:
    """Put a running job (or, with none named, every running job) back in the queue:
    the runner stopped before its child finished."""
    await pool.execute(
        "UPDATE render_jobs SET state = 'waiting', done = 0, started_at = NULL"
        " WHERE state = 'running' AND ($1::uuid IS NULL OR job_id = $1)",
        job_id,
    )


async def set_progress(pool: asyncpg.Pool, job_id: UUID, done: int, total: int) -> None:
    await pool.execute(
        "UPDATE render_jobs SET done = greatest(done, $2), total = $3"
        " WHERE job_id = $1 AND state = 'running'",
        job_id,
        done,
        total,
    )


async def finish(
    pool: asyncpg.Pool,
    job_id: UUID,
    *,
    file_name: str,
    media_type: str,
    size: int,
    peak_rss_kb: int,
    cpu_seconds: float,
    now: datetime,
) -> None:
    await pool.execute(
        "UPDATE render_jobs SET state = 'done', done = coalesce(total, done), file_name = $2,"
        " media_type = $3, size = $4, peak_rss_kb = $5, cpu_seconds = $6, finished_at = $7"
        " WHERE job_id = $1 AND state = 'running'",
        job_id,
        file_name,
        media_type,
        size,
        peak_rss_kb,
        cpu_seconds,
        now,
    )


async def fail(pool: asyncpg.Pool, job_id: UUID, error: str, now: datetime) -> None:
    """The job ends with ``error``, unless it has ended already."""
    await pool.execute(
        "UPDATE render_jobs SET state = 'failed', error = $2, finished_at = $3"
        " WHERE job_id = $1 AND state = 'running'",
        job_id,
        error,
        now,
    )


async def remove_old(pool: asyncpg.Pool, renders_dir: Path, now: datetime) -> int:
    """Remove the jobs finished more than ``KEEP_FOR`` ago, and their files; how many."""
    gone = await pool.fetch(
        "DELETE FROM render_jobs WHERE finished_at < $1 RETURNING job_id", now - KEEP_FOR
    )
    for row in gone:
        with contextlib.suppress(FileNotFoundError):
            file_of(renders_dir, row["job_id"]).unlink()
    return len(gone)
