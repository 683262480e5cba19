"""The app's own scheduler: ballots open and close on time, with nothing to set up outside,
and the members' reinvestment decisions are carried out once counted.

Every web process runs it. Two processes doing the same step at once is safe:
the second finds the ballot already opened (or counted, or enacted) and does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar
from uuid import UUID

import asyncpg

from coop.application import Coop
from coop.clock import Clock
from coop.domain.errors import CoopError
from coop.domain.governance.ballots import Elector
from coop.domain.governance.seats import Trustee
from coop.projections.finance.queries import decisions_due
from coop.projections.governance.ballots import due_ballots

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


async def current_electorate(pool: asyncpg.Pool) -> list[Elector]:
    """Members in good standing now: admitted, not ceased."""
    rows = await pool.fetch(
        "SELECT member_id, member_class FROM members WHERE status = 'admitted' ORDER BY member_id"
    )
    return [Elector(r["member_id"], r["member_class"]) for r in rows]


async def trustees_in_office(pool: asyncpg.Pool) -> list[Trustee]:
    """Trustees in office now, from the register of trustees: an election's reserved
    seats are fixed from them as it opens, as its electorate is from the members."""
    rows = await pool.fetch(
        "SELECT t.member_id, m.member_class, t.appointed_on FROM trustee_terms t"
        " JOIN members m ON m.member_id = t.member_id"
        " WHERE t.office = 'trustee' AND t.left_on IS NULL AND m.status = 'admitted'"
        " ORDER BY t.member_id"
    )
    return [Trustee(r["member_id"], r["member_class"], r["appointed_on"]) for r in rows]


async def tick(s: Scheduling) -> list[tuple[str, UUID]]:
    """Open and close whatever is due now; what was done, for the log and the tests."""
    head = await s.pool.fetchval("SELECT coalesce(max(notification_id), 0) FROM coop_events")
    # The electorate and the due list come from read models: let them catch up first.
    await s.seen(head, "members", "governance")
    done: list[tuple[str, UUID]] = []
    for ballot in await due_ballots(s.pool, s.clock.now()):
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
    return done + await enact_decisions(s, head)


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


async def run_scheduler(s: Scheduling, stop: asyncio.Event) -> None:
    """Tick every second until ``stop`` is set."""
    while not stop.is_set():
        try:
            await tick(s)
        except Exception:  # keep scheduling: one bad ballot must not stop the others
            log.exception("The ballot scheduler failed a tick")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=TICK_SECONDS)
