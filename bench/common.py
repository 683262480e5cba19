"""What every benchmark shares: a scratch database, the machine header, figures.

Benchmarks measure on a database of their own, created on the configured server
and dropped at the end, so they never touch real data and always start from the
same (empty, migrated) state.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import secrets
import statistics
from collections.abc import Iterator, Sequence

import asyncpg

from coop.infra.db import with_database
from coop.infra.migrate import migrate


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def scratch_database(url: str, label: str) -> Iterator[str]:
    """A fresh, migrated database on ``url``'s server, dropped when the block ends."""
    # CREATE/DROP DATABASE cannot run inside the database itself: use the maintenance db.
    maintenance = with_database(url, "postgres")
    name = f"coop_bench_{label}_{secrets.token_hex(4)}"
    asyncio.run(_admin(maintenance, f'CREATE DATABASE "{name}"'))
    try:
        db_url = with_database(url, name)
        asyncio.run(migrate(db_url))
        yield db_url
    finally:
        # FORCE: a pool left open by a failed run must not keep the database alive.
        asyncio.run(_admin(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _server_facts(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        version = await conn.fetchval("SHOW server_version")
        sync = await conn.fetchval("SHOW synchronous_commit")
        fsync = await conn.fetchval("SHOW fsync")
    finally:
        await conn.close()
    # Commit-rate figures mean little without knowing whether commits wait for the disk.
    return f"PostgreSQL {version} (fsync={fsync}, synchronous_commit={sync})"


def print_header(title: str, url: str) -> None:
    """Which machine and server the figures below come from."""
    server = asyncio.run(_server_facts(with_database(url, "postgres")))
    print(f"coop bench {title}")
    print(
        f"  machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}"
    )
    print(f"  server:  {server}")
    print(flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def rate(value: float) -> str:
    """A rate as people read it: 14,000/s."""
    return f"{value:,.0f}/s"


def runs(values: Sequence[float]) -> str:
    """The individual runs behind a median, in brackets."""
    return "[" + " ".join(f"{v:,.0f}" for v in values) + "]"


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pids: Sequence[int]) -> float | None:
    """CPU time used so far by these PostgreSQL backends, or None if they are not local.

    Wall-clock rates on a shared machine move with the neighbours' load; CPU time
    per event barely does, and it says which side (client or server) is the limit.
    """
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None  # a remote server, or a system without /proc
        total += (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime
    return total


class CPU:
    """Client and server CPU seconds over some events, summed across runs."""

    def __init__(self) -> None:
        self.client = 0.0
        self.server: float | None = 0.0
        self.events = 0

    def add(self, client: float, server: float | None, events: int) -> None:
        self.client += client
        self.server = None if server is None or self.server is None else self.server + server
        self.events += events

    def __str__(self) -> str:
        if not self.events:
            return "no events"
        per = 1e6 / self.events
        server = "server ?" if self.server is None else f"server {self.server * per:,.0f} µs"
        return f"client {self.client * per:,.0f} µs + {server}"
