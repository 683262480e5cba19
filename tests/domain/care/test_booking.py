"""Steps that change a visit and its diaries together: all checked first, or nothing changes."""

from __future__ import annotations

from datetime import date, time, timedelta
from uuid import UUID, uuid4

import pytest

from coop.domain.care import booking
from coop.domain.care.books import PaBook, UserBook
from coop.domain.care.errors import (
    LacksSkills,
    NotWanted,
    OverFundedHours,
    PaDoubleBooked,
    PaUnavailable,
    UserDoubleBooked,
    VisitNotFound,
    VisitStateError,
)
from coop.domain.care.tasks import Task
from coop.domain.care.visits import Requester, State, Visit

from .leeds import (
    EWAN,
    GRACE,
    JOY,
    MARCUS,
    NOW,
    PRIYA,
    RULES,
    SAM,
    SIOBHAN,
    TUESDAY,
    at,
    grace_plan,
    pa_diary,
    saved,
    user_diary,
)


def ask(diary: UserBook, hh: int, mm: int = 0, *, minutes: int = 60, pa: UUID | None = SAM,
        day: date = TUESDAY, approved_by: UUID | None = None) -> Visit:  # fmt: skip
    visit = booking.request(
        uuid4(), diary, user="Grace", day=day, start=time(hh, mm), minutes=minutes,
        tasks=(Task.PERSONAL_CARE,), pa_id=pa, by=PRIYA, by_role=Requester.CARER,
        approved_by=approved_by, now=NOW,
    )  # fmt: skip
    return visit


def accept(visit: Visit, pa: PaBook, user: UserBook, name: str = "Sam") -> None:
    booking.accept(visit, pa, user, pa=name, user="Grace", rules=RULES, now=NOW)


def pending(*changed: Visit | PaBook | UserBook) -> list[list[str]]:
    """What each would save (a diary: with its pages), by event name; then, as if saved."""
    return [
        saved(c)[0]
        if isinstance(c, PaBook | UserBook)
        else [type(e).__name__ for e in c.collect_events()]
        for c in changed
    ]


def settled(*changed: Visit | PaBook | UserBook) -> None:
    pending(*changed)  # as if saved


def test_accepting_records_on_the_visit_and_both_diaries_to_be_saved_together() -> None:
    sam, grace = pa_diary(), user_diary()
    visit = ask(grace, 10)
    settled(sam, grace, visit)
    accept(visit, sam, grace)
    assert pending(visit, sam, grace) == [
        ["Accepted", "Confirmed"],
        ["WeekOpened", "Opened", "VisitHeld"],  # the PA's first visit that week: a new page
        ["PaConfirmed"],
    ]
    assert grace.known_pas == {SAM: 1}


def test_a_pa_cannot_accept_two_overlapping_visits() -> None:
    sam, grace, siobhan = pa_diary(), user_diary(), user_diary(SIOBHAN)
    accept(ask(grace, 10), sam, grace)
    other = booking.request(uuid4(), siobhan, user="Siobhan", day=TUESDAY, start=time(11, 5),
                            minutes=45, tasks=(Task.MEDICATION,), pa_id=SAM, by=SIOBHAN,
                            by_role=Requester.USER, approved_by=None, now=NOW)  # fmt: skip
    settled(sam, siobhan, other)
    with pytest.raises(PaDoubleBooked) as refused:
        booking.accept(other, sam, siobhan, pa="Sam", user="Siobhan", rules=RULES, now=NOW)
    assert str(refused.value) == (
        "Sam already has a visit from 10:00 to 11:00, and needs 15 minutes to travel between"
        " visits."
    )
    assert pending(other, sam, siobhan) == [[], [], []]  # nothing changed anywhere
    assert other.state is State.REQUESTED


def test_a_refused_confirm_changes_nothing_whichever_rule_refuses_it() -> None:
    grace = user_diary()
    marcus = pa_diary(MARCUS)
    ewan = pa_diary(EWAN, skills=(Task.DRIVING,))
    late = ask(grace, 18, pa=None)
    early = ask(grace, 10, pa=None)
    settled(grace, late, early)
    cases = [
        (marcus, early, NotWanted, "Grace has asked not to have visits from Marcus."),
        (
            ewan,
            early,
            LacksSkills,
            "Ewan is not trained for personal care, which this visit needs.",
        ),
        (pa_diary(), late, PaUnavailable, "Sam is not available from 18:00 to 19:00"),
    ]
    for diary, visit, error, words in cases:
        settled(diary)
        name = words.split()[0] if error is not NotWanted else "Marcus"
        with pytest.raises(error, match=words):
            booking.confirm(
                visit, diary, grace, pa=name, user="Grace", rules=RULES, by=JOY, now=NOW
            )
        assert pending(visit, diary, grace) == [[], [], []]


