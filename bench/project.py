"""`coop bench project`: how fast the members projection catches up with the log.

The log is generated, not commanded, so 100,000 events take seconds: members
apply, and at each "board meeting" (after every 100 applications) the trustees
admit a run of them, as in a real co-op. Every event is one the members
projection handles (none is skipped), so the figure is its honest per-event
cost. Events go in through the app's own recorder in large batches, so they
are stored exactly as the app stores them (codec, audit chain and all).

The catch-up rate (decode, build SQL, write rows, move the position) is set
against the raw rate of reading the same rows in the same batch size.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import asyncpg
from eventsourcing.persistence import StoredEvent

from bench.common import CPU, cpu_seconds, median, print_header, rate, runs, scratch_database
from bench.people import applicant
from coop.application import Coop
from coop.domain.membership.members import Decision, Member
from coop.infra.db import eventsourcing_env
from coop.infra.sealing import master_key
from coop.projections.membership.members import members
from coop.projections.runner import BATCH, catch_up, rebuild

# Its own scratch database, so its own secret.
BENCH_SECRET = "coop bench secret"  # noqa: S105  (a throw-away scratch database)

TARGET = 20_000  # events/s, from the issue
INSERT_BATCH = 5_000  # events per insert transaction while generating the log
APPLICATIONS_PER_MEETING = 100
ADMITTED_PER_MEETING = 25  # so the log is 80% Applied, 20% Admitted

_RAW_READ = (
    "SELECT notification_id, originator_id, originator_version, topic, state"
    " FROM coop_events WHERE notification_id > $1 ORDER BY notification_id LIMIT $2"
)


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    print_header("project", url)
    with scratch_database(url, "project") as db_url:
        env = eventsourcing_env(db_url, pool_size=2)
        coop = Coop(env, secret_key=BENCH_SECRET)
        try:
            started = time.perf_counter()
            topics = generate(coop, args.events or 100_000)
            took = time.perf_counter() - started
        finally:
            coop.close()
        mix = ", ".join(f"{n:,} {t.rsplit(':', 1)[-1]}" for t, n in topics.items())
        print(f"  log: {sum(topics.values()):,} events ({mix}), generated in {took:.1f} s")
        print(f"  {args.repeats} repeats; catch-up and raw reads in batches of {BATCH:,}\n")
        return asyncio.run(_measure(db_url, args.repeats, topics))


# Generating the log ----------------------------------------------------------------------


def generate(coop: Coop, total: int) -> Counter[str]:
    """Store ``total`` Member events through the app's recorder; their count per topic."""
    rng = random.Random(2026)
    day = date(2024, 1, 1)
    number = 0
    serial = 0
    stored: list[StoredEvent] = []
    topics: Counter[str] = Counter()
    trustee = uuid4()

    def keep(member: Member) -> None:
        for domain_event in member.collect_events():
            stored.append(coop.mapper.to_stored_event(domain_event))

    def flush() -> None:
        batch = stored[: total - sum(topics.values())]
        for event in batch:
            topics[event.topic] += 1
        if batch:
            coop.recorder.insert_events(batch)
        stored.clear()

    while sum(topics.values()) < total:
        applied = []
        for _ in range(APPLICATIONS_PER_MEETING):
            serial += 1
            member = Member(details=applicant(serial, rng), applied_on=day)
            keep(member)
            applied.append(member)
            day += timedelta(days=1 if rng.random() < 0.3 else 0)
        decision = Decision(by=trustee, on=day, minute_reference=f"BM-{day:%Y-%m}-{serial}")
        for member in rng.sample(applied, ADMITTED_PER_MEETING):
            number += 1
            member.admit(number, decision)
            keep(member)
        if len(stored) >= INSERT_BATCH:
            flush()
    flush()
    return topics


# Measuring --------------------------------------------------------------------------------


