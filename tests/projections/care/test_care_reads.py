"""The care read model: a PA's week, a user's visits, the day board, who read the notes."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID

import asyncpg

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.care.matching import rank
from coop.infra.sealing import master_key
from coop.projections.care.matching import open_requests, pa_profiles
from coop.projections.care.queries import (
    Status,
    confirmed_visits_started_before,
    day_board,
    notes_reads,
    pa_week,
    upcoming_visits,
)
from coop.projections.runner import catch_up
from tests.app.care.leeds import MONDAY, TUESDAY, WEDNESDAY, Leeds, at, book, leeds
from tests.conftest import SECRET


async def caught_up(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await catch_up(conn, master_key(SECRET))


def tuesday_in_the_office(coop: Coop, clock: FixedClock, town: Leeds) -> dict[str, UUID]:
    """Tuesday's visits as the day goes: on time, late, missed, unfilled, cancelled, to come."""
    visits = {
        "on time": book(coop, town, "Grace", TUESDAY, 9),
        "late": book(coop, town, "Siobhan", TUESDAY, 10, 30),
        "missed": book(coop, town, "Grace", TUESDAY, 12, pa="Marcus"),
        "unfilled": book(coop, town, "Siobhan", TUESDAY, 14, pa=None),
        "cancelled": book(coop, town, "Grace", TUESDAY, 15),
        "to come": book(coop, town, "Grace", TUESDAY, 16, 15, minutes=45),
    }
    coop.cancel_visit(visits["cancelled"], by=town.account["Grace"])
    clock.set(at(TUESDAY, 9, 5))
    coop.check_in(visits["on time"], by=town.account["Ewan"])
    clock.set(at(TUESDAY, 10, 50))
    coop.check_in(visits["late"], reason="Bus broke down", by=town.account["Ewan"])
    clock.set(at(TUESDAY, 12, 31))
    coop.mark_missed(visits["missed"])
    clock.set(at(TUESDAY, 13))
    return visits


async def test_the_day_board_shows_every_visit_of_the_day_and_how_it_is_going(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    book(coop, town, "Grace", WEDNESDAY, 9)  # another day: not on Tuesday's board
    visits = tuesday_in_the_office(coop, clock, town)
    await caught_up(pool)
    board = await day_board(pool, TUESDAY, clock.now())
    assert [(b.visit_id, b.status) for b in board] == [
        (visits["on time"], Status.ON_TIME),
        (visits["late"], Status.LATE),
        (visits["missed"], Status.MISSED),
        (visits["unfilled"], Status.UNFILLED),
        (visits["cancelled"], Status.CANCELLED),
        (visits["to come"], Status.BOOKED),
    ]
    assert (board[0].user_name, board[0].pa_name) == ("Grace", "Ewan")
    assert board[3].pa_name is None


async def test_a_pas_week_and_a_users_upcoming_visits(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    first = book(coop, town, "Grace", TUESDAY, 9)
    second = book(coop, town, "Siobhan", WEDNESDAY, 11)
    next_week = book(coop, town, "Grace", MONDAY + timedelta(days=7), 9)
    open_one = book(coop, town, "Grace", WEDNESDAY, 14, pa=None)
    await caught_up(pool)
    week = await pa_week(pool, town.member["Ewan"], MONDAY)
    assert [v.visit_id for v in week] == [first, second]
    assert week[0].postcode == "LS9 6JN" and week[0].access == "Key safe: 4271"
    coming = await upcoming_visits(pool, town.member["Grace"], clock.now())
    assert [(v.visit_id, v.pa_name) for v in coming] == [
        (first, "Ewan"),
        (open_one, None),
        (next_week, "Ewan"),
    ]
    clock.set(at(TUESDAY, 9, 30))  # under way still counts as upcoming; ended does not
    under_way = await upcoming_visits(pool, town.member["Grace"], clock.now())
    assert under_way[0].visit_id == first


async def test_the_scheduler_finds_the_confirmed_visits_nobody_checked_in_to(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    visits = tuesday_in_the_office(coop, clock, town)
    await caught_up(pool)
    due = await confirmed_visits_started_before(pool, at(TUESDAY, 16, 30))
    assert [d.visit_id for d in due] == [visits["to come"]]  # the others are settled


async def test_an_open_request_lists_its_pas_best_first_from_the_read_model(
    coop: Coop, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    book(coop, town, "Grace", TUESDAY, 9, pa="Marcus")  # Marcus knows Grace now
    wanted = book(coop, town, "Grace", WEDNESDAY, 10, pa=None)
    book(coop, town, "Siobhan", WEDNESDAY, 10, 30, pa="Ewan")  # Ewan is busy then
    await caught_up(pool)
    start, end = at(MONDAY, 0), at(MONDAY + timedelta(days=7), 0)
    (request,) = await open_requests(pool, start, end)
    assert request.visit_id == wanted and request.known == {town.member["Marcus"]: 1}
    ranking = rank(request, await pa_profiles(pool, request.interval), buffer_minutes=15)
    assert [c.name for c in ranking.candidates] == ["Marcus"]
    assert "Knows Grace: 1 visit before" in ranking.candidates[0].reasons
    assert {x.name: x.reason for x in ranking.excluded} == {
        "Aisha": "Aisha is not trained for personal care, which this visit needs.",
        "Ewan": "Ewan already has a visit from 10:30 to 11:30.",
    }


async def test_the_user_sees_who_read_their_notes_and_when(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    visit = book(coop, town, "Grace", TUESDAY, 9)
    clock.set(at(TUESDAY, 9, 5))
    coop.check_in(visit, by=town.account["Ewan"])
    coop.write_visit_note(visit, "All well; lunch prepared.", by=town.account["Ewan"])
    coop.read_visit_notes(visit, by=town.account["Grace"])  # her own: not recorded
    clock.set(at(TUESDAY, 11))
    coop.read_visit_notes(visit, by=town.joy)
    clock.set(at(TUESDAY, 18, 30))
    coop.read_visit_notes(visit, by=town.account["Priya"])
    await caught_up(pool)
    reads = await notes_reads(pool, town.member["Grace"])
    assert [(r.reader_name, r.role, r.read_at, r.visit_id) for r in reads] == [
        ("Priya", "carer", at(TUESDAY, 18, 30), visit),
        ("Joy Adeyemi", "coordinator", at(TUESDAY, 11), visit),
    ]
    assert reads[0].visit_starts_at == datetime.combine(
        TUESDAY, time(9), tzinfo=at(TUESDAY, 9).tzinfo
    )
    assert await notes_reads(pool, town.member["Siobhan"]) == []
