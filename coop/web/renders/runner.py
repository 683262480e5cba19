"""The worker's render runner: one job at a time, each in a child process of its own.

It runs in the elected worker (``run_elected`` in a web process, or ``coop
worker``), so however many web processes there are, one machine's cores are
shared by one render at a time, and a long render never holds up a web page.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from datetime import datetime, timedelta

import asyncpg

from coop.clock import Clock
from coop.config import Settings
from coop.infra import render_jobs
from coop.infra.render_jobs import RenderJob
from coop.web.renders.child import Orders, orders_bytes

log = logging.getLogger(__name__)

EVERY_SECONDS = 1.0  # how often the queue is looked at
HOUSEKEEPING = timedelta(minutes=10)
DIED = (
    "The process making this document stopped before it was finished (it may have run"
    " out of memory). Ask for it again; if it fails again, tell whoever looks after your coop."
)


async def run_renders(
    settings: Settings, url: str, pool: asyncpg.Pool, clock: Clock, stop: asyncio.Event
) -> None:
    """Make the waiting documents one by one until ``stop`` is set."""
    await render_jobs.wait_again(pool)  # a runner before this one stopped mid-job
    housekept: datetime | None = None
    while not stop.is_set():
        try:
            while not stop.is_set() and (job := await render_jobs.claim(pool, clock.now())):
                await make(settings, url, pool, clock, job, stop)
            if housekept is None or clock.now() - housekept > HOUSEKEEPING:
                await render_jobs.remove_old(pool, settings.renders_dir, clock.now())
                housekept = clock.now()
        except Exception:  # keep going: one bad job must not stop the others
            log.exception("The render runner failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=EVERY_SECONDS)


async def make(
    settings: Settings,
    url: str,
    pool: asyncpg.Pool,
    clock: Clock,
    job: RenderJob,
    stop: asyncio.Event,
) -> None:
    """Make one job's document in a child process; a child that dies fails the job."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "coop.web.renders.child",
        stdin=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    talking = asyncio.ensure_future(
        child.communicate(orders_bytes(Orders(job.job_id, url, settings)))
    )
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([talking, stopping], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not talking.done():  # coop is stopping (or this task was cancelled)
            child.kill()
            await talking
    if stop.is_set() and child.returncode != 0:  # the next runner makes it again
        await render_jobs.wait_again(pool, job.job_id)
        return
    _, said = talking.result()
    if said:
        log.info("Render job %s said:\n%s", job.job_id, said.decode(errors="replace").rstrip())
    if child.returncode != 0:
        log.error("Render job %s: the child ended with %s", job.job_id, child.returncode)
        await render_jobs.fail(pool, job.job_id, DIED, clock.now())