def test_a_user_cannot_ask_for_two_overlapping_visits_and_nothing_is_recorded() -> None:
    grace = user_diary()
    ask(grace, 10)
    settled(grace)
    with pytest.raises(UserDoubleBooked):
        ask(grace, 10, 30)
    assert pending(grace) == [[]]


def test_hours_beyond_the_plan_are_booked_only_with_a_coordinators_approval() -> None:
    grace = user_diary(plan=grace_plan(funded_minutes_a_week=90))
    ask(grace, 10)
    with pytest.raises(OverFundedHours):
        ask(grace, 14)
    ask(grace, 14, approved_by=JOY)


def test_rescheduling_a_confirmed_visit_moves_it_in_both_diaries_if_the_pa_is_free() -> None:
    sam, grace = pa_diary(), user_diary()
    visit = ask(grace, 10)
    accept(visit, sam, grace)
    accept(ask(grace, 14), sam, grace)
    settled(sam, grace, visit)
    with pytest.raises(PaDoubleBooked):
        booking.reschedule(visit, grace, sam, day=TUESDAY, start=time(12, 50), minutes=60,
                           user="Grace", pa="Sam", rules=RULES, approved_by=None, by=GRACE, now=NOW)  # fmt: skip
    assert pending(visit, sam, grace) == [[], [], []]
    booking.reschedule(visit, grace, sam, day=TUESDAY, start=time(11), minutes=60,
                       user="Grace", pa="Sam", rules=RULES, approved_by=None, by=GRACE, now=NOW)  # fmt: skip
    assert pending(visit, sam, grace) == [["Rescheduled"], ["VisitMoved"], ["VisitMoved"]]
    assert sam.held[visit.id] == grace.held[visit.id] == visit.interval


def test_cancelling_frees_both_diaries_and_says_if_it_is_chargeable() -> None:
    sam, grace = pa_diary(), user_diary()
    visit = ask(grace, 10)
    accept(visit, sam, grace)
    settled(sam, grace, visit)
    chargeable = booking.cancel(visit, grace, sam, reason="", by=GRACE, by_role=Requester.USER,
                                rules=RULES, now=at(TUESDAY, 9))  # fmt: skip
    assert chargeable
    assert pending(visit, sam, grace) == [["Cancelled"], ["VisitReleased"], ["VisitReleased"]]
    accept(ask(grace, 10), sam, grace)  # the time is free again for both


def test_forged_or_mixed_up_diaries_are_refused_as_not_found() -> None:
    sam, grace, siobhan = pa_diary(), user_diary(), user_diary(SIOBHAN)
    visit = ask(grace, 10)
    with pytest.raises(VisitNotFound):
        accept(visit, sam, siobhan)
    accept(visit, sam, grace)
    with pytest.raises(VisitNotFound):
        booking.cancel(visit, grace, pa_diary(EWAN), reason="", by=GRACE,
                       by_role=Requester.USER, rules=RULES, now=NOW)  # fmt: skip
    with pytest.raises(VisitNotFound):
        booking.cancel(visit, grace, None, reason="", by=GRACE,
                       by_role=Requester.USER, rules=RULES, now=NOW)  # fmt: skip


def test_a_visit_another_pa_has_just_taken_says_so_rather_than_not_found() -> None:
    sam, ewan, grace = pa_diary(), pa_diary(EWAN), user_diary()
    visit = ask(grace, 10)
    visit.offer((EWAN,), by=JOY, now=NOW)
    accept(visit, sam, grace)  # Sam wins the race; Ewan's answer and the office's come after
    with pytest.raises(VisitStateError, match="This visit is confirmed, so it can't be accepted"):
        accept(visit, ewan, grace, "Ewan")
    with pytest.raises(VisitStateError, match="This visit is confirmed, so it can't be confirmed"):
        booking.confirm(visit, ewan, grace, pa="Ewan", user="Grace", rules=RULES, by=JOY, now=NOW)


def test_sickness_releases_the_pas_visits_which_then_open_again() -> None:
    from coop.domain.care.availability import ExceptionKind

    from .leeds import away

    sam, grace = pa_diary(), user_diary()
    visit = ask(grace, 10)
    accept(visit, sam, grace)
    released = sam.add_exception(
        away(ExceptionKind.SICKNESS, TUESDAY, 0, 24), pa="Sam", now=NOW, by=SAM
    )
    assert released == (visit.id,)
    booking.release_pa(visit, sam, by=JOY, now=NOW)
    assert (visit.state, visit.pa_id) == (State.REQUESTED, None)
    booking.confirm(visit, pa_diary(EWAN), grace, pa="Ewan", user="Grace", rules=RULES, by=JOY,
                    now=NOW + timedelta(minutes=5))  # fmt: skip
    assert visit.pa_id == EWAN
