"""``coop bench audit``: the audit commands on a log of ``--events`` events (2,000,000).

The log: a few hundred genuine events written through the app (applications and
admissions, so sealed by the real recorder), then bulk-loaded copies of their
stored rows under fresh ids: the bytes our codec wrote, each with its link and
seal computed exactly as the chain trigger and the recorder compute them, loaded
with ``COPY`` (50,000 rows at a time) with the triggers off for the loading session
only. The audit
hashes the stored bytes and never decodes them, so the copies are as good as
real events for it; `coop audit verify` must find every one genuine (and
``verify --checkpoint`` the log extending the checkpoint), or the benchmark says
FAILED and exits 1.

Then, each a median of ``--repeats``, in seconds of wall-clock and of CPU (this
process and its PostgreSQL backend: on a shared machine the CPU figures move less):

* the baseline: reading the rows verify reads (event, link, seal) raw with asyncpg
  through a server-side cursor, and that read plus one SHA-256 of each payload;
* ``coop audit verify`` of the whole log (target: 30 s);
* ``coop audit verify --checkpoint`` against the checkpoint made when the log was
  half written;
* an inclusion check: ``coop audit prove`` of an event in that checkpoint, and
  ``coop audit check-inclusion`` of the proof (target: 100 ms), beside a proof made
  from every link the checkpoint covers;
* ``coop audit checkpoint``: of the whole log going on from the middle one, of the
  whole log verified from scratch (``--full``), and after each of ``--repeats``
  days of 1,000 more events.

Each step is timed through the functions the commands call, in this process (a
new Python process costs about half a second of imports before any of them).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import random
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from bench.common import cpu_seconds, median, print_header, scratch_database
from bench.people import applicant
from coop.application import Coop
from coop.domain.governance.rules import model_rules
from coop.infra.audit_chain import SELECT, ChainedEvent, events_in, link, verify_database
from coop.infra.audit_checkpoints import (
    Checkpoint,
    Signer,
    check_inclusion,
    divergence,
    generate_key,
    make_checkpoint,
    proof_from_links,
    prove_inclusion,
    verify_against,
)
from coop.infra.audit_seals import seal, seal_key
from coop.infra.db import eventsourcing_env

BENCH_SECRET = "coop bench secret"  # noqa: S105  (a throw-away scratch database)
EVENTS = 2_000_000
SAMPLE_MEMBERS = 100  # admitted through the app: the genuine events the copies repeat
CHUNK = 50_000  # rows per COPY
DAY = 1_000  # events between daily checkpoints, for the incremental ones
VERIFY_TARGET, INCLUSION_TARGET = 30.0, 0.1  # seconds, from issue 17


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    events = args.events or EVENTS
    print_header("audit", url)
    with scratch_database(url, "audit") as db_url, tempfile.TemporaryDirectory() as keys:
        signer = generate_key(Path(keys) / "signing_key", "bench.local/coop")
        return asyncio.run(_run(db_url, signer, events, args.repeats))


async def _run(db_url: str, signer: Signer, events: int, repeats: int) -> int:
    started = time.perf_counter()
    await asyncio.to_thread(_genuine_sample, db_url)
    conn = await asyncpg.connect(db_url)
    try:
        copies = await Copies.after_sample(conn)
        await copies.append_upto(conn, events // 2)
        print(f"  log: {events // 2:,} events written in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        middle = await _checkpoint(conn, signer, "middle")
        took = time.perf_counter() - started
        print(f"  the first checkpoint, of {middle.size:,} events (all verified): {took:.1f} s")
        started = time.perf_counter()
        await copies.append_upto(conn, events)
        print(
            f"  log: {events:,} events, the rest written in {time.perf_counter() - started:.1f} s"
        )
        print(f"  {repeats} repeats: medians, the runs in brackets\n", flush=True)
        return await _measure(conn, signer, copies, middle, repeats)
    finally:
        await conn.close()


@dataclass(frozen=True)
class Run:
    """One timed call: wall-clock seconds, CPU seconds of this process and of its
    PostgreSQL backend (None if not local), and what the call returned."""

    seconds: float
    client: float
    server: float | None
    result: Any = None

    @property
    def cpu(self) -> float | None:
        return None if self.server is None else self.client + self.server


class Timer:
    """Runs calls on ``conn``, timing each; the baseline for the ratios once measured."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.pid = conn.get_server_pid()
        self.base: list[Run] = []

    async def runs(self, call: Callable[[], Awaitable[object]], repeats: int) -> list[Run]:
        done = []
        for _ in range(repeats):
            client, server = time.process_time(), cpu_seconds([self.pid])
            started = time.perf_counter()
            result = await call()
            took = time.perf_counter() - started
            after = cpu_seconds([self.pid])
            used = None if server is None or after is None else after - server
            done.append(Run(took, time.process_time() - client, used, result))
        return done

    def line(self, what: str, done: list[Run], target: float | None = None) -> None:
        """Seconds: the median, the runs, the ratio to the baseline, wall-clock and CPU."""
        took, cpu = _median_of(done)
        base, base_cpu = _median_of(self.base)
        ratio = f"{took / base:5.2f}x"
        if cpu is not None and base_cpu:
            ratio += f"  CPU {cpu:6.2f} s {cpu / base_cpu:5.2f}x"
        print(f"    {what:<50} {took:7.2f} s {_each(done, 1)}  {ratio}{_goal(took, target)}")

    def ms(self, what: str, done: list[Run], target: float | None = None) -> None:
        took, cpu = _median_of(done)
        used = "" if cpu is None else f"  CPU {cpu * 1000:6.1f} ms"
        print(
            f"    {what:<50} {took * 1000:7.1f} ms {_each(done, 1000)}{used}{_goal(took, target)}"
        )


