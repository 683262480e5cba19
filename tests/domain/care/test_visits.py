"""A visit's life, as events, and everything it refuses on the way."""

from __future__ import annotations

from datetime import date, time, timedelta
from uuid import uuid4

import pytest

from coop.domain.care.errors import InThePast, NotYourVisit, ReasonNeeded, VisitStateError
from coop.domain.care.tasks import Task
from coop.domain.care.times import BadDuration, TimeDoesNotExist
from coop.domain.care.visits import NotOffered, Requester, State, Visit
from coop.domain.errors import InvalidInput

from .leeds import EWAN, GRACE, JOY, NOW, RULES, SAM, TUESDAY, at

TEN = at(TUESDAY, 10)


def requested(pa_id: object = None, day: date = TUESDAY, start: time = time(10)) -> Visit:
    return Visit.request(
        uuid4(),
        user_id=GRACE,
        day=day,
        start=start,
        minutes=60,
        tasks=(Task.PERSONAL_CARE, Task.MEALS),
        pa_id=pa_id,  # type: ignore[arg-type]
        by=GRACE,
        by_role=Requester.USER,
        now=NOW,
    )


def confirmed() -> Visit:
    visit = requested(SAM)
    visit.accept(SAM, now=NOW)
    visit.confirm(SAM, by=SAM, as_coordinator=False, now=NOW)
    return visit


def names(visit: Visit) -> list[str]:
    return [type(e).__name__ for e in visit.collect_events()]


def test_a_visit_goes_from_request_to_completion_as_events() -> None:
    visit = requested()
    visit.offer((SAM, EWAN), by=JOY, now=NOW)
    visit.decline(EWAN, now=NOW)
    visit.accept(SAM, now=NOW)
    visit.confirm(SAM, by=SAM, as_coordinator=False, now=NOW)
    visit.check_in(
        SAM, actual=TEN + timedelta(minutes=5), reason="", now=TEN + timedelta(minutes=5)
    )
    visit.write_note(
        "Grace had porridge and took her tablets.",
        by=SAM,
        as_coordinator=False,
        now=TEN + timedelta(minutes=50),
    )
    visit.check_out(
        SAM, actual=TEN + timedelta(minutes=62), reason="", now=TEN + timedelta(minutes=62)
    )
    visit.complete(by=SAM, now=TEN + timedelta(minutes=62))
    assert names(visit) == [
        "Requested", "Offered", "Declined", "Accepted", "Confirmed",
        "CheckedIn", "NoteWritten", "CheckedOut", "Completed",
    ]  # fmt: skip
    assert visit.state is State.COMPLETED
    assert visit.collect_events() == []
    assert visit.notes == 1


def test_a_visit_in_the_past_or_of_no_length_or_at_a_skipped_time_is_refused() -> None:
    with pytest.raises(InThePast, match="A visit must be in the future"):
        requested(day=date(2026, 3, 2), start=time(8))
    with pytest.raises(TimeDoesNotExist):
        requested(day=date(2026, 3, 29), start=time(1, 15))
    with pytest.raises(BadDuration):
        Visit.request(uuid4(), user_id=GRACE, day=TUESDAY, start=time(10), minutes=0,
                      tasks=(Task.MEALS,), pa_id=None, by=GRACE, by_role=Requester.USER, now=NOW)  # fmt: skip
    with pytest.raises(InvalidInput, match="at least one task"):
        Visit.request(uuid4(), user_id=GRACE, day=TUESDAY, start=time(10), minutes=60,
                      tasks=(), pa_id=None, by=GRACE, by_role=Requester.USER, now=NOW)  # fmt: skip


def test_only_a_pa_the_visit_was_offered_to_can_accept_it() -> None:
    visit = requested(SAM)  # Grace asked for Sam: offered to him
    with pytest.raises(NotOffered, match="has not been offered to you"):
        visit.accept(EWAN, now=NOW)
    visit.offer((EWAN,), by=JOY, now=NOW)
    visit.accept(EWAN, now=NOW)
    with pytest.raises(NotOffered):
        visit.confirm(SAM, by=SAM, as_coordinator=False, now=NOW)


def test_a_pa_cannot_check_in_to_someone_elses_visit() -> None:
    visit = confirmed()
    with pytest.raises(NotYourVisit) as refused:
        visit.check_in(EWAN, actual=TEN, reason="", now=TEN)
    assert str(refused.value) == "Only the visit's own PA can check in; this visit is not yours."
    assert refused.value.status == 403


def test_checking_in_late_needs_a_reason() -> None:
    visit = confirmed()
    late = TEN + timedelta(minutes=16)
    with pytest.raises(ReasonNeeded) as refused:
        visit.check_in(SAM, actual=late, reason="", now=late)
    assert str(refused.value) == (
        "You checked in 16 minutes after the planned start (10:00): say why, so the office"
        " and the user know."
    )
    visit.check_in(SAM, actual=late, reason="Bus diverted on York Road", now=late)


def test_fifteen_minutes_either_side_of_the_plan_needs_no_reason() -> None:
    visit = confirmed()
    visit.check_in(SAM, actual=TEN - timedelta(minutes=15), reason="", now=TEN)
    with pytest.raises(ReasonNeeded, match="30 minutes before the planned end"):
        visit.check_out(
            SAM, actual=TEN + timedelta(minutes=30), reason="", now=TEN + timedelta(minutes=30)
        )
    visit.check_out(
        SAM, actual=TEN + timedelta(minutes=75), reason="", now=TEN + timedelta(minutes=75)
    )


