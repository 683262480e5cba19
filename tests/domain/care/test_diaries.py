"""PA and user diaries: what they keep, and the visits they will and won't hold."""

from __future__ import annotations

from copy import deepcopy
from datetime import date, timedelta
from uuid import uuid4

import pytest

from coop.domain.care.availability import ExceptionKind, WeeklyPattern
from coop.domain.care.books import PaBook, UserBook
from coop.domain.care.diaries import (
    NoPlan,
    PaDiary,
    UserDiary,
    VisitsInTheWay,
    pa_diary_id,
    user_diary_id,
)
from coop.domain.care.errors import (
    InThePast,
    LacksSkills,
    NotWanted,
    OverFundedHours,
    PaDoubleBooked,
    PaUnavailable,
    UserDoubleBooked,
)
from coop.domain.care.tasks import Task
from coop.domain.care.weeks import Week
from coop.domain.errors import InvalidInput, NotFound

from .leeds import (
    EWAN,
    GRACE,
    GRACE_HOME,
    JOY,
    MARCUS,
    MONDAY,
    NOW,
    SAM,
    TUESDAY,
    away,
    grace_plan,
    in_memory,
    pa_diary,
    saved,
    user_diary,
    visit,
    weekdays,
)

CARE = (Task.PERSONAL_CARE,)


def hold(diary: PaBook, hh: int, mm: int = 0, minutes: int = 60, day: date = TUESDAY) -> object:
    visit_id = uuid4()
    diary.hold(visit_id, visit(day, hh, mm, minutes), CARE, pa="Sam", buffer_minutes=15)
    return visit_id


def test_there_is_one_diary_per_pa_and_one_per_user() -> None:
    assert PaDiary(pa_id=SAM).id == pa_diary_id(SAM) != pa_diary_id(EWAN)
    assert UserDiary(user_id=GRACE).id == user_diary_id(GRACE)
    assert pa_diary_id(SAM) != user_diary_id(SAM)


def test_a_pa_cannot_accept_two_overlapping_visits() -> None:
    sam = pa_diary()
    hold(sam, 10)
    with pytest.raises(PaDoubleBooked, match="Sam already has a visit from 10:00 to 11:00"):
        hold(sam, 10, 30)
    assert len(sam.held) == 1


def test_a_pa_can_take_a_visit_the_travel_buffer_after_another() -> None:
    sam = pa_diary()
    hold(sam, 10)
    hold(sam, 11, 15)
    assert len(sam.held) == 2


def test_a_pa_cannot_hold_a_visit_outside_their_hours_or_without_the_skills() -> None:
    sam = pa_diary()
    with pytest.raises(PaUnavailable, match="they work 09:00 to 17:00 on Tuesdays"):
        hold(sam, 17)
    with pytest.raises(LacksSkills) as refused:
        sam.hold(uuid4(), visit(TUESDAY, 10), (Task.HOIST, Task.MEALS), pa="Sam", buffer_minutes=15)
    assert str(refused.value) == "Sam is not trained for hoist, which this visit needs."


def test_a_held_visit_can_move_without_clashing_with_itself() -> None:
    sam = pa_diary()
    visit_id = hold(sam, 10)
    sam.hold(visit_id, visit(TUESDAY, 10, 30), CARE, pa="Sam", buffer_minutes=15,  # type: ignore[arg-type]
             was=visit(TUESDAY, 10))  # fmt: skip
    assert sam.held[visit_id] == visit(TUESDAY, 10, 30)  # type: ignore[index]
    assert saved(sam)[0][-1] == "VisitMoved"


def test_releasing_a_visit_frees_the_time() -> None:
    sam = pa_diary()
    visit_id = hold(sam, 10)
    sam.release(visit_id, visit(TUESDAY, 10))  # type: ignore[arg-type]
    hold(sam, 10)
    with pytest.raises(NotFound):
        sam.release(uuid4(), visit(TUESDAY, 10))


def test_a_new_pattern_cannot_strand_confirmed_visits() -> None:
    sam = pa_diary()
    hold(sam, 15, day=date(2026, 3, 10))
    afternoons_off = WeeklyPattern(starts_on=date(2026, 3, 9), windows=weekdays(8, 13))
    with pytest.raises(VisitsInTheWay) as refused:
        sam.set_pattern(afternoons_off, pa="Sam", today=MONDAY, by=SAM)
    assert str(refused.value) == (
        "Sam has a confirmed visit from 15:00 to 16:00 on Tuesday 10 March 2026 in that time."
        " Ask the office to move those visits to another PA first."
    )
    later = WeeklyPattern(starts_on=date(2026, 3, 16), windows=weekdays(8, 13))
    sam.set_pattern(later, pa="Sam", today=MONDAY, by=SAM)
    assert [p.starts_on for p in sam.availability.patterns] == [MONDAY, date(2026, 3, 16)]


def test_a_pattern_cannot_start_in_the_past() -> None:
    sam = pa_diary()
    past = WeeklyPattern(starts_on=MONDAY - timedelta(days=1), windows=weekdays(8, 13))
    with pytest.raises(InvalidInput, match="today or later"):
        sam.set_pattern(past, pa="Sam", today=MONDAY, by=SAM)