def _median_of(done: list[Run]) -> tuple[float, float | None]:
    cpus = [r.cpu for r in done]
    return (
        median([r.seconds for r in done]),
        None if None in cpus else median([c for c in cpus if c is not None]),
    )


def _each(done: list[Run], scale: float) -> str:
    """The runs behind a median, in brackets."""
    return "[" + " ".join(f"{r.seconds * scale:.2f}" for r in done) + "]"


def _goal(took: float, target: float | None) -> str:
    if target is None:
        return ""
    shown = f"{target:.0f} s" if target >= 1 else f"{target * 1000:.0f} ms"
    return f"  target <= {shown}: {'met' if took <= target else 'NOT MET'}"


async def _measure(
    conn: asyncpg.Connection, signer: Signer, copies: Copies, middle: Checkpoint, repeats: int
) -> int:
    key = seal_key(BENCH_SECRET)
    size = copies.position
    timer = Timer(conn)
    timer.base = await timer.runs(lambda: _raw_read(conn, hash_states=False), repeats)
    hashed = await timer.runs(lambda: _raw_read(conn, hash_states=True), repeats)
    print(f"  the baseline, over the {size:,} events (ratios are to its first line):")
    timer.line("reading the rows verify reads (asyncpg, cursor)", timer.base)
    timer.line("  and a SHA-256 of each payload in Python", hashed)

    verdicts = await timer.runs(lambda: verify_database(conn, key), repeats)
    failed = _not_intact([r.result for r in verdicts], size)
    print("\n  coop audit verify (chain and seals, recomputed from scratch):")
    timer.line("the whole log", verdicts, VERIFY_TARGET)

    compared = await timer.runs(lambda: verify_against(conn, key, middle), repeats)
    failed = failed or _not_intact([r.result[0].finish() for r in compared], size)
    if any(divergence(middle, r.result[0]) or r.result[1] for r in compared):
        failed = failed or "the log does not extend the middle checkpoint"
    print(f"\n  coop audit verify --checkpoint (a checkpoint of the first {middle.size:,}):")
    timer.line("the whole log, and the tree up to the checkpoint", compared)

    await _inclusion(conn, timer, middle, repeats)
    await _checkpoints(conn, timer, signer, copies, repeats)
    if failed:
        print(f"\n  FAILED: {failed}")
        return 1
    return 0


async def _inclusion(
    conn: asyncpg.Connection, timer: Timer, middle: Checkpoint, repeats: int
) -> None:
    """An entry proved in the middle checkpoint, and the proof checked."""
    event = middle.last // 2
    proofs = await timer.runs(lambda: prove_inclusion(conn, event, middle), repeats)
    checks = await timer.runs(lambda: _check(proofs[0].result, middle), repeats)
    both = [
        Run(p.seconds + c.seconds, p.client + c.client, p.server)
        for p, c in zip(proofs, checks, strict=True)
    ]
    links = await timer.runs(lambda: _proof_from_every_link(conn, event, middle), 1)
    print(f"\n  inclusion of event {event:,} in the checkpoint of {middle.size:,} events:")
    timer.ms("coop audit prove (from the stored subtrees)", proofs)
    timer.ms("coop audit check-inclusion", checks)
    timer.ms("both", both, INCLUSION_TARGET)
    timer.ms("prove from every link instead (no stored subtrees)", links)


async def _checkpoints(
    conn: asyncpg.Connection, timer: Timer, signer: Signer, copies: Copies, repeats: int
) -> None:
    """Checkpoints as coop makes them: after half the log, after a day's events, and
    from scratch."""
    size = copies.position
    since_middle = await timer.runs(lambda: _checkpoint(conn, signer, "the rest"), 1)
    full = await timer.runs(lambda: _checkpoint(conn, signer, "full", full=True), 1)
    daily = []
    for _ in range(repeats):
        await copies.append_upto(conn, copies.position + DAY)
        daily += await timer.runs(lambda: _checkpoint(conn, signer, "daily"), 1)
    print("\n  coop audit checkpoint (signed and recorded; verifies what it covers):")
    timer.line(f"the whole log, {size - size // 2:,} events since the last", since_middle)
    timer.line(f"the whole log, all {size:,} verified (--full)", full)
    timer.ms(f"{DAY:,} events since the last (a day's)", daily)


