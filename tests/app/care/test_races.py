"""The clash rules hold under real concurrent commands (threads on the real database).

Each race starts its commands together at a barrier, round after round on
fresh days; whatever the interleaving, exactly one wins and the other is
refused with the real reason, found when its lost save is retried.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time, timedelta
from functools import partial
from uuid import UUID

from coop.application import Coop
from coop.domain.accounts import Role
from coop.domain.care.availability import WeeklyPattern, Window, is_available
from coop.domain.care.diaries import PaDiary, pa_diary_id
from coop.domain.care.errors import PaDoubleBooked, PaUnavailable, UserDoubleBooked
from coop.domain.care.rota import Booked, pa_clash, user_clash
from coop.domain.care.times import Interval
from coop.domain.errors import CoopError

from .leeds import MONDAY, TUESDAY, Leeds, held, leeds, weekdays

ROUNDS = 4
DAYS = [TUESDAY + timedelta(days=n) for n in range(ROUNDS)]


def race(*commands: Callable[[], object]) -> list[object]:
    """Run the commands at once; each one's result, or the CoopError it was refused with."""
    start = threading.Barrier(len(commands))

    def run(command: Callable[[], object]) -> object:
        start.wait()
        try:
            return command()
        except CoopError as refused:
            return refused

    with ThreadPoolExecutor(len(commands)) as pool:
        return list(pool.map(run, commands))


def refusals(results: list[object]) -> list[CoopError]:
    return [r for r in results if isinstance(r, CoopError)]


def second_coordinator(coop: Coop) -> UUID:
    return coop.open_account(
        name="Olu Bankole", email="olu@example.org", password_hash="!", roles=(Role.COORDINATOR,)
    ).subject


def request(coop: Coop, town: Leeds, user: str, day: date, start: time, minutes: int) -> UUID:
    return coop.request_visit(
        town.member[user], day=day, start=start, minutes=minutes, tasks=["personal_care"],
        by=town.joy,
    ).subject  # fmt: skip


def no_clash_in(held: dict[UUID, Interval], buffer: int) -> bool:
    """No two of the held visits overlap (a PA's: or come within the travel buffer)."""
    booked = [Booked(v, i) for v, i in held.items()]
    return all(
        (pa_clash(booked, i, buffer, besides=v) if buffer else user_clash(booked, i, besides=v))
        is None
        for v, i in held.items()
    )


def test_two_coordinators_confirming_overlapping_visits_for_one_pa_confirm_exactly_one(
    coop: Coop,
) -> None:
    town = leeds(coop)
    olu = second_coordinator(coop)
    ewan = town.member["Ewan"]
    for n in range(ROUNDS):
        day = TUESDAY + timedelta(days=n)
        graces = request(coop, town, "Grace", day, time(10), 60)
        siobhans = request(coop, town, "Siobhan", day, time(10, 30), 60)
        results = race(
            partial(coop.confirm_visit, graces, ewan, by=town.joy),
            partial(coop.confirm_visit, siobhans, ewan, by=olu),
        )
        (refused,) = refusals(results)
        assert isinstance(refused, PaDoubleBooked)
        assert str(refused).startswith("Ewan already has a visit from 10:")
    diary = held(coop, ewan, *DAYS)
    assert len(diary) == ROUNDS and no_clash_in(diary, 15)


def test_a_user_asking_twice_at_once_for_overlapping_times_gets_one_visit(coop: Coop) -> None:
    town = leeds(coop)
    for n in range(ROUNDS):
        day = TUESDAY + timedelta(days=n)
        results = race(
            partial(request, coop, town, "Grace", day, time(10), 60),
            partial(request, coop, town, "Grace", day, time(10, 45), 30),
        )
        (refused,) = refusals(results)
        assert isinstance(refused, UserDoubleBooked)
        assert str(refused).startswith("Grace already has a visit from 10:")
    diary = held(coop, town.member["Grace"], *DAYS)
    assert len(diary) == ROUNDS and no_clash_in(diary, 0)


