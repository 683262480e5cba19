"""The scheduler's checkpoints: one a day, one after each decision, made by one process only."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import asyncpg

from coop.application import Coop
from coop.clock import FixedClock
from coop.infra.audit_checkpoints import generate_key, parse_note
from coop.infra.audit_schedule import (
    _DECISIONS_SINCE,
    DECISIONS,
    REGISTER_EXPORTED,
    make_checkpoints_due,
    want_checkpoint,
)
from tests.app.governance.test_ballots import co_op, resolution
from tests.conftest import SECRET


async def test_a_checkpoint_daily_and_after_each_decision_and_no_more(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    key = tmp_path / "coop.key"
    published = tmp_path / "checkpoints"

    async def due() -> str | None:
        made = await make_checkpoints_due(pool, key, SECRET, published, clock.now())
        return None if made is None else made.reason

    electors = co_op(coop)
    assert await due() is None  # no signing key yet: nothing is signed, nothing breaks
    generate_key(key, "example.coop/coop")
    assert await due() == "daily"
    assert await due() is None  # once a day
    ballot = resolution(coop, clock)
    coop.open_ballot(ballot, electors)
    clock.advance(timedelta(hours=1))
    assert await due() is None  # opening a ballot decides nothing
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    made = await make_checkpoints_due(pool, key, SECRET, published, clock.now())
    assert made is not None and made.reason == "ballot counted, daily"
    assert (published / "latest.txt").read_text() == made.note
    clock.advance(timedelta(minutes=5))
    await want_checkpoint(pool, REGISTER_EXPORTED, clock.now())
    assert await due() == "members' register exported"
    assert await due() is None
    clock.advance(timedelta(days=1))
    assert await due() is None  # a new day, but nothing new to vouch for
    notes = [parse_note(n) for (n,) in await pool.fetch("SELECT note FROM audit_checkpoints")]
    assert [n.size for n in notes] == sorted(n.size for n in notes)


async def test_processes_ticking_at_once_make_one_checkpoint(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, tmp_path: Path
) -> None:
    co_op(coop)
    key = tmp_path / "coop.key"
    generate_key(key, "example.coop/coop")
    made = await asyncio.gather(
        *(make_checkpoints_due(pool, key, SECRET, tmp_path, clock.now()) for _ in range(4))
    )
    assert sum(m is not None for m in made) == 1
    assert await pool.fetchval("SELECT count(*) FROM audit_checkpoints") == 1


async def test_the_question_is_it_due_reads_only_the_index_of_decisions(
    coop: Coop, pool: asyncpg.Pool
) -> None:
    co_op(coop)
    assert all(f"'{topic}'" in _DECISIONS_SINCE for topic in DECISIONS)
    async with pool.acquire() as conn:
        await conn.execute("SET enable_seqscan = off")  # as the planner would on a large log
        plan = "\n".join(r[0] for r in await conn.fetch("EXPLAIN " + _DECISIONS_SINCE, 0))
    assert "coop_events_decisions" in plan