async def _measure(db_url: str, repeats: int, topics: Counter[str]) -> int:
    conn = await asyncpg.connect(db_url)
    reader = await asyncpg.connect(db_url)  # as the worker has: it reads ahead while conn writes
    try:
        # Set hint bits and statistics now, so no timed reader pays for the first visit.
        await conn.execute("VACUUM ANALYZE coop_events")
        head = await conn.fetchval("SELECT max(notification_id) FROM coop_events")
        events = await conn.fetchval("SELECT count(*) FROM coop_events")
        applied = sum(n for t, n in topics.items() if t.endswith(".Applied"))

        raw_rates: list[float] = []
        app_rates: list[float] = []
        raw_cpu, app_cpu = CPU(), CPU()
        for _ in range(repeats):
            raw_rates.append(events / await _timed(conn, _raw_read(conn), raw_cpu, events))
            await _reset(conn)
            app_rates.append(
                events
                / await _timed(
                    conn,
                    catch_up(conn, master_key(BENCH_SECRET), [members], reader=reader),
                    app_cpu,
                    events,
                    also=reader,
                )
            )
            await _check(conn, head, applied)

        rebuild_cpu = CPU()
        rebuilt = await _timed(
            conn, rebuild(conn, members, master_key(BENCH_SECRET)), rebuild_cpu, events
        )
        await _check(conn, head, applied)
    finally:
        await reader.close()
        await conn.close()

    ratio = median(app_rates) / median(raw_rates)
    verdict = "met" if median(app_rates) >= TARGET else "MISSED"
    print(
        f"project catch-up   app {rate(median(app_rates)):>9} {runs(app_rates)}"
        f"  raw {rate(median(raw_rates)):>9} {runs(raw_rates)}  ratio {ratio:.2f}"
        f"  target ≥ {TARGET:,}/s: {verdict}"
    )
    print(f"project rebuild()  app {rate(events / rebuilt):>9} (once: {rebuilt:.1f} s)")
    print(f"  CPU per event: catch-up {app_cpu}; rebuild {rebuild_cpu}; raw read {raw_cpu}")
    print()
    print("  app = log events/s applied to the members table; raw = the same rows read, undecoded")
    print("  CPU per event: this process (client) and its PostgreSQL backend (server)")
    return 0


async def _timed(
    conn: asyncpg.Connection,
    work: Awaitable[Any],
    cpu: CPU,
    events: int,
    also: asyncpg.Connection | None = None,
) -> float:
    """Seconds ``work`` takes; its client and server CPU (both connections') go into ``cpu``."""
    pid = [conn.get_server_pid()] + ([also.get_server_pid()] if also else [])
    server, client = cpu_seconds(pid), time.process_time()
    started = time.perf_counter()
    await work
    took, client = time.perf_counter() - started, time.process_time() - client
    after = cpu_seconds(pid)
    cpu.add(client, None if after is None or server is None else after - server, events)
    return took


async def _raw_read(conn: asyncpg.Connection) -> None:
    """Read the whole log as catch-up reads it, without decoding."""
    position = 0
    while rows := await conn.fetch(_RAW_READ, position, BATCH):
        position = rows[-1]["notification_id"]


async def _reset(conn: asyncpg.Connection) -> None:
    """Back to an empty projection at position 0, as before its first catch-up."""
    await conn.execute("TRUNCATE " + ", ".join(members.tables))
    await conn.execute("UPDATE projection_tracking SET position = 0 WHERE name = $1", members.name)


async def _check(conn: asyncpg.Connection, head: int, applied: int) -> None:
    """A fast wrong answer is no answer: the projection must really be at the head."""
    rows = await conn.fetchval("SELECT count(*) FROM members")
    position = await conn.fetchval(
        "SELECT position FROM projection_tracking WHERE name = $1", members.name
    )
    if rows != applied or position != head:
        raise RuntimeError(
            f"members projection is wrong: {rows} rows (expected {applied}),"
            f" position {position} (expected {head})"
        )
