"""``coop bench audit``: the audit commands on a log of ``--events`` events (2,000,000).

The log: a few hundred genuine events written through the app (applications and
admissions, so sealed by the real recorder), then bulk-loaded copies of their
stored rows under fresh ids: the bytes our codec wrote, each with its link and
seal computed exactly as the chain trigger and the recorder compute them, in one
``COPY`` per table with the triggers off for the loading session only. The audit
hashes the stored bytes and never decodes them, so the copies are as good as
real events for it; `coop audit verify` must find every one genuine, and the
benchmark stops if it does not.

Then, each a median of ``--repeats``:

* the baseline: reading the rows verify reads (event, link, seal) raw with asyncpg
  through a server-side cursor, and that read plus one SHA-256 of each payload;
* ``coop audit checkpoint`` (a signed checkpoint of the whole log): the first one,
  which surveys the whole log, and the next ones, after some more events;
* ``coop audit verify`` of the whole log;
* ``coop audit verify --checkpoint`` against a checkpoint from the middle of the log;
* an inclusion check: ``coop audit prove`` of an event in that checkpoint, and
  ``coop audit check-inclusion`` of the proof.

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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar, overload
from uuid import UUID

import asyncpg

from bench.common import median, print_header, scratch_database
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

T = TypeVar("T")


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
        middle, took = await _once(lambda: _checkpoint(conn, signer, "middle"))
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


async def _measure(
    conn: asyncpg.Connection, signer: Signer, copies: Copies, middle: Checkpoint, repeats: int
) -> int:
    key = seal_key(BENCH_SECRET)
    size = copies.position
    read = await _timed(lambda: _raw_read(conn, hash_states=False), repeats)
    hashed = await _timed(lambda: _raw_read(conn, hash_states=True), repeats)
    base = median(read)
    print(f"  the baseline, over the {size:,} events:")
    _line("reading the rows verify reads (asyncpg, cursor)", read, base)
    _line("  and a SHA-256 of each payload in Python", hashed, base)

    verdicts = await _timed(lambda: verify_database(conn, key), repeats, keep=True)
    failed = _not_intact([v for _, v in verdicts], size)
    print("\n  coop audit verify (chain and seals, recomputed from scratch):")
    _line("the whole log", verdicts, base, VERIFY_TARGET)

    compared = await _timed(lambda: verify_against(conn, key, middle), repeats, keep=True)
    failed = failed or _not_intact([v[0].finish() for _, v in compared], size)
    if any(divergence(middle, survey) or altered for _, (survey, altered) in compared):
        failed = "the log does not extend the middle checkpoint"
    print(f"\n  coop audit verify --checkpoint (of the first {middle.size:,} events):")
    _line("the whole log, and the tree up to the checkpoint", compared, base)

    await _inclusion(conn, middle, repeats)
    await _checkpoints(conn, signer, copies, repeats, base)
    if failed:
        print(f"\n  FAILED: {failed}")
        return 1
    return 0


async def _inclusion(conn: asyncpg.Connection, middle: Checkpoint, repeats: int) -> None:
    """A decision's entry proved in the middle checkpoint, and the proof checked."""
    event = middle.last // 2
    proofs = await _timed(lambda: prove_inclusion(conn, event, middle), repeats, keep=True)
    proof = proofs[0][1]
    checks = await _timed(lambda: _check(proof, middle), repeats)
    links = await _timed(lambda: _proof_from_every_link(conn, event, middle), 1)
    both = [p[0] + c for p, c in zip(proofs, checks, strict=True)]
    print(f"\n  inclusion of event {event:,} in the checkpoint of {middle.size:,} events:")
    _ms("coop audit prove (from the stored subtrees)", [p[0] for p in proofs])
    _ms("coop audit check-inclusion", checks)
    _ms("both", both, INCLUSION_TARGET)
    _ms("prove from every link (no stored subtrees), once", links)


async def _checkpoints(
    conn: asyncpg.Connection, signer: Signer, copies: Copies, repeats: int, base: float
) -> None:
    """Checkpoints as coop makes them: after half the log, after a day, from scratch."""
    size = copies.position
    since_middle = await _timed(lambda: _checkpoint(conn, signer, "the rest"), 1)
    full = await _timed(lambda: _checkpoint(conn, signer, "full", full=True), 1)
    daily = []
    for _ in range(repeats):
        await copies.append_upto(conn, copies.position + DAY)
        daily += await _timed(lambda: _checkpoint(conn, signer, "daily"), 1)
    print("\n  coop audit checkpoint (signed, recorded; verifies what it covers):")
    _line(f"the whole log, {size - size // 2:,} events since the last", since_middle, base)
    _line(f"the whole log, all {size:,} verified (--full), once", full, base)
    _ms(f"{DAY:,} events since the last (a day's)", daily)


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


async def _once(call: Callable[[], Awaitable[T]]) -> tuple[T, float]:
    started = time.perf_counter()
    result = await call()
    return result, time.perf_counter() - started


@overload
async def _timed(call: Callable[[], Awaitable[T]], repeats: int) -> list[float]: ...
@overload
async def _timed(
    call: Callable[[], Awaitable[T]], repeats: int, keep: Literal[True]
) -> list[tuple[float, T]]: ...
async def _timed(call: Callable[[], Awaitable[T]], repeats: int, keep: bool = False) -> Any:
    """Seconds per run (with each run's result, given ``keep``)."""
    results = [await _once(call) for _ in range(repeats)]
    return [(took, result) for result, took in results] if keep else [t for _, t in results]


def _each(seconds: list[float], scale: float) -> str:
    """The runs behind a median, in brackets."""
    return "[" + " ".join(f"{s * scale:.2f}" for s in seconds) + "]"


def _seconds(runs_: list[Any]) -> list[float]:
    return [r[0] if isinstance(r, tuple) else r for r in runs_]


def _line(what: str, timed: list[Any], base: float, target: float | None = None) -> None:
    seconds = _seconds(timed)
    took = median(seconds)
    goal = (
        ""
        if target is None
        else f"  target <= {target:.0f} s: {'met' if took <= target else 'NOT met'}"
    )
    print(
        f"    {what:<52} {took:7.2f} s  {_each(seconds, 1)}  {took / base:5.2f}x the baseline{goal}",
        flush=True,
    )


def _ms(what: str, timed: list[Any], target: float | None = None) -> None:
    seconds = _seconds(timed)
    took = median(seconds)
    goal = (
        ""
        if target is None
        else f"  target <= {target * 1000:.0f} ms: {'met' if took <= target else 'NOT met'}"
    )
    shown = _each(seconds, 1000)
    print(f"    {what:<52} {took * 1000:7.1f} ms {shown}{goal}", flush=True)


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
