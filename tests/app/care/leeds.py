"""A small Leeds care co-op on the real event store: users, carers, PAs and the office.

Every person is an admitted member with an account (as the web signs them in);
Joy is the office's coordinator. Care is set up through the real commands: the
PAs' weeks and skills, Grace's and Siobhan's plans. The conftest clock is
Monday 23 November 2026, 10:00 (UTC, which is UK time in winter).
"""

from __future__ import annotations

from datetime import date, datetime, time
from uuid import UUID, uuid4

import msgspec
from eventsourcing.application import AggregateNotFoundError

from coop.application import Coop
from coop.clock import UK
from coop.domain.accounts import Role
from coop.domain.care.availability import WeeklyPattern, Window
from coop.domain.care.plans import Place, SupportPlan
from coop.domain.care.tasks import Task
from coop.domain.care.times import Interval, monday_of
from coop.domain.care.weeks import Week, week_id
from coop.domain.governance.rules import model_rules
from coop.domain.membership.member_details import MemberClass
from tests.people import details

TRUSTEE = uuid4()
MONDAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
WEDNESDAY = date(2026, 11, 25)
PEOPLE = [
    ("Grace Okafor", MemberClass.USER),
    ("Siobhan Kelly", MemberClass.USER),
    ("Priya Raman", MemberClass.CARER),  # Grace consents to her
    ("Hannah Lewis", MemberClass.CARER),  # asked to care for Siobhan; no consent yet
    ("Ewan McAllister", MemberClass.PA),
    ("Marcus Boateng", MemberClass.PA),
    ("Aisha Begum", MemberClass.PA),  # drives; no personal care
]
GRACE_HOME = Place(address="7 Harehills Lane\nLeeds", postcode="LS9 6JN", access="Key safe: 4271")


class Leeds(msgspec.Struct, frozen=True):
    """Member ids and account ids by first name; ``joy`` is the coordinator's account."""

    member: dict[str, UUID]
    account: dict[str, UUID]
    joy: UUID


def at(day: date, hh: int, mm: int = 0) -> datetime:
    """A UK wall-clock moment."""
    return datetime.combine(day, time(hh, mm), tzinfo=UK)


def weekdays(first_hour: int, last_hour: int, starts_on: date = MONDAY) -> WeeklyPattern:
    windows = tuple(Window(d, first_hour * 60, last_hour * 60) for d in range(5))
    return WeeklyPattern(starts_on=starts_on, windows=windows)


def grace_plan(**overrides: object) -> SupportPlan:
    fields: dict[str, object] = {
        "funded_minutes_a_week": 10 * 60,
        "tasks": (Task.PERSONAL_CARE, Task.MEDICATION, Task.MEALS),
    }
    fields.update(overrides)
    return SupportPlan(**fields)  # type: ignore[arg-type]


def leeds(coop: Coop, password_hash: str | None = None) -> Leeds:
    """The co-op, its people and their care, through the real commands (``password_hash``
    lets everyone sign in, for the pages' tests)."""
    password_hash = password_hash or "!"  # "!": no password opens the account
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026 resolution 1")
    member: dict[str, UUID] = {}
    account: dict[str, UUID] = {}
    for name, cls in PEOPLE:
        first = name.split()[0]
        member[first] = coop.apply_for_membership(details(name, requested_class=cls)).subject
        coop.admit(member[first], by=TRUSTEE, minute_reference="BM-1")
        account[first] = coop.open_account(
            name=name,
            email=f"{first.lower()}@example.org",
            password_hash=password_hash,
            roles=(),
            member_id=member[first],
        ).subject
    joy = coop.open_account(
        name="Joy Adeyemi",
        email="joy@example.org",
        password_hash=password_hash,
        roles=(Role.COORDINATOR,),
    ).subject
    coop.ask_to_link_carer(member["Priya"], member["Grace"], by=account["Priya"])
    coop.consent_to_carer(member["Grace"], member["Priya"], by=account["Grace"])
    coop.ask_to_link_carer(member["Hannah"], member["Siobhan"], by=account["Hannah"])
    for pa, skills in [
        ("Ewan", ("personal_care", "medication")),
        ("Marcus", ("personal_care", "medication", "hoist")),
        ("Aisha", ("driving",)),
    ]:
        coop.set_skills(member[pa], skills, by=joy)
        coop.set_availability(member[pa], weekdays(9, 17), by=account[pa])
    coop.set_support_plan(member["Grace"], grace_plan(), GRACE_HOME, by=account["Priya"])
    coop.set_support_plan(
        member["Siobhan"],
        grace_plan(not_wanted=(member["Marcus"],)),
        Place(address="3 Westgate\nWakefield", postcode="WF1 1JY"),
        by=account["Siobhan"],
    )
    return Leeds(member, account, joy)


def book(
    coop: Coop,
    town: Leeds,
    user: str,
    day: date,
    hh: int,
    mm: int = 0,
    *,
    minutes: int = 60,
    pa: str | None = "Ewan",
    tasks: tuple[str, ...] = ("personal_care",),
) -> UUID:
    """The user asks for a visit (from a named PA) and the PA accepts: its id."""
    visit = coop.request_visit(
        town.member[user],
        day=day,
        start=time(hh, mm),
        minutes=minutes,
        tasks=tasks,
        pa_id=None if pa is None else town.member[pa],
        by=town.account[user],
    ).subject
    if pa is not None:
        coop.accept_visit(visit, by=town.account[pa])
    return visit


def held(coop: Coop, person: UUID, *days: date) -> dict[UUID, Interval]:
    """The visits on ``person``'s diary pages for the weeks of ``days``, as stored."""
    found: dict[UUID, Interval] = {}
    for monday in {monday_of(day) for day in days}:
        try:
            page: Week = coop.repository.get(week_id(person, monday))
        except AggregateNotFoundError:
            continue
        found.update(page.held)
    return found
