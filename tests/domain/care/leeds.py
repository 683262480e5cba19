"""A small Leeds care co-op for the care domain's tests: its people, their weeks, its rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from uuid import UUID, uuid5

from coop.clock import UK
from coop.domain.care.availability import (
    Availability,
    AvailabilityException,
    ExceptionKind,
    WeeklyPattern,
    Window,
)
from coop.domain.care.books import PaBook, UserBook
from coop.domain.care.diaries import PaDiary, UserDiary
from coop.domain.care.plans import Place, SupportPlan
from coop.domain.care.tasks import Task
from coop.domain.care.times import Interval, visit_interval, wall_span
from coop.domain.care.weeks import Pages
from coop.domain.governance.rules import model_rules

_NS = UUID("2e9d1f60-3b5a-4c7e-8f21-0a6b9c3d5e74")


def person(name: str) -> UUID:
    return uuid5(_NS, name)


# Users, their carer, PAs and the office.
GRACE, SIOBHAN, ARTHUR = (
    person("Grace Okafor"),
    person("Siobhan Kelly"),
    person("Arthur Pennington"),
)
PRIYA = person("Priya Raman")  # Grace's daughter and carer
SAM, EWAN, MARCUS, AISHA = (
    person("Sam Whitaker"),
    person("Ewan McAllister"),
    person("Marcus Boateng"),
    person("Aisha Begum"),
)
JOY = person("Joy Adeyemi")  # coordinator
NAMES = {
    GRACE: "Grace",
    SIOBHAN: "Siobhan",
    ARTHUR: "Arthur",
    SAM: "Sam",
    EWAN: "Ewan",
    MARCUS: "Marcus",
    AISHA: "Aisha",
}

RULES = model_rules()  # travel buffer 15 minutes, late window 24 hours, charge 50 %
MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UK).astimezone(UTC)  # Monday morning in the office


def at(day: date, hh: int, mm: int = 0) -> datetime:
    """A UK wall-clock moment, as the instant."""
    return datetime.combine(day, time(hh, mm), tzinfo=UK).astimezone(UTC)


def visit(day: date, hh: int, mm: int = 0, minutes: int = 60) -> Interval:
    return visit_interval(day, time(hh, mm), minutes)


def weekdays(start: int, end: int, days: range = range(5)) -> tuple[Window, ...]:
    """The same hours (whole hours) on each of ``days`` (0 is Monday)."""
    return tuple(Window(d, start * 60, end * 60) for d in days)


def nine_to_five(starts_on: date = date(2026, 1, 5)) -> WeeklyPattern:
    return WeeklyPattern(starts_on=starts_on, windows=weekdays(9, 17))


def away(kind: ExceptionKind, day: date, first_hour: int, last_hour: int) -> AvailabilityException:
    return AvailabilityException(
        id=uuid5(_NS, f"{kind}:{day}:{first_hour}"),
        kind=kind,
        span=wall_span(day, first_hour * 60, last_hour * 60),
    )


def available(
    *patterns: WeeklyPattern, exceptions: tuple[AvailabilityException, ...] = ()
) -> Availability:
    return Availability(patterns=patterns or (nine_to_five(),), exceptions=exceptions)


def pa_diary(
    pa_id: UUID = SAM,
    skills: tuple[Task, ...] = (Task.PERSONAL_CARE, Task.MEDICATION),
    pattern: WeeklyPattern | None = None,
) -> PaBook:
    """Sam's diary (or another PA's), with pages kept in memory as they are written."""
    diary = PaBook(PaDiary(pa_id=pa_id), in_memory(pa_id))
    diary.set_pattern(
        pattern or nine_to_five(date(2026, 3, 2)), pa=NAMES[pa_id], today=MONDAY, by=pa_id
    )
    diary.diary.set_skills(skills, by=pa_id)
    return diary


def in_memory(owner_id: UUID) -> Pages:
    """Pages that exist only in this diary: each opened once, then kept."""
    return Pages(owner_id, lambda _: None)


def saved(*books: PaBook | UserBook) -> list[list[str]]:
    """The events each book would save, by name (and then, as if saved, none pending)."""
    return [
        [type(e).__name__ for a in book.written() for e in a.collect_events()] for book in books
    ]


def grace_plan(**overrides: object) -> SupportPlan:
    fields: dict[str, object] = {
        "funded_minutes_a_week": 10 * 60,
        "tasks": (Task.PERSONAL_CARE, Task.MEDICATION, Task.MEALS),
        "preferred": (SAM,),
        "not_wanted": (MARCUS,),
    }
    fields.update(overrides)
    return SupportPlan(**fields)  # type: ignore[arg-type]


GRACE_HOME = Place(
    address="7 Harehills Lane\nLeeds", postcode="LS9 6JN", access="Key safe by the back door: 4271"
)


def user_diary(user_id: UUID = GRACE, plan: SupportPlan | None = None) -> UserBook:
    diary = UserDiary(user_id=user_id)
    diary.set_plan(plan or grace_plan(), GRACE_HOME, on=MONDAY, by=user_id)
    return UserBook(diary, in_memory(user_id))
