"""A request's key is saved with its command's events, in the same statement: the
threads' group commit and the event loop's (votes) keep each save's own key and first
position, and refuse a save under a key saved already."""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

import asyncpg
import pytest

from coop.application import Coop, Done
from coop.clock import FixedClock
from coop.commands.governance.loop_voting import LoopVoting
from coop.domain.errors import CoopError
from coop.domain.governance.ballots import Mark, vote_id
from coop.infra.request_keys import REQUEST_KEY, RequestDone, RequestKey, outcome
from tests.app.governance.test_loop_voting import _in_thread, _opened
from tests.people import details

NAMES = ("Amira Hassan", "Tom Whitfield", "Priya Raman", "Ewan McAllister", "Grace Okafor")


def apply_with_key(coop: Coop, name: str, key: str = "") -> Done:
    """Apply as a request keyed by the applicant's name (or ``key``) would."""

    def keyed() -> Done:
        REQUEST_KEY.set(RequestKey("", key or f"apply {name}", "fingerprint"))
        return coop.apply_for_membership(details(name))

    return contextvars.copy_context().run(keyed)


async def test_concurrent_keyed_commands_each_keep_their_own_key_and_position(
    coop: Coop, pool: asyncpg.Pool
) -> None:
    with ThreadPoolExecutor(len(NAMES)) as threads:
        done = dict(zip(NAMES, threads.map(lambda n: apply_with_key(coop, n), NAMES), strict=True))
    for name, d in done.items():
        kept = await outcome(pool, "", f"apply {name}")
        assert kept is not None, name
        # The command's first event: the application, whoever's saves shared its group.
        first = await pool.fetchval(
            "SELECT min(notification_id) FROM coop_events WHERE originator_id = $1", d.subject
        )
        assert kept.event_position == first < d.position, name
        assert kept.status is None  # no answer was given: a retry is told "done"
    assert await outcome(pool, "someone else", "apply Amira Hassan") is None


async def test_a_refused_command_keeps_no_key(coop: Coop, pool: asyncpg.Pool) -> None:
    apply_with_key(coop, "Amira Hassan")
    with pytest.raises(CoopError):  # the same e-mail again: refused, nothing saved
        contextvars.copy_context().run(
            lambda: (
                REQUEST_KEY.set(RequestKey("", "again", "fingerprint")),
                coop.apply_for_membership(details("Amira Hassan")),
            )
        )
    assert await outcome(pool, "", "again") is None
    assert await pool.fetchval("SELECT count(*) FROM coop_request_keys") == 1


async def test_a_command_under_a_key_saved_already_saves_nothing(
    coop: Coop, pool: asyncpg.Pool
) -> None:
    # The same request twice at once: the second to reach the log finds the key taken.
    apply_with_key(coop, "Amira Hassan", key="one request")
    with pytest.raises(RequestDone):
        apply_with_key(coop, "Tom Whitfield", key="one request")
    assert await pool.fetchval("SELECT count(*) FROM coop_events") == 2  # Amira's only


async def test_a_vote_under_a_key_saved_already_saves_nothing_and_others_in_its_group_do(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    desk = LoopVoting(coop, pool, _in_thread)
    electors, ballot = _opened(coop, clock)
    amira, tom = electors[0].member_id, electors[1].member_id
    REQUEST_KEY.set(RequestKey(str(amira), "amira's vote", "fingerprint"))
    first = await desk.cast(ballot, amira, Mark(answer="for"), cast_by=amira)
    kept = await outcome(pool, str(amira), "amira's vote")
    assert kept is not None and kept.event_position == first.position

    async def keyed(member: UUID, key: str) -> object:
        REQUEST_KEY.set(RequestKey(str(amira) if member == amira else str(tom), key, "f"))
        return await desk.cast(ballot, member, Mark(answer="against"), cast_by=member)

    # Amira's vote sent again under its key, and Tom's at the same moment (one group).
    again, toms = await asyncio.gather(
        keyed(amira, "amira's vote"), keyed(tom, "tom's vote"), return_exceptions=True
    )
    assert isinstance(again, RequestDone)
    assert not isinstance(toms, BaseException)
    assert (
        await pool.fetchval(
            "SELECT count(*) FROM coop_events WHERE originator_id = $1", vote_id(ballot, amira)
        )
        == 1
    )
