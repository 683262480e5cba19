"""The meetings and advocacy read models: caught up from the log, and the same after a rebuild."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import asyncpg

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import BallotKind
from coop.domain.governance.meetings import MeetingKind
from coop.domain.governance.rules import model_rules
from coop.infra.sealing import master_key
from coop.projections.governance.advocacy import Advocate, advocate_of, advocating_for
from coop.projections.governance.meetings import meeting, meetings_list, resolutions
from coop.projections.runner import by_name, catch_up, rebuild
from tests.conftest import SECRET, TODAY
from tests.people import details

MASTER = master_key(SECRET)
TRUSTEE = uuid4()


def member(coop: Coop, name: str) -> UUID:
    member_id = coop.apply_for_membership(details(name)).subject
    coop.admit(member_id, by=TRUSTEE, minute_reference="BM-1")
    return member_id


def agm(coop: Coop, clock: FixedClock) -> tuple[UUID, UUID, UUID]:
    """An AGM with attendance, minutes and two agenda items decided by ballots (one re-linked)."""
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026 resolution 1")
    starts = clock.now() + timedelta(days=20)
    meeting_id = coop.convene_meeting(
        MeetingKind.AGM,
        title="Annual general meeting 2026",
        starts_at=starts,
        held_on=starts.date(),
        place="Chapeltown Community Centre, Leeds",
        agenda=("Accounts", "PA pay", "Election of trustees"),
        by=TRUSTEE,
    ).subject
    ballots = [
        coop.draft_ballot(
            kind=BallotKind.RESOLUTION,
            title=title,
            question=f"{title}?",
            opens_at=starts,
            closes_at=starts + timedelta(days=7),
            by=TRUSTEE,
        ).subject
        for title in ("Raise PA pay by 50p an hour", "Raise PA pay by 75p an hour")
    ]
    amira, tom = member(coop, "Amira Hassan"), member(coop, "Tom Whitfield")
    coop.record_attendance(meeting_id, (amira,), by=TRUSTEE)
    coop.record_attendance(meeting_id, (amira, tom), by=TRUSTEE)  # the later record replaces it
    coop.minute_meeting(meeting_id, "1. Accounts received.", by=TRUSTEE)
    coop.link_resolution(meeting_id, 2, ballots[0])
    coop.link_resolution(meeting_id, 2, ballots[1])  # linked again: the later ballot decides it
    return meeting_id, ballots[1], amira


async def snapshot(pool: asyncpg.Pool, tables: tuple[str, ...]) -> dict[str, list[tuple]]:
    return {
        t: [tuple(r) for r in await pool.fetch(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables
    }


async def test_a_meeting_reads_with_its_attendance_minutes_and_linked_resolutions(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    meeting_id, ballot_id, amira = agm(coop, clock)
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
    found = await meeting(pool, meeting_id)
    assert found is not None and found.title == "Annual general meeting 2026"
    assert len(found.present) == 2 and amira in found.present
    assert found.minutes == "1. Accounts received."
    linked = await resolutions(pool, meeting_id)
    assert list(linked) == [2]
    assert (linked[2].ballot_id, linked[2].title) == (ballot_id, "Raise PA pay by 75p an hour")
    assert [m.meeting_id for m in await meetings_list(pool)] == [meeting_id]
    assert await meeting(pool, uuid4()) is None


async def test_a_member_sees_her_advocate_since_when_and_the_advocate_sees_whom_he_votes_for(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    amira, tom, priya = (member(coop, n) for n in ("Amira Hassan", "Tom Whitfield", "Priya Raman"))
    priya_account, ewan_account = uuid4(), uuid4()
    coop.name_advocate(amira, priya_account)
    clock.advance(timedelta(days=3))
    coop.name_advocate(tom, priya_account)
    coop.name_advocate(amira, ewan_account)  # Amira changes her mind
    clock.advance(timedelta(days=1))
    coop.name_advocate(priya, ewan_account)
    coop.end_advocacy(priya)  # and Priya withdraws her consent
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
    assert await advocate_of(pool, amira) == Advocate(ewan_account, TODAY + timedelta(days=3))
    assert await advocate_of(pool, tom) == Advocate(priya_account, TODAY + timedelta(days=3))
    assert await advocate_of(pool, priya) is None
    assert [(a.name, a.since) for a in await advocating_for(pool, priya_account)] == [
        ("Tom Whitfield", TODAY + timedelta(days=3))
    ]
    assert [a.name for a in await advocating_for(pool, ewan_account)] == ["Amira Hassan"]
    assert await advocating_for(pool, uuid4()) == []


async def test_rebuilding_the_meetings_and_advocacy_read_models_gives_what_catching_up_gave(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    agm(coop, clock)
    # Enough members naming advocates at once for the batches to group their rows.
    people = [member(coop, f"Member Number{i}") for i in range(40)]
    advocate = uuid4()
    for i, m in enumerate(people):
        coop.name_advocate(m, advocate)
        if i % 3 == 0:
            coop.end_advocacy(m)
        if i % 6 == 0:
            coop.name_advocate(m, uuid4())
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
    for name in ("meetings", "advocacy"):
        tables = by_name(name).tables
        caught_up = await snapshot(pool, tables)
        assert all(caught_up.values()), caught_up
        async with pool.acquire() as conn:
            await conn.execute(f"DELETE FROM {tables[0]}")  # damage, as a buggy handler might
            await rebuild(conn, by_name(name), MASTER)
        assert await snapshot(pool, tables) == caught_up