def test_checking_out_before_checking_in_is_refused() -> None:
    visit = confirmed()
    with pytest.raises(VisitStateError, match="only after checking in"):
        visit.check_out(SAM, actual=TEN, reason="", now=TEN)
    visit.check_in(SAM, actual=TEN, reason="", now=TEN)
    with pytest.raises(InvalidInput, match="after you checked in, at 10:00"):
        visit.check_out(SAM, actual=TEN - timedelta(minutes=1), reason="", now=TEN)


def test_a_check_in_cannot_be_in_the_future() -> None:
    with pytest.raises(InvalidInput, match="can't be in the future"):
        confirmed().check_in(SAM, actual=TEN, reason="", now=TEN - timedelta(minutes=5))


def test_a_visit_nobody_checked_in_to_is_missed_after_the_rules_minutes() -> None:
    visit = confirmed()
    with pytest.raises(VisitStateError, match="until 10:30 to check in"):
        visit.mark_missed(rules=RULES, now=TEN + timedelta(minutes=29))
    visit.mark_missed(rules=RULES, now=TEN + timedelta(minutes=30))
    assert visit.state is State.MISSED
    # Sam turns up late after all: he checks in, saying why.
    visit.check_in(
        SAM,
        actual=TEN + timedelta(minutes=40),
        reason="Car would not start",
        now=TEN + timedelta(minutes=40),
    )
    assert visit.state is State.CHECKED_IN


def test_an_unconfirmed_visit_is_not_missed() -> None:
    with pytest.raises(VisitStateError, match="requested, so it can't be missed"):
        requested().mark_missed(rules=RULES, now=TEN + timedelta(hours=1))


def test_a_late_cancellation_by_the_user_is_chargeable_at_the_rules_percent() -> None:
    visit = confirmed()
    assert visit.cancel(reason="Going to hospital", by=GRACE, by_role=Requester.USER, rules=RULES, now=TEN - timedelta(hours=23))  # fmt: skip
    cancelled = visit.collect_events()[-1]
    assert (cancelled.chargeable, cancelled.charge_percent) == (True, 50)  # type: ignore[attr-defined]


def test_an_early_cancellation_or_one_by_the_office_is_not_chargeable() -> None:
    early = confirmed()
    assert not early.cancel(reason="", by=GRACE, by_role=Requester.USER, rules=RULES, now=TEN - timedelta(hours=25))  # fmt: skip
    office = confirmed()
    assert not office.cancel(reason="", by=JOY, by_role=Requester.COORDINATOR, rules=RULES, now=TEN - timedelta(hours=2))  # fmt: skip
    unconfirmed = requested()
    assert not unconfirmed.cancel(reason="", by=GRACE, by_role=Requester.USER, rules=RULES, now=TEN - timedelta(hours=2))  # fmt: skip


def test_a_completed_or_cancelled_visit_cannot_be_cancelled() -> None:
    visit = confirmed()
    visit.check_in(SAM, actual=TEN, reason="", now=TEN)
    visit.check_out(SAM, actual=TEN + timedelta(hours=1), reason="", now=TEN + timedelta(hours=1))
    visit.complete(by=SAM, now=TEN + timedelta(hours=1))
    with pytest.raises(VisitStateError, match="has been completed, so it can't be cancelled"):
        visit.cancel(reason="", by=GRACE, by_role=Requester.USER, rules=RULES, now=TEN + timedelta(hours=2))  # fmt: skip
    gone = requested()
    gone.cancel(reason="", by=GRACE, by_role=Requester.USER, rules=RULES, now=NOW)
    with pytest.raises(VisitStateError, match="cancelled"):
        gone.cancel(reason="", by=GRACE, by_role=Requester.USER, rules=RULES, now=NOW)


def test_a_visit_cannot_be_moved_once_started_nor_into_the_past() -> None:
    visit = confirmed()
    with pytest.raises(InThePast, match="The new time must be in the future"):
        visit.reschedule(date(2026, 3, 2), time(8), 60, by=GRACE, now=NOW)
    with pytest.raises(VisitStateError, match="has started"):
        visit.reschedule(date(2026, 3, 5), time(10), 60, by=GRACE, now=TEN + timedelta(minutes=1))
    moved = visit.reschedule(date(2026, 3, 5), time(10), 90, by=GRACE, now=NOW)
    assert (visit.day, visit.minutes, moved.minutes) == (date(2026, 3, 5), 90, 90)


def test_only_the_visits_pa_or_a_coordinator_writes_notes_and_only_once_it_has_begun() -> None:
    visit = confirmed()
    with pytest.raises(VisitStateError, match="once the PA has checked in"):
        visit.write_note("Fine.", by=SAM, as_coordinator=False, now=NOW)
    visit.check_in(SAM, actual=TEN, reason="", now=TEN)
    with pytest.raises(NotYourVisit):
        visit.write_note("Fine.", by=EWAN, as_coordinator=False, now=TEN)
    with pytest.raises(InvalidInput, match="Write the note"):
        visit.write_note("  ", by=SAM, as_coordinator=False, now=TEN)
    visit.write_note("Phoned Priya about the GP letter.", by=JOY, as_coordinator=True, now=TEN)


def test_releasing_the_pa_opens_the_visit_again() -> None:
    visit = confirmed()
    assert visit.release_pa(by=JOY, now=NOW) == SAM
    assert (visit.state, visit.pa_id) == (State.REQUESTED, None)
    visit.offer((EWAN,), by=JOY, now=NOW)
    visit.accept(EWAN, now=NOW)
