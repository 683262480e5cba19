"""Week pages: a visit on every week it touches, checked against every page near it."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from coop.domain.care.availability import WeeklyPattern, Window
from coop.domain.care.books import PaBook
from coop.domain.care.errors import OverFundedHours, PaDoubleBooked, UserDoubleBooked
from coop.domain.care.tasks import Task
from coop.domain.care.weeks import mondays, week_id

from .leeds import MONDAY, SAM, grace_plan, pa_diary, user_diary, visit

SUNDAY = MONDAY + timedelta(days=6)  # 8 March 2026, the last day of the week
NEXT_MONDAY = MONDAY + timedelta(days=7)
CLOCKS_FORWARD = date(2026, 3, 29)  # a Sunday: 01:00 GMT is 02:00 BST
CARE = (Task.PERSONAL_CARE,)


def night_and_day(starts_on: date = MONDAY) -> PaBook:
    """Sam, working around the clock every day (so only the clash rules refuse)."""
    return pa_diary(pattern=WeeklyPattern(starts_on=starts_on, windows=tuple(
        Window(d, 0, 24 * 60) for d in range(7))))  # fmt: skip


def test_a_visit_over_sunday_midnight_is_on_both_weeks_pages() -> None:
    grace = user_diary()
    late = uuid4()
    grace.hold(late, visit(SUNDAY, 23, 30), user="Grace", approved_by=None)
    assert [m for m, page in grace.pages.opened.items() if late in page.held] == [
        MONDAY,
        NEXT_MONDAY,
    ]
    with pytest.raises(UserDoubleBooked, match="Grace already has a visit from 23:30 to 00:30"):
        grace.hold(uuid4(), visit(NEXT_MONDAY, 0, 15), user="Grace", approved_by=None)


def test_a_pa_cannot_take_a_visit_within_the_travel_buffer_across_the_end_of_a_week() -> None:
    for first, second in [
        ((SUNDAY, 22, 30, 80), (NEXT_MONDAY, 0, 0, 60)),  # Sunday's first: ends 23:50
        ((NEXT_MONDAY, 0, 0, 60), (SUNDAY, 22, 30, 80)),  # Monday's first
    ]:
        sam = night_and_day()
        sam.hold(uuid4(), visit(*first), CARE, pa="Sam", buffer_minutes=15)
        with pytest.raises(PaDoubleBooked, match="needs 15 minutes to travel"):
            sam.hold(uuid4(), visit(*second), CARE, pa="Sam", buffer_minutes=15)
    sam = night_and_day()
    sam.hold(uuid4(), visit(SUNDAY, 22, 30, 75), CARE, pa="Sam", buffer_minutes=15)
    sam.hold(uuid4(), visit(NEXT_MONDAY, 0, 0, 60), CARE, pa="Sam", buffer_minutes=15)


def test_a_visit_near_the_end_of_a_week_reads_the_next_page_and_names_it_unchanged() -> None:
    sam = night_and_day()
    sam.hold(uuid4(), visit(SUNDAY, 22, 30, 80), CARE, pa="Sam", buffer_minutes=15)
    written = {page.id for page in sam.written()}
    assert week_id(SAM, MONDAY) in written
    # Nobody has written Sam's next page yet: it must still be unwritten when this is saved.
    assert (week_id(SAM, NEXT_MONDAY), 0) in sam.read()
    assert week_id(SAM, NEXT_MONDAY) not in written


def test_funded_hours_count_in_the_week_a_visit_starts() -> None:
    grace = user_diary(plan=grace_plan(funded_minutes_a_week=60))
    grace.hold(uuid4(), visit(SUNDAY, 23, 30), user="Grace", approved_by=None)
    grace.hold(uuid4(), visit(NEXT_MONDAY, 10), user="Grace", approved_by=None)
    with pytest.raises(OverFundedHours):
        grace.hold(uuid4(), visit(SUNDAY, 10), user="Grace", approved_by=None)


def test_the_weeks_of_a_clock_change_meet_at_midnight_uk_time() -> None:
    late = visit(CLOCKS_FORWARD, 23, 0, 90)  # 23:00 BST Sunday to 00:30 BST Monday
    assert list(mondays(late)) == [
        CLOCKS_FORWARD - timedelta(days=6),
        CLOCKS_FORWARD + timedelta(1),
    ]
    before = visit(CLOCKS_FORWARD, 0, 30, 120)  # 00:30 GMT to 03:30 BST: two hours
    assert list(mondays(before)) == [CLOCKS_FORWARD - timedelta(days=6)]
    sam = night_and_day(starts_on=CLOCKS_FORWARD - timedelta(days=6))
    sam.hold(uuid4(), late, CARE, pa="Sam", buffer_minutes=15)
    with pytest.raises(PaDoubleBooked):
        sam.hold(uuid4(), visit(CLOCKS_FORWARD + timedelta(1), 0, 40), CARE, pa="Sam",
                 buffer_minutes=15)  # fmt: skip
