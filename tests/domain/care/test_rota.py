"""The clash rules, pure: by example with the words people see, and by property."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop.domain.care.availability import ExceptionKind
from coop.domain.care.errors import (
    OverFundedHours,
    PaDoubleBooked,
    PaUnavailable,
    UserDoubleBooked,
)
from coop.domain.care.rota import (
    Booked,
    check_available,
    check_funded,
    check_pa_free,
    check_user_free,
    pa_clash,
    user_clash,
    week_minutes,
)
from coop.domain.care.times import Interval

from .leeds import MONDAY, TUESDAY, at, available, away, visit

BUFFER = 15


def held(*intervals: Interval) -> list[Booked]:
    return [Booked(uuid4(), i) for i in intervals]


def test_a_pa_cannot_take_a_visit_that_overlaps_one_they_hold() -> None:
    with pytest.raises(PaDoubleBooked) as refused:
        check_pa_free("Sam", held(visit(TUESDAY, 10)), visit(TUESDAY, 10, 30), BUFFER, None)
    assert str(refused.value) == "Sam already has a visit from 10:00 to 11:00."


def test_a_pa_needs_the_travel_buffer_between_visits_and_the_refusal_says_so() -> None:
    with pytest.raises(PaDoubleBooked) as refused:
        check_pa_free("Sam", held(visit(TUESDAY, 10)), visit(TUESDAY, 11, 10), BUFFER, None)
    assert str(refused.value) == (
        "Sam already has a visit from 10:00 to 11:00, and needs 15 minutes to travel between"
        " visits."
    )


def test_the_buffer_boundary_is_exact() -> None:
    sam = held(visit(TUESDAY, 10))
    assert pa_clash(sam, visit(TUESDAY, 11, 15), BUFFER) is None  # exactly 15 minutes later
    assert pa_clash(sam, visit(TUESDAY, 11, 14), BUFFER) is not None
    assert pa_clash(sam, visit(TUESDAY, 8, 45, 60), BUFFER) is None  # ends 15 minutes before
    assert pa_clash(sam, visit(TUESDAY, 8, 46, 60), BUFFER) is not None


def test_a_clash_on_another_day_names_the_day() -> None:
    night = visit(MONDAY, 22, 0, 10 * 60)
    with pytest.raises(PaDoubleBooked, match="from 22:00 to 08:00 on Monday 2 March 2026"):
        check_pa_free("Ewan", held(night), visit(TUESDAY, 7), BUFFER, None)


def test_a_visit_does_not_clash_with_itself_when_it_moves() -> None:
    own = Booked(uuid4(), visit(TUESDAY, 10))
    assert pa_clash([own], visit(TUESDAY, 10, 30), BUFFER, besides=own.visit_id) is None
    assert user_clash([own], visit(TUESDAY, 10, 30), besides=own.visit_id) is None


def test_a_user_cannot_have_two_overlapping_visits_but_back_to_back_is_fine() -> None:
    grace = held(visit(TUESDAY, 10))
    with pytest.raises(UserDoubleBooked) as refused:
        check_user_free("Grace", grace, visit(TUESDAY, 10, 59), None)
    assert str(refused.value) == "Grace already has a visit from 10:00 to 11:00."
    check_user_free("Grace", grace, visit(TUESDAY, 11), None)  # no travel for the user


def test_a_confirmed_visit_must_lie_inside_availability_and_outside_leave() -> None:
    with pytest.raises(PaUnavailable) as refused:
        check_available("Sam", available(), visit(TUESDAY, 18, 0, 120))
    assert str(refused.value) == (
        "Sam is not available from 18:00 to 20:00 on Tuesday 3 March 2026:"
        " they work 09:00 to 17:00 on Tuesdays."
    )
    on_leave = available(exceptions=(away(ExceptionKind.LEAVE, TUESDAY, 0, 24),))
    with pytest.raises(PaUnavailable, match="they are on leave"):
        check_available("Sam", on_leave, visit(TUESDAY, 10))


def test_hours_beyond_the_funded_hours_need_a_coordinators_approval() -> None:
    week = held(*(visit(MONDAY + timedelta(days=d), 10, 0, 120) for d in range(4)))  # 8 hours
    check_funded("Grace", week, visit(date(2026, 3, 6), 10, 0, 120), 600, approved=False)
    with pytest.raises(OverFundedHours) as refused:
        check_funded("Grace", week, visit(date(2026, 3, 6), 10, 0, 150), 600, approved=False)
    assert str(refused.value) == (
        "This visit would bring Grace's care to 10 hours 30 minutes in the week starting"
        " Monday 2 March 2026, more than the 10 hours a week their plan funds."
        " A coordinator must approve the extra hours."
    )
    check_funded("Grace", week, visit(date(2026, 3, 6), 10, 0, 150), 600, approved=True)


def test_a_visit_counts_in_the_uk_week_it_starts_in() -> None:
    sunday_night = visit(date(2026, 3, 8), 23, 0, 120)  # into Monday 9 March
    grace = held(sunday_night)
    assert week_minutes(grace, MONDAY) == 120
    assert week_minutes(grace, date(2026, 3, 9)) == 0
    # 00:30 on Monday 9 March is still Sunday in UTC terms in summer, but here it is winter:
    assert (
        week_minutes(
            held(Interval(at(date(2026, 3, 9), 0, 30), at(date(2026, 3, 9), 1))), date(2026, 3, 9)
        )
        == 30
    )


def test_a_late_night_summer_visit_counts_in_its_local_week() -> None:
    monday_half_past_midnight = visit(date(2026, 6, 1), 0, 30)  # Sunday 23:30 in UTC
    assert week_minutes(held(monday_half_past_midnight), date(2026, 6, 1)) == 60


# Properties --------------------------------------------------------------------------

DAY0 = at(TUESDAY, 0)
intervals = st.builds(
    lambda start, minutes: Interval(
        DAY0 + timedelta(minutes=start), DAY0 + timedelta(minutes=start + minutes)
    ),
    st.integers(0, 3 * 24 * 60),
    st.integers(1, 6 * 60),
)
buffers = st.integers(0, 60)


@given(intervals, intervals, buffers)
def test_the_clash_rule_is_symmetric(a: Interval, b: Interval, buffer: int) -> None:
    first, second = Booked(uuid4(), a), Booked(uuid4(), b)
    assert (pa_clash([first], b, buffer) is None) == (pa_clash([second], a, buffer) is None)
    assert (user_clash([first], b) is None) == (user_clash([second], a) is None)


@given(intervals, st.integers(0, 120), buffers)
def test_a_visit_exactly_the_buffer_later_is_free_and_a_minute_sooner_is_not(
    a: Interval, minutes: int, buffer: int
) -> None:
    later = Interval(
        a.end + timedelta(minutes=buffer), a.end + timedelta(minutes=buffer + 1 + minutes)
    )
    assert pa_clash(held(a), later, buffer) is None
    sooner = Interval(later.start - timedelta(minutes=1), later.end)
    assert pa_clash(held(a), sooner, buffer) is not None


def _accepted(requests: list[Interval], buffer: int) -> list[Booked]:
    diary: list[Booked] = []
    for interval in requests:
        if pa_clash(diary, interval, buffer) is None:
            diary.append(Booked(uuid4(), interval))
    return diary


@given(st.lists(intervals, max_size=25), buffers, st.randoms(use_true_random=False))
def test_whatever_order_requests_arrive_a_pa_never_holds_two_visits_within_the_buffer(
    requests: list[Interval], buffer: int, shuffle: object
) -> None:
    shuffled = list(requests)
    shuffle.shuffle(shuffled)  # type: ignore[attr-defined]
    for diary in (_accepted(requests, buffer), _accepted(shuffled, buffer)):
        gap = timedelta(minutes=buffer)
        for i, x in enumerate(diary):
            for y in diary[i + 1 :]:
                assert not (
                    x.interval.start < y.interval.end + gap
                    and y.interval.start < x.interval.end + gap
                )
        # And nothing refused could have been taken: the diary is maximal for its order.
        for interval in requests:
            assert any(b.interval == interval for b in diary) or pa_clash(diary, interval, buffer)


@given(st.lists(intervals, max_size=25))
def test_a_users_accepted_visits_never_overlap(requests: list[Interval]) -> None:
    diary: list[Booked] = []
    for interval in requests:
        if user_clash(diary, interval) is None:
            diary.append(Booked(UUID(int=len(diary)), interval))
    ordered = sorted(b.interval for b in diary)
    assert all(x.end <= y.start for x, y in itertools.pairwise(ordered))
