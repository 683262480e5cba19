"""``coop bench record``: the governance record of a co-op with many decisions.

Admits ``--rows`` members (each admission a decision in the record), then times
building the record from the log against the members' projection over the same
log, reading the whole record, and one kind of decision, against a bare fetch of
the same rows (the floor any read of the table pays), and one decision's proof of
inclusion in a signed checkpoint of the whole log.

The checkpoints table gets a year of daily rows whose notes are placeholders: the
record reads only their sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench.common import median, print_header, scratch_database
from bench.people import applicant
from coop.application import Coop
from coop.domain.governance.rules import model_rules
from coop.infra.audit_checkpoints import generate_key, make_checkpoint
from coop.infra.audit_seals import seal_key
from coop.infra.db import eventsourcing_env
from coop.infra.sealing import master_key
from coop.projections.reports.queries import decisions, proof_of_inclusion
from coop.projections.reports.record import record
from coop.projections.runner import by_name, rebuild

BENCH_SECRET = "coop bench secret"  # noqa: S105  (a throw-away scratch database)


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    print_header("record", url)
    with scratch_database(url, "record") as db_url:
        coop = Coop(eventsourcing_env(db_url, pool_size=2), secret_key=BENCH_SECRET)
        try:
            started = time.perf_counter()
            _admissions(coop, args.rows)
            took = time.perf_counter() - started
        finally:
            coop.close()
        print(f"  log: {args.rows:,} members admitted, written in {took:.1f} s")
        print(f"  {args.repeats} repeats\n")
        return asyncio.run(_measure(db_url, args.repeats))


def _admissions(coop: Coop, rows: int) -> None:
    rng = random.Random(2026)
    trustee = coop.open_account(
        name="Grace Okafor",
        email="grace@example.org",
        password_hash="x",  # noqa: S106  (never signs in)
        roles=(),
    ).subject
    coop.adopt_rules(model_rules(), by=trustee, reference="AGM 2026 resolution 1")
    for n in range(rows):
        member = coop.apply_for_membership(applicant(n, rng)).subject
        coop.admit(member, by=trustee, minute_reference=f"BM-{n // 50 + 1}")


async def _proofs(conn: asyncpg.Connection, pool: asyncpg.Pool, repeats: int) -> None:
    """A signed checkpoint of the whole log, then one decision's proof of inclusion in it."""
    with tempfile.TemporaryDirectory() as keys:
        signer = generate_key(Path(keys) / "signing_key", "bench.local/coop")
        started = time.perf_counter()
        made = await make_checkpoint(
            conn, signer, seal_key(BENCH_SECRET), "bench", datetime.now(UTC)
        )
        took = time.perf_counter() - started
    number = await conn.fetchval("SELECT max(id) FROM audit_checkpoints")
    last = await conn.fetchval("SELECT max(decided_position) FROM record_decisions")
    proved = await _timed(lambda: proof_of_inclusion(pool, last, number), repeats)
    print(f"\n  a signed checkpoint of {made.size:,} links: made in {took:.2f} s")
    print(f"    the last decision's proof of inclusion in it {proved * 1000:8.1f} ms")


async def _timed(call: Callable[[], Awaitable[object]], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    return median(times)


async def _measure(db_url: str, repeats: int) -> int:
    master = master_key(BENCH_SECRET)
    conn = await asyncpg.connect(db_url)
    pool = await asyncpg.create_pool(db_url, min_size=1, max_size=2)
    try:
        size = await conn.fetchval("SELECT count(*) FROM audit_chain")
        await conn.execute(
            "INSERT INTO audit_checkpoints (size, made_at, reason, note)"
            " SELECT $1::bigint * d / 365, now(), 'daily', 'placeholder'"
            " FROM generate_series(1, 365) d",
            size,
        )
        events = await conn.fetchval("SELECT max(notification_id) FROM coop_events")
        members = by_name("members")
        base = await _timed(lambda: rebuild(conn, members, master), repeats)
        built = await _timed(lambda: rebuild(conn, record, master), repeats)
        print(f"  build from the log ({events:,} events), median of {repeats}:")
        print(f"    members' projection (baseline) {base:6.2f} s  {events / base:10,.0f} events/s")
        print(
            f"    the governance record          {built:6.2f} s  {events / built:10,.0f} events/s"
            f"  ({built / base:.2f}x the baseline)"
        )
        floor = await _timed(lambda: pool.fetch("SELECT * FROM record_decisions"), repeats)
        whole = await _timed(lambda: decisions(pool), repeats)
        kind = await _timed(lambda: decisions(pool, kind="rule change"), repeats)
        shown = len(await decisions(pool))
        print(f"\n  reading {shown:,} decisions, 365 checkpoints, median of {repeats}:")
        print(f"    bare fetch of the rows (baseline) {floor * 1000:8.1f} ms")
        print(
            f"    the whole record                  {whole * 1000:8.1f} ms"
            f"  ({whole / floor:.2f}x the baseline)"
        )
        print(f"    one kind (the rule changes)       {kind * 1000:8.1f} ms")
        await _proofs(conn, pool, repeats)
    finally:
        await pool.close()
        await conn.close()
    return 0
