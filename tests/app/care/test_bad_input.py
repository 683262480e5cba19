"""Bad input at the command level: each refusal says why and stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any
from uuid import uuid4

import pytest

from coop.application import Coop
from coop.clock import FixedClock
from coop.commands.care.access import NoConsent
from coop.commands.care.people import NotCurrent, UnknownActor, UnknownPerson
from coop.domain.care.errors import (
    InThePast,
    NotYourVisit,
    PaUnavailable,
    UserDoubleBooked,
    VisitNotFound,
)
from coop.domain.care.tasks import UnknownTask
from coop.domain.care.times import BadDuration

from .leeds import MONDAY, TUESDAY, Leeds, at, book, leeds


def ask(coop: Coop, town: Leeds, **changes: Any) -> Callable[[], object]:
    """Grace asks (herself) for a visit on Tuesday at 10:00, with ``changes``."""
    fields: dict[str, Any] = {
        "day": TUESDAY,
        "start": time(10),
        "minutes": 60,
        "tasks": ["personal_care"],
        "by": town.account["Grace"],
    }
    fields.update(changes)
    user = fields.pop("user", town.member["Grace"])
    return lambda: coop.request_visit(user, **fields)


CASES: dict[str, tuple[Callable[[Coop, Leeds], Callable[[], object]], type[Exception], str]] = {
    "an overlap": (
        lambda coop, town: ask(coop, town, start=time(10, 30)),
        UserDoubleBooked,
        "Grace already has a visit from 10:00 to 11:00.",
    ),
    "a date in the past": (
        lambda coop, town: ask(coop, town, day=MONDAY, start=time(9)),
        InThePast,
        "A visit must be in the future.",
    ),
    "a duration of zero": (
        lambda coop, town: ask(coop, town, start=time(14), minutes=0),
        BadDuration,
        "A visit must last at least 1 minute and at most 24 hours.",
    ),
    "a duration over 24 hours": (
        lambda coop, town: ask(coop, town, start=time(14), minutes=24 * 60 + 1),
        BadDuration,
        "at most 24 hours",
    ),
    "an unknown PA": (
        lambda coop, town: ask(coop, town, start=time(14), pa_id=uuid4()),
        UnknownPerson,
        "There is no PA with that reference in the co-op.",
    ),
    "a member who is not a PA": (
        lambda coop, town: ask(coop, town, start=time(14), pa_id=town.member["Priya"]),
        NotCurrent,
        "Priya is not a current PA of the co-op.",
    ),
    "an unknown task": (
        lambda coop, town: ask(coop, town, start=time(14), tasks=["gardening"]),
        UnknownTask,
        "“gardening” is not a task coop knows.",
    ),
    "a carer without consent": (
        lambda coop, town: ask(coop, town, user=town.member["Siobhan"], by=town.account["Hannah"]),
        NoConsent,
        "Hannah can book for Siobhan only while Siobhan consents.",
    ),
    "a forged visit id": (
        lambda coop, town: lambda: coop.accept_visit(uuid4(), by=town.account["Ewan"]),
        VisitNotFound,
        "There is no visit with that reference.",
    ),
    "a forged account id": (
        lambda coop, town: ask(coop, town, start=time(14), by=uuid4()),
        UnknownActor,
        "We could not tell who is asking.",
    ),
    "a forged user id": (
        lambda coop, town: ask(coop, town, user=uuid4(), by=town.joy),
        UnknownPerson,
        "There is no user with that reference",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_with_its_reason_and_stores_nothing(coop: Coop, case: str) -> None:
    town = leeds(coop)
    book(coop, town, "Grace", TUESDAY, 10)
    make, error, words = CASES[case]
    command = make(coop, town)
    before = coop.recorder.max_notification_id()
    with pytest.raises(error) as refused:
        command()
    assert words in str(refused.value)
    assert coop.recorder.max_notification_id() == before


def test_a_pa_checking_in_to_someone_elses_visit_is_refused_and_nothing_is_stored(
    coop: Coop, clock: FixedClock
) -> None:
    town = leeds(coop)
    visit = book(coop, town, "Grace", TUESDAY, 10)
    clock.set(at(TUESDAY, 10))
    before = coop.recorder.max_notification_id()
    for pa in ("Marcus", "Aisha"):
        with pytest.raises(
            NotYourVisit, match="^Only the visit's own PA can check in; this visit is not yours.$"
        ):
            coop.check_in(visit, by=town.account[pa])
    with pytest.raises(NotYourVisit):
        coop.write_visit_note(visit, "All well", by=town.account["Marcus"])
    assert coop.recorder.max_notification_id() == before


def test_a_visit_outside_the_pas_availability_is_not_confirmed_and_nothing_is_stored(
    coop: Coop,
) -> None:
    town = leeds(coop)
    visit = coop.request_visit(
        town.member["Grace"], day=TUESDAY, start=time(17), minutes=60, tasks=["meals"],
        by=town.joy,
    ).subject  # fmt: skip
    before = coop.recorder.max_notification_id()
    with pytest.raises(PaUnavailable) as refused:
        coop.confirm_visit(visit, town.member["Ewan"], by=town.joy)
    assert str(refused.value) == (
        "Ewan is not available from 17:00 to 18:00 on Tuesday 24 November 2026:"
        " they work 09:00 to 17:00 on Tuesdays."
    )
    assert coop.recorder.max_notification_id() == before
