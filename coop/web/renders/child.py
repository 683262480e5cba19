"""One render job, made in a process of its own: ``python -m coop.web.renders.child``.

The runner starts one per job and writes the job's orders (the database and
the settings) to its standard input. Laying out a long document takes a lot of
memory, and a Python process keeps what it once held; this one ends with the
job, so the memory goes back to the system, and the web server never held it.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import resource
import sys
from concurrent.futures import Future
from pathlib import Path
from uuid import UUID

import msgspec

from coop.clock import SystemClock
from coop.config import Settings
from coop.infra import render_jobs
from coop.infra.db import create_pool
from coop.web.renders.kinds import CannotMake, Making
from coop.web.renders.known import KINDS

log = logging.getLogger(__name__)
NICENESS = 10  # added to the child's: a lower priority than the web's
UNEXPECTED = (
    "coop could not make this document because of a fault in coop. Ask for it again;"
    " if it fails again, tell whoever looks after your coop."
)

NOT_KEPT = (
    "The document was made but coop could not keep the file ({})."
    " Tell whoever looks after your coop: the data directory needs room and permission."
)


class Orders(msgspec.Struct, frozen=True):
    """What the runner tells the child: which job, which database, which settings."""

    job_id: UUID
    url: str
    settings: Settings


def orders_bytes(orders: Orders) -> bytes:
    return msgspec.json.encode(orders, enc_hook=str)


def _orders(data: bytes) -> Orders:
    return msgspec.json.decode(data, type=Orders, dec_hook=lambda t, v: t(v) if t is Path else v)


async def make(orders: Orders) -> None:
    """Make the job's document, keep its file, and record how it ended."""
    clock = SystemClock()
    pool = await create_pool(orders.url, min_size=1, max_size=2)
    try:
        job = await render_jobs.job(pool, orders.job_id)
        if job is None or job.state != "running":
            return  # removed, or made by another runner meanwhile
        loop = asyncio.get_running_loop()
        told: list[Future[None]] = []

        def progress(done: int, of: int) -> None:  # from the thread laying the document out
            told.append(
                asyncio.run_coroutine_threadsafe(
                    render_jobs.set_progress(pool, job.job_id, done, of), loop
                )
            )

        making = Making(pool, orders.settings, job.job_id, job.parameters, job.asked_at)
        try:
            made = await KINDS[job.kind].make(making, progress)
        except CannotMake as e:
            await render_jobs.fail(pool, job.job_id, str(e), clock.now())
            return
        except Exception:
            log.exception("Render job %s (%s) failed", job.job_id, job.kind)
            await render_jobs.fail(pool, job.job_id, UNEXPECTED, clock.now())
            return
        await asyncio.gather(*(asyncio.wrap_future(f) for f in told), return_exceptions=True)
        try:
            _keep(orders.settings.renders_dir, job.job_id, made.content)
        except OSError as e:
            log.exception("Render job %s: the file could not be kept", job.job_id)
            await render_jobs.fail(pool, job.job_id, NOT_KEPT.format(e.strerror), clock.now())
            return
        used = resource.getrusage(resource.RUSAGE_SELF)
        await render_jobs.finish(
            pool,
            job.job_id,
            file_name=made.file_name,
            media_type=made.media_type,
            size=len(made.content),
            peak_rss_kb=used.ru_maxrss,
            cpu_seconds=used.ru_utime + used.ru_stime,
            now=clock.now(),
        )
    finally:
        await pool.close()


def _keep(renders_dir: Path, job_id: UUID, content: bytes) -> None:
    """Write the file whole or not at all: a download never sees half of one."""
    renders_dir.mkdir(parents=True, exist_ok=True)
    path = render_jobs.file_of(renders_dir, job_id)
    partial = path.with_suffix(".partial")
    partial.write_bytes(content)
    os.replace(partial, path)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    # A document is laid out as many objects that live until it is written: the
    # collector's full passes over them cost a fifth of the time and free little,
    # and everything goes back to the system when this process ends.
    gc.set_threshold(100_000, 50, 1_000)
    # Pages come first: on a machine of two cores the web process gets the processor
    # whenever it wants it, and the document takes what is left.
    os.nice(NICENESS)
    asyncio.run(make(_orders(sys.stdin.buffer.read())))


if __name__ == "__main__":
    main()
