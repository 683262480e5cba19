"""`coop bench care`, the co-op: 150 PAs, 300 users and a year of delivered visits.

The people, their accounts, the PAs' skills and weekly patterns and the users'
plans go through the real commands, on a clock set a year back (a pattern can
only start today or later). The year's visits are then appended in bulk as the
events the commands would have recorded (as ``bench.money_close`` does):
each visit requested from a named PA, confirmed, checked in and out, and held
on the PA's and the user's week pages (the PA's diary noting each week's page),
so the diaries the load will book into carry a year of history. The visits never clash: four slots a day, hours
apart, and within a slot each PA has at most one visit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from bench.money_close import _event
from coop.application import Coop
from coop.clock import UK, FixedClock
from coop.domain.accounts import Role
from coop.domain.care.availability import WeeklyPattern, Window
from coop.domain.care.diaries import PaDiary, pa_diary_id
from coop.domain.care.plans import Place, SupportPlan
from coop.domain.care.tasks import Task
from coop.domain.care.times import Interval, monday_of
from coop.domain.care.visits import Requester, Visit, VisitText
from coop.domain.care.weeks import Week, week_id
from coop.domain.governance.rules import model_rules
from coop.domain.membership.member_details import ContactDetails, ContactMethod, MemberClass
from coop.domain.membership.members import imported_member_id
from coop.domain.membership.old_records import OldRecord
from coop.infra.db import eventsourcing_env
from coop.infra.sealing import master_key
from coop.projections.runner import catch_up

BENCH_SECRET = "coop bench secret"  # noqa: S105  (a throw-away scratch database)
PAS, USERS = 150, 300
SLOTS = (time(8, 0), time(12, 0), time(16, 30), time(20, 0))  # an hour each, hours apart
VISITS_A_DAY = 548  # 200,000 a year
WORKS = (7 * 60, 22 * 60)  # every PA: 07:00 to 22:00, every day
TASKS = (Task.PERSONAL_CARE, Task.MEALS)
INSERT_BATCH = 6_000
_NOT_A_HASH = "not a password hash"
_NO_REASON = VisitText(text="")
_VISIT = get_topic(Visit)
_WEEK = get_topic(Week)


@dataclass
class CoOp:
    """Who is who: member ids and account ids, PAs then users, and the office."""

    pas: list[UUID]
    users: list[UUID]
    accounts: dict[UUID, UUID]  # member id: account id
    coordinator: UUID
    visits: int = 0
    events: int = 0


def build(db_url: str, visits: int, now: datetime, threads: int) -> CoOp:
    """The co-op with ``visits`` delivered visits ending yesterday; its read models caught up."""
    days = max(1, visits // VISITS_A_DAY)
    began = now - timedelta(days=days + 1)
    coop = Coop(
        eventsourcing_env(db_url, pool_size=threads),
        secret_key=BENCH_SECRET,
        clock=FixedClock(began),
    )
    try:
        co_op = _people(coop, began.astimezone(UK).date(), threads)
        co_op.visits, co_op.events = _year(coop, co_op, began.astimezone(UK).date(), days)
    finally:
        coop.close()
    asyncio.run(_project(db_url))
    return co_op


def _people(coop: Coop, first_day: date, threads: int) -> CoOp:
    trustee = uuid4()
    coop.adopt_rules(model_rules(), by=trustee, reference="AGM resolution 1")
    classes = [MemberClass.PA] * PAS + [MemberClass.USER] * USERS
    records = [
        OldRecord(
            line=n + 1,
            number=n,
            member_class=cls,
            details=ContactDetails(
                name=f"{'PA' if cls is MemberClass.PA else 'User'} {n}",
                preferred_name="",
                email=f"member.{n}@example.org",
                phone="",
                address=f"{n} Roundhay Road\nLeeds",
                postcode="LS8 2AB",
                contact_methods=(ContactMethod.EMAIL,),
                access_needs="",
            ),
            entered_on=date(2015, 1, 1),
        )
        for n, cls in enumerate(classes, start=1)
    ]
    coop.import_members(records, source="register.csv", by=trustee)
    members = [imported_member_id(r.number) for r in records]
    office = coop.open_account(
        name="Joy Adeyemi",
        email="joy@example.org",
        password_hash=_NOT_A_HASH,
        roles=(Role.COORDINATOR,),
    ).subject

    def account(member: UUID) -> UUID:
        return coop.open_account(
            name="A member",
            email=f"{member}@example.org",
            password_hash=_NOT_A_HASH,
            roles=(),
            member_id=member,
        ).subject

    pattern = WeeklyPattern(starts_on=first_day, windows=tuple(Window(d, *WORKS) for d in range(7)))
    pas, users = members[:PAS], members[PAS:]

    def pa(member: UUID) -> None:
        coop.set_skills(member, [str(t) for t in TASKS], by=office)
        coop.set_availability(member, pattern, by=office)

    def user(member: UUID) -> None:
        plan = SupportPlan(funded_minutes_a_week=60 * 60, tasks=TASKS)
        place = Place(address="1 Harehills Lane\nLeeds", postcode="LS9 6JN")
        coop.set_support_plan(member, plan, place, by=office)

    with ThreadPoolExecutor(threads) as pool:
        accounts = dict(zip(members, pool.map(account, members), strict=True))
        list(pool.map(pa, pas))
        list(pool.map(user, users))
    return CoOp(pas, users, accounts, office)


def _year(coop: Coop, co_op: CoOp, first_day: date, days: int) -> tuple[int, int]:
    """Append the year's visits as events, in batches; how many visits and events."""
    # The next version of each PA's diary and each page, as the events are made.
    versions: dict[UUID, int] = {
        pa_diary_id(p): coop.repository.get(pa_diary_id(p)).version for p in co_op.pas
    }
    stored: list[StoredEvent] = []
    visits = events = 0
    for event in _events(co_op, first_day, days, versions):
        stored.append(coop.mapper.to_stored_event(event))
        visits += event.originator_version == 1 and isinstance(event, Visit.Requested)
        if len(stored) >= INSERT_BATCH:
            coop.recorder.insert_events(stored)
            events, stored = events + len(stored), []
    if stored:
        coop.recorder.insert_events(stored)
        events += len(stored)
    return visits, events


