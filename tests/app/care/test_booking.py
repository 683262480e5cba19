"""Booking on the real event store: who may, one save per step, and the day itself."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from coop.application import Coop
from coop.clock import FixedClock
from coop.commands.care.access import NoConsent, NotTheirs, OnlyCoordinator, OnlyThePa
from coop.domain.care.availability import ExceptionKind
from coop.domain.care.errors import NotYourVisit, OverFundedHours, ReasonNeeded
from coop.domain.care.visits import State, Visit

from .leeds import GRACE_HOME, TUESDAY, WEDNESDAY, at, book, grace_plan, held, leeds, weekdays


def topics(coop: Coop, after: int) -> list[str]:
    """The kinds of event saved since position ``after``, in log order."""
    return [
        n.topic.rsplit(":", 1)[1]
        for n in coop.recorder.select_notifications(start=after + 1, limit=100)
    ]


def test_accepting_saves_the_visit_and_both_diaries_in_one_save(coop: Coop) -> None:
    town = leeds(coop)
    visit = coop.request_visit(
        town.member["Grace"],
        day=TUESDAY,
        start=time(10),
        minutes=60,
        tasks=["personal_care", "meals"],
        pa_id=town.member["Ewan"],
        by=town.account["Priya"],  # her carer, with her consent
    ).subject
    before = coop.recorder.max_notification_id() or 0
    done = coop.accept_visit(visit, by=town.account["Ewan"])
    assert topics(coop, before) == [
        "Visit.Accepted",
        "Visit.Confirmed",
        "PaDiary.WeekOpened",  # Ewan's first visit that week: his page for it
        "Week.Opened",
        "Week.VisitHeld",
        "UserDiary.PaConfirmed",
    ]
    assert done.position == before + 6 and done.subject == visit
    assert coop.repository.get(visit).state is State.CONFIRMED
    assert visit in held(coop, town.member["Ewan"], TUESDAY)
    assert visit in held(coop, town.member["Grace"], TUESDAY)


def test_a_carer_books_only_while_the_user_consents(coop: Coop) -> None:
    town = leeds(coop)
    with pytest.raises(
        NoConsent, match="^Hannah can book for Siobhan only while Siobhan consents.$"
    ):
        coop.request_visit(
            town.member["Siobhan"], day=TUESDAY, start=time(10), minutes=60,
            tasks=["meals"], by=town.account["Hannah"],
        )  # fmt: skip
    coop.consent_to_carer(town.member["Siobhan"], town.member["Hannah"], by=town.account["Siobhan"])
    coop.request_visit(
        town.member["Siobhan"], day=TUESDAY, start=time(10), minutes=60, tasks=["meals"],
        by=town.account["Hannah"],
    )  # fmt: skip
    coop.withdraw_carer_consent(
        town.member["Siobhan"], town.member["Hannah"], by=town.account["Siobhan"]
    )
    with pytest.raises(NoConsent):
        coop.set_support_plan(
            town.member["Siobhan"], grace_plan(), GRACE_HOME, by=town.account["Hannah"]
        )


def test_only_the_people_who_may_do_each_thing_can_do_it(coop: Coop) -> None:
    town = leeds(coop)
    with pytest.raises(
        NotTheirs,
        match="^Only Grace, a carer Grace consents to, or a coordinator can book for Grace.$",
    ):
        coop.request_visit(
            town.member["Grace"], day=TUESDAY, start=time(10), minutes=60,
            tasks=["meals"], by=town.account["Ewan"],
        )  # fmt: skip
    with pytest.raises(OnlyThePa, match="^Only Ewan or a coordinator can change Ewan's"):
        coop.set_availability(town.member["Ewan"], weekdays(8, 12), by=town.account["Marcus"])
    with pytest.raises(OnlyCoordinator, match="record a PA's skills"):
        coop.set_skills(town.member["Ewan"], ["hoist"], by=town.account["Ewan"])
    visit = book(coop, town, "Grace", TUESDAY, 10, pa=None)
    with pytest.raises(OnlyCoordinator, match="confirm a PA"):
        coop.confirm_visit(visit, town.member["Ewan"], by=town.account["Ewan"])
    with pytest.raises(OnlyCoordinator, match="offer visits"):
        coop.offer_visit(visit, [town.member["Ewan"]], by=town.account["Grace"])
    coop.offer_visit(visit, [town.member["Ewan"], town.member["Marcus"]], by=town.joy)
    coop.decline_visit(visit, by=town.account["Marcus"])
    coop.confirm_visit(visit, town.member["Ewan"], by=town.joy)  # the office
    assert coop.repository.get(visit).pa_id == town.member["Ewan"]
    coop.set_availability(town.member["Ewan"], weekdays(8, 18), by=town.joy)


def test_hours_beyond_the_plan_need_the_approval_only_a_coordinator_can_give(coop: Coop) -> None:
    town = leeds(coop)
    coop.set_support_plan(
        town.member["Grace"],
        grace_plan(funded_minutes_a_week=90),
        GRACE_HOME,
        by=town.account["Grace"],
    )
    book(coop, town, "Grace", TUESDAY, 10, pa=None)
    ask = {"day": TUESDAY, "start": time(14), "minutes": 60, "tasks": ["meals"]}
    with pytest.raises(OverFundedHours, match="A coordinator must approve the extra hours"):
        coop.request_visit(town.member["Grace"], by=town.account["Grace"], **ask)  # type: ignore[arg-type]
    with pytest.raises(OnlyCoordinator, match="approve hours beyond"):
        coop.request_visit(
            town.member["Grace"],
            approve_extra_hours=True,
            by=town.account["Priya"],
            **ask,  # type: ignore[arg-type]
        )
    coop.request_visit(town.member["Grace"], approve_extra_hours=True, by=town.joy, **ask)  # type: ignore[arg-type]


def test_a_late_cancellation_by_the_user_is_chargeable_and_frees_both_diaries(
    coop: Coop, clock: FixedClock
) -> None:
    town = leeds(coop)
    early = book(coop, town, "Grace", TUESDAY, 9, 30)
    later = book(coop, town, "Grace", WEDNESDAY, 15)
    clock.set(at(TUESDAY, 8))  # inside the 24 hours
    coop.cancel_visit(early, reason="In hospital", by=town.account["Priya"])
    coop.cancel_visit(later, by=town.account["Grace"])  # a day and more ahead
    assert [coop.repository.get(v).chargeable for v in (early, later)] == [True, False]
    again = book(coop, town, "Grace", TUESDAY, 9, 30)  # the time is free for both again
    assert coop.repository.get(again).state is State.CONFIRMED


def test_rescheduling_keeps_the_pa_only_if_they_are_free_at_the_new_time(coop: Coop) -> None:
    town = leeds(coop)
    visit = book(coop, town, "Grace", TUESDAY, 10)
    coop.reschedule_visit(
        visit, day=TUESDAY, start=time(11, 30), minutes=45, by=town.account["Grace"]
    )
    moved: Visit = coop.repository.get(visit)
    assert held(coop, town.member["Ewan"], TUESDAY)[visit] == moved.interval
    assert moved.minutes == 45


def test_on_the_day_the_pa_checks_in_and_out_and_the_visit_is_completed(
    coop: Coop, clock: FixedClock
) -> None:
    town = leeds(coop)
    visit = book(coop, town, "Grace", TUESDAY, 10)
    clock.set(at(TUESDAY, 10, 5))
    with pytest.raises(NotYourVisit, match="^Only the visit's own PA can check in"):
        coop.check_in(visit, by=town.account["Marcus"])
    coop.check_in(visit, by=town.account["Ewan"])
    clock.set(at(TUESDAY, 11, 40))
    with pytest.raises(ReasonNeeded, match="40 minutes after the planned end"):
        coop.check_out(visit, by=town.account["Ewan"])
    coop.check_out(visit, reason="Grace had a fall; waited for the GP", by=town.account["Ewan"])
    coop.complete_visit(visit, by=town.joy)
    done: Visit = coop.repository.get(visit)
    assert done.state is State.COMPLETED
    assert done.checked_out - done.checked_in == timedelta(minutes=95)  # type: ignore[operator]


def test_sickness_opens_the_pas_visits_again_for_another_pa(coop: Coop) -> None:
    town = leeds(coop)
    visit = book(coop, town, "Grace", TUESDAY, 10)
    coop.add_availability_exception(
        town.member["Ewan"],
        ExceptionKind.SICKNESS,
        at(TUESDAY, 0),
        at(WEDNESDAY, 0),
        by=town.account["Ewan"],
    )
    reopened: Visit = coop.repository.get(visit)
    assert (reopened.state, reopened.pa_id) == (State.REQUESTED, None)
    coop.confirm_visit(visit, town.member["Marcus"], by=town.joy)
    assert coop.repository.get(visit).pa_id == town.member["Marcus"]