async def _checkpoint(
    conn: asyncpg.Connection, signer: Signer, reason: str, *, full: bool = False
) -> Checkpoint:
    return await make_checkpoint(
        conn, signer, seal_key(BENCH_SECRET), reason, datetime.now(UTC), full=full
    )


async def _raw_read(conn: asyncpg.Connection, *, hash_states: bool) -> int:
    """The rows `verify` reads, through a server-side cursor, and nothing else done."""
    count = 0
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        cursor = await conn.cursor(SELECT, 0)
        while rows := await cursor.fetch(20_000):
            count += len(rows)
            if hash_states:
                for row in rows:
                    hashlib.sha256(row[4]).digest()
    return count


async def _check(proof: str, checkpoint: Checkpoint) -> None:
    check_inclusion(proof, checkpoint)


async def _proof_from_every_link(conn: asyncpg.Connection, event: int, middle: Checkpoint) -> str:
    """What a proof costs without the stored subtrees: every link the checkpoint covers."""
    rows = await conn.fetch(
        "SELECT notification_id, link FROM audit_chain ORDER BY notification_id LIMIT $1",
        middle.size,
    )
    index = next(i for i, r in enumerate(rows) if r["notification_id"] == event)
    found = await anext(events_in(conn, batch=1, after=event - 1))
    return proof_from_links(found, index, [bytes(r["link"]) for r in rows], middle.size)


def _not_intact(verdicts: list[Any], size: int) -> str:
    for verdict in verdicts:
        if not verdict.ok or verdict.count != size or not verdict.sealed:
            return f"the log does not verify as genuine: {verdict}"
    return ""


def _genuine_sample(db_url: str) -> None:
    """Members applying and being admitted, through the app: sealed by the real recorder."""
    coop = Coop(eventsourcing_env(db_url, pool_size=2), secret_key=BENCH_SECRET)
    try:
        rng = random.Random(2026)
        trustee = coop.open_account(
            name="Grace Okafor",
            email="grace@example.org",
            password_hash="x",  # noqa: S106  (never signs in)
            roles=(),
        ).subject
        coop.adopt_rules(model_rules(), by=trustee, reference="AGM 2026 resolution 1")
        for n in range(SAMPLE_MEMBERS):
            member = coop.apply_for_membership(applicant(n, rng)).subject
            coop.admit(member, by=trustee, minute_reference=f"BM-{n // 50 + 1}")
    finally:
        coop.close()


class Copies:
    """Copies of the genuine sample's stored rows under fresh ids, each chained and sealed
    as the chain trigger and the recorder would, appended a ``COPY`` at a time."""

    def __init__(self, sample: list[asyncpg.Record], position: int, head: bytes) -> None:
        self.sample, self.position, self.head = sample, position, head
        self.key = seal_key(BENCH_SECRET)
        self.rng = random.Random(17)

    @classmethod
    async def after_sample(cls, conn: asyncpg.Connection) -> Copies:
        sample = await conn.fetch(
            "SELECT originator_id, originator_version, topic, state FROM coop_events"
            " ORDER BY notification_id"
        )
        head = await conn.fetchrow(
            "SELECT notification_id, link FROM audit_chain ORDER BY notification_id DESC LIMIT 1"
        )
        return cls(sample, head["notification_id"], bytes(head["link"]))

    def _passes(self) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]]:
        """Rows for coop_events, audit_chain and audit_seals, one pass of the sample at a time."""
        while True:
            ids: dict[UUID, UUID] = {}
            for template in self.sample:
                original = template["originator_id"]
                if original not in ids:
                    ids[original] = UUID(int=self.rng.getrandbits(128), version=4)
                self.position += 1
                event = ChainedEvent(
                    self.position,
                    ids[original],
                    template["originator_version"],
                    template["topic"],
                    template["state"],
                    None,
                    self.position - 1,
                )
                self.head = link(self.head, event)
                yield (
                    (*event[1:5], self.position),
                    (self.position, self.position - 1, self.head),
                    (self.position, "event", seal(self.key, self.position, self.head)),
                )

    async def append_upto(self, conn: asyncpg.Connection, size: int) -> None:
        """Append copies until the log has ``size`` events (ids without gaps)."""
        rows = self._passes()
        async with conn.transaction():
            # The chain and seals are written here: the loading session skips the triggers.
            await conn.execute("SET LOCAL session_replication_role = replica")
            while self.position < size:
                chunk = list(itertools.islice(rows, min(CHUNK, size - self.position)))
                for table, columns, records in zip(
                    _TABLES, _COLUMNS, zip(*chunk, strict=True), strict=True
                ):
                    await conn.copy_records_to_table(table, records=records, columns=columns)
            await conn.execute(
                "SELECT setval(pg_get_serial_sequence('coop_events', 'notification_id'), $1)",
                self.position,
            )
        await conn.execute("ANALYZE coop_events, audit_chain, audit_seals")


_TABLES = ("coop_events", "audit_chain", "audit_seals")
_COLUMNS = (
    ("originator_id", "originator_version", "topic", "state", "notification_id"),
    ("notification_id", "previous_id", "link"),
    ("notification_id", "kind", "seal"),
)