def test_leave_over_a_confirmed_visit_is_refused_but_sickness_releases_it() -> None:
    sam = pa_diary()
    visit_id = hold(sam, 10)
    with pytest.raises(VisitsInTheWay):
        sam.add_exception(away(ExceptionKind.LEAVE, TUESDAY, 0, 24), pa="Sam", now=NOW, by=SAM)
    released = sam.add_exception(
        away(ExceptionKind.SICKNESS, TUESDAY, 0, 24), pa="Sam", now=NOW, by=SAM
    )
    assert released == (visit_id,)
    assert sam.held == {}
    with pytest.raises(PaUnavailable, match="they are off sick"):
        hold(sam, 10)


def test_withdrawn_leave_gives_the_hours_back_and_extra_hours_cannot_strand_visits() -> None:
    sam = pa_diary()
    saturday = date(2026, 3, 7)
    leave = away(ExceptionKind.LEAVE, TUESDAY, 0, 24)
    sam.add_exception(leave, pa="Sam", now=NOW, by=SAM)
    sam.withdraw_exception(leave.id, pa="Sam", by=SAM)
    hold(sam, 10)
    extra = away(ExceptionKind.EXTRA_HOURS, saturday, 10, 14)
    sam.add_exception(extra, pa="Sam", now=NOW, by=SAM)
    hold(sam, 11, day=saturday)
    with pytest.raises(VisitsInTheWay):
        sam.withdraw_exception(extra.id, pa="Sam", by=SAM)
    with pytest.raises(NotFound):
        sam.withdraw_exception(uuid4(), pa="Sam", by=SAM)


def test_leave_that_is_already_over_is_refused() -> None:
    with pytest.raises(InThePast):
        pa_diary().add_exception(
            away(ExceptionKind.LEAVE, date(2026, 2, 2), 0, 24), pa="Sam", now=NOW, by=SAM
        )


# The user's diary ------------------------------------------------------------------


def test_a_user_never_has_two_overlapping_visits() -> None:
    grace = user_diary()
    grace.hold(uuid4(), visit(TUESDAY, 10), user="Grace", approved_by=None)
    with pytest.raises(UserDoubleBooked, match="Grace already has a visit from 10:00 to 11:00"):
        grace.hold(uuid4(), visit(TUESDAY, 10, 45), user="Grace", approved_by=None)
    grace.hold(uuid4(), visit(TUESDAY, 11), user="Grace", approved_by=None)


def test_hours_beyond_the_plan_need_a_coordinator_and_are_recorded_as_approved_by_them() -> None:
    grace = user_diary(plan=grace_plan(funded_minutes_a_week=120))
    grace.hold(uuid4(), visit(TUESDAY, 10, 0, 120), user="Grace", approved_by=None)
    with pytest.raises(OverFundedHours):
        grace.hold(uuid4(), visit(TUESDAY, 14), user="Grace", approved_by=None)
    grace.hold(uuid4(), visit(TUESDAY, 14), user="Grace", approved_by=JOY)
    page = grace.written()[-1]
    assert page.collect_events()[-1].approved_by == JOY  # type: ignore[attr-defined]
    grace.hold(
        uuid4(), visit(TUESDAY + timedelta(days=7), 10, 0, 120), user="Grace", approved_by=None
    )


def test_a_user_without_a_plan_cannot_book() -> None:
    with pytest.raises(NoPlan, match="Grace has no support plan yet"):
        UserBook(UserDiary(user_id=GRACE), in_memory(GRACE)).hold(
            uuid4(), visit(TUESDAY, 10), user="Grace", approved_by=None
        )


def test_a_user_can_refuse_a_pa_in_their_plan() -> None:
    grace = user_diary()
    grace.check_pa(SAM, user="Grace", pa="Sam")
    with pytest.raises(NotWanted) as refused:
        grace.check_pa(MARCUS, user="Grace", pa="Marcus")
    assert str(refused.value) == "Grace has asked not to have visits from Marcus."


def test_a_plan_that_cannot_be_right_is_refused() -> None:
    grace = UserDiary(user_id=GRACE)
    for bad, words in [
        (grace_plan(funded_minutes_a_week=-60), "between 0 and 168 hours"),
        (grace_plan(tasks=()), "at least one task"),
        (grace_plan(preferred=(SAM,), not_wanted=(SAM,)), "both preferred and not wanted"),
    ]:
        with pytest.raises(InvalidInput, match=words):
            grace.set_plan(bad, GRACE_HOME, on=MONDAY, by=GRACE)
    assert grace.plan is None


def test_a_copy_of_a_page_for_a_command_changes_apart_from_the_original() -> None:
    original = Week(owner_id=SAM, monday=MONDAY)
    original.collect_events()
    copy = deepcopy(original)
    copy.hold(uuid4(), visit(TUESDAY, 10), None)
    assert original.held == {} and len(copy.held) == 1
    assert original.collect_events() == [] and len(copy.collect_events()) == 1
    assert copy.version == original.version + 1