def test_the_travel_buffer_holds_when_two_pas_accept_back_to_back_visits_at_once(
    coop: Coop,
) -> None:
    town = leeds(coop)
    olu = second_coordinator(coop)
    ewan = town.member["Ewan"]
    for n in range(ROUNDS):
        day = TUESDAY + timedelta(days=n)
        graces = request(coop, town, "Grace", day, time(10), 60)
        siobhans = request(coop, town, "Siobhan", day, time(11, 10), 50)  # 10 minutes after
        results = race(
            partial(coop.confirm_visit, graces, ewan, by=town.joy),
            partial(coop.confirm_visit, siobhans, ewan, by=olu),
        )
        (refused,) = refusals(results)
        assert isinstance(refused, PaDoubleBooked)
        assert "and needs 15 minutes to travel between visits" in str(refused)
    diary = held(coop, ewan, *DAYS)
    assert len(diary) == ROUNDS and no_clash_in(diary, 15)


def test_a_change_of_availability_racing_a_confirm_never_strands_a_visit(coop: Coop) -> None:
    town = leeds(coop)
    ewan = town.member["Ewan"]
    for n in range(ROUNDS):
        day = TUESDAY + timedelta(days=n)
        visit = request(coop, town, "Grace", day, time(10), 60)
        afternoons = weekdays(13, 17, starts_on=day)  # no mornings from that day on
        results = race(
            partial(coop.confirm_visit, visit, ewan, by=town.joy),
            partial(coop.set_availability, ewan, afternoons, by=town.account["Ewan"]),
        )
        (refused,) = refusals(results)
        confirmed = coop.repository.get(visit).pa_id == ewan
        if confirmed:  # the confirm won: the pattern would strand the visit
            assert "Ask the office to move those visits to another PA first" in str(refused)
        else:  # the pattern won: Ewan no longer works mornings
            assert isinstance(refused, PaUnavailable)
            coop.set_availability(ewan, weekdays(9, 17, starts_on=day), by=town.account["Ewan"])
    diary: PaDiary = coop.repository.get(pa_diary_id(ewan))
    visits = held(coop, ewan, *DAYS)
    assert all(is_available(diary.availability, i) for i in visits.values())


def test_visits_either_side_of_the_end_of_a_week_racing_for_one_pa_confirm_exactly_one(
    coop: Coop,
) -> None:
    """Sunday night's visit is on one week's page and Monday's first hour on the next:
    each only reads the other's page, and still only one of them is confirmed."""
    town = leeds(coop)
    olu = second_coordinator(coop)
    ewan = town.member["Ewan"]
    around_the_clock = WeeklyPattern(
        starts_on=MONDAY, windows=tuple(Window(d, 0, 24 * 60) for d in range(7))
    )
    coop.set_availability(ewan, around_the_clock, by=town.joy)
    sundays = [MONDAY + timedelta(days=6 + 7 * n) for n in range(ROUNDS)]
    for sunday in sundays:
        late = request(coop, town, "Grace", sunday, time(22, 30), 80)  # ends 23:50
        early = request(coop, town, "Siobhan", sunday + timedelta(days=1), time(0, 0), 60)
        results = race(
            partial(coop.confirm_visit, late, ewan, by=town.joy),
            partial(coop.confirm_visit, early, ewan, by=olu),
        )
        (refused,) = refusals(results)
        assert isinstance(refused, PaDoubleBooked)
        assert "needs 15 minutes to travel between visits" in str(refused)
    diary = held(coop, ewan, *sundays, *(s + timedelta(days=1) for s in sundays))
    assert len(diary) == ROUNDS and no_clash_in(diary, 15)


def test_a_users_visit_over_sunday_midnight_racing_one_early_on_monday_gets_one(
    coop: Coop,
) -> None:
    town = leeds(coop)
    sundays = [MONDAY + timedelta(days=6 + 7 * n) for n in range(ROUNDS)]
    for sunday in sundays:
        results = race(
            partial(request, coop, town, "Grace", sunday, time(23, 30), 60),
            partial(request, coop, town, "Grace", sunday + timedelta(days=1), time(0, 15), 30),
        )
        (refused,) = refusals(results)
        assert isinstance(refused, UserDoubleBooked)
    diary = held(coop, town.member["Grace"], *sundays, *(s + timedelta(days=1) for s in sundays))
    assert len(diary) == ROUNDS and no_clash_in(diary, 0)