def _events(co_op: CoOp, first_day: date, days: int, versions: dict[UUID, int]) -> Iterator[Any]:
    per_slot = VISITS_A_DAY // len(SLOTS)  # < PAS: each PA at most once a slot
    for d in range(days):
        day = first_day + timedelta(days=d)
        for s, start in enumerate(SLOTS):
            for k in range(per_slot):
                user = co_op.users[(d * 97 + s * per_slot + k) % USERS]
                pa = co_op.pas[(d * 7 + s * 31 + k) % PAS]
                yield from _delivered(co_op, day, start, user, pa, versions)


def _delivered(
    co_op: CoOp, day: date, start: time, user: UUID, pa: UUID, versions: dict[UUID, int]
) -> Iterator[Any]:
    """One visit's events, and the diaries holding it."""
    begins = datetime.combine(day, start, tzinfo=UK).astimezone(UTC)
    interval = Interval(begins, begins + timedelta(hours=1))
    booked, visit = begins - timedelta(days=7), uuid4()
    yield _event(
        Visit.Requested,
        originator_id=visit, originator_version=1, timestamp=booked, originator_topic=_VISIT,
        user_id=user, day=day, start=start, minutes=60, interval=interval, tasks=TASKS,
        pa_id=pa, by=co_op.accounts[user], by_role=Requester.USER, at=booked,
    )  # fmt: skip
    yield _event(
        Visit.Confirmed,
        originator_id=visit, originator_version=2, timestamp=booked, pa_id=pa,
        by=co_op.coordinator, at=booked,
    )  # fmt: skip
    for n, (cls, at) in enumerate(
        ((Visit.CheckedIn, interval.start), (Visit.CheckedOut, interval.end)), start=3
    ):
        yield _event(
            cls,
            originator_id=visit, originator_version=n, timestamp=at, user_id=user, pa_id=pa,
            actual=at, reason=_NO_REASON, at=at,
        )  # fmt: skip
    monday = monday_of(day)  # the visits never cross midnight: one page each
    for owner in (pa, user):
        page = week_id(owner, monday)
        if page not in versions:
            yield from _opened(owner, monday, page, booked, versions)
        versions[page] += 1
        yield _event(
            Week.VisitHeld,
            originator_id=page, originator_version=versions[page], timestamp=booked,
            visit_id=visit, interval=interval, approved_by=None,
        )  # fmt: skip


def _opened(
    owner: UUID, monday: date, page: UUID, at: datetime, versions: dict[UUID, int]
) -> Iterator[Any]:
    """A new page, and (a PA's) the diary noting it."""
    versions[page] = 1
    yield _event(
        Week.Opened,
        originator_id=page, originator_version=1, timestamp=at, originator_topic=_WEEK,
        owner_id=owner, monday=monday,
    )  # fmt: skip
    diary = pa_diary_id(owner)
    if diary in versions:
        versions[diary] += 1
        yield _event(
            PaDiary.WeekOpened,
            originator_id=diary, originator_version=versions[diary], timestamp=at, monday=monday,
        )  # fmt: skip


async def _project(db_url: str) -> None:
    """Every read model caught up with the year (the web app's worker then starts level)."""
    conn = await asyncpg.connect(db_url)
    reader = await asyncpg.connect(db_url)
    try:
        await catch_up(conn, master_key(BENCH_SECRET), reader=reader)
        await conn.execute("VACUUM ANALYZE")
    finally:
        await reader.close()
        await conn.close()
