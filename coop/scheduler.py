"""The app's own scheduler: ballots open and close on time, visits nobody checked in to
are marked missed, and the members' reinvestment decisions are carried out once counted,
with nothing to set up outside.

Every web process runs it. Two processes doing the same step at once is safe:
the second finds the ballot already opened (or counted, or enacted), or the visit
already missed, and does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar
from uuid import UUID

import asyncpg

from coop.application import Coop
from coop.clock import Clock
from coop.domain.errors import CoopError
from coop.domain.governance.rules import RulesNotAdopted
from coop.infra.audit_schedule import make_checkpoints_due
from coop.projections.batches import log_head
from coop.projections.care.queries import confirmed_visits_started_before
from coop.projections.finance.queries import decisions_due
from coop.projections.governance.queries import ballots_due_to_open_or_close
from coop.projections.membership.queries import current_electorate, trustees_in_office

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
T = TypeVar("T")


class Scheduling(Protocol):
    """What the scheduler needs: the commands, the read pool, the clock, a way to run a
    command in a thread, and a wait for the read models (the web's ``Services`` has them)."""

    @property
    def coop(self) -> Coop: ...

    @property
    def pool(self) -> asyncpg.Pool: ...

    @property
    def clock(self) -> Clock: ...

    async def run(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a command off the event loop."""

    async def seen(self, position: int, *projections: str) -> None:
        """Wait until the named projections have applied ``position``."""


async def tick(s: Scheduling) -> list[tuple[str, UUID]]:
    """Open and close whatever is due now; what was done, for the log and the tests."""
    async with s.pool.acquire() as conn:
        head = await log_head(conn)
    # The electorate and the due list come from read models: let them catch up first.
    await s.seen(head, "members", "governance", "care")
    done: list[tuple[str, UUID]] = []
    for ballot in await ballots_due_to_open_or_close(s.pool, s.clock.now()):
        try:
            if ballot.state == "drafted":
                electorate = await current_electorate(s.pool)
                trustees = await trustees_in_office(s.pool)
                await s.run(s.coop.open_ballot, ballot.ballot_id, electorate, trustees)
                done.append(("opened", ballot.ballot_id))
            else:
                await s.run(s.coop.close_ballot, ballot.ballot_id)
                done.append(("counted", ballot.ballot_id))
        except CoopError as e:  # another process got there first
            log.info("Ballot %s: %s", ballot.ballot_id, e)
    return done + await mark_missed_visits(s) + await enact_decisions(s, head)


async def mark_missed_visits(s: Scheduling) -> list[tuple[str, UUID]]:
    """Mark missed every confirmed visit with no check-in the rules' minutes after its start.

    The read model says which visits may be due; each visit itself decides (a
    check-in that has just arrived wins), so a visit is marked once however
    many processes tick.
    """
    try:
        minutes = await s.run(s.coop.missed_after_minutes)
    except RulesNotAdopted:
        return []
    due = await confirmed_visits_started_before(s.pool, s.clock.now() - timedelta(minutes=minutes))
    done: list[tuple[str, UUID]] = []
    for visit in due:
        try:
            if await s.run(s.coop.mark_missed, visit.visit_id) is not None:
                done.append(("missed", visit.visit_id))
        except CoopError as e:  # one visit's trouble must not hold up the others
            log.warning("Visit %s: %s", visit.visit_id, e)
    return done


async def enact_decisions(s: Scheduling, head: int) -> list[tuple[str, UUID]]:
    """Carry out each reinvestment decision counted on a declared surplus, once.

    Due ones come from the finance read model (counted, not yet enacted); a ballot
    counted in this tick is due by the next. The command itself refuses a second go.
    """
    await s.seen(head, "finance")
    done: list[tuple[str, UUID]] = []
    for ballot_id in await decisions_due(s.pool):
        try:
            await s.run(s.coop.enact_reinvestment, ballot_id)
            done.append(("enacted", ballot_id))
        except CoopError as e:  # already enacted elsewhere, or refused: say so and go on
            log.info("Reinvestment %s: %s", ballot_id, e)
    return done


async def checkpoint_when_due(s: Scheduling) -> None:
    """A signed checkpoint daily and after each decision (coop/infra/audit_schedule.py)."""
    settings = getattr(s, "settings", None)  # the web's and the worker's Services have them
    if settings is not None:
        await make_checkpoints_due(
            s.pool,
            settings.audit_key_path,
            settings.secret_key,
            settings.checkpoints_dir,
            s.clock.now(),
        )


async def run_scheduler(s: Scheduling, stop: asyncio.Event) -> None:
    """Tick every second until ``stop`` is set."""
    while not stop.is_set():
        try:
            await tick(s)
        except Exception:  # keep scheduling: one bad ballot must not stop the others
            log.exception("The scheduler failed a tick")
        try:
            await checkpoint_when_due(s)
        except Exception:
            log.exception("The scheduler failed to make a checkpoint")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=TICK_SECONDS)
