"""A small care co-op's money on the real event store: people, accounts, rates, a year, visits.

Visits are written as the care side's own events (``coop.domain.care.visits``), back-dated
through the domain methods' ``now``: finance reads nothing of care but its events.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time, timedelta
from uuid import UUID, uuid4

import asyncpg

from coop.application import Coop
from coop.domain.accounts import Role
from coop.domain.care.tasks import Task
from coop.domain.care.times import Interval, visit_interval
from coop.domain.care.visits import Requester, Visit
from coop.domain.governance.rules import model_rules
from coop.infra.sealing import master_key
from coop.projections.runner import ALL, catch_up
from tests.conftest import SECRET
from tests.domain.finance.books import AMIRA, DEV, JOSEPH, SIOBHAN, UPLIFTS

STARTS, ENDS = date(2025, 4, 1), date(2026, 3, 31)
NEXT_STARTS, NEXT_ENDS = date(2026, 4, 1), date(2027, 3, 31)
RULES = model_rules()

__all__ = ["AMIRA", "DEV", "JOSEPH", "SIOBHAN"]


class People:
    """The office: a trustee, the treasurer (a coordinator with the duty), a coordinator."""

    def __init__(self, coop: Coop) -> None:
        self.trustee = _account(coop, "Ruth Adeyemi", ())
        self.treasurer = _account(coop, "Grace Mensah", (Role.COORDINATOR, Role.TREASURER))
        self.coordinator = _account(coop, "Sam Okafor", (Role.COORDINATOR,))


def _account(coop: Coop, name: str, roles: tuple[Role, ...]) -> UUID:
    email = name.lower().replace(" ", ".") + "@example.org"
    return coop.open_account(name=name, email=email, password_hash="x", roles=roles).subject


def a_year_open(coop: Coop, *, rules: bool = True) -> tuple[People, UUID]:
    """Rules (unless the test adopted its own) and rates adopted, the people's accounts,
    and 2025 to 2026 open."""
    people = People(coop)
    if rules:
        coop.adopt_rules(RULES, by=people.trustee, reference="AGM 2025 resolution 1")
    coop.adopt_rates(
        effective_from=STARTS,
        charge_pence_per_hour=2800,
        pay_pence_per_hour=1480,
        uplifts=UPLIFTS,
        minute="Board 2025/03 minute 4",
        by=people.trustee,
    )
    period = coop.open_period(
        name="2025 to 2026", starts=STARTS, ends=ENDS, minute="Board 2025/03", by=people.trustee
    ).subject
    return people, period


def a_summer_of_care(coop: Coop, *, rules: bool = True) -> tuple[People, UUID]:
    """The year open (as ``a_year_open``) and 240 hours of care delivered in it: Dev with
    Amira from 9am to 5pm each Tuesday, Wednesday and Thursday for ten weeks from 3 June
    2025, none of it at an uplifted rate. Its surplus is £3,168.00 (£6,720.00 charged,
    £3,552.00 paid), of which the model rules let £2,851.20 be declared."""
    people, period = a_year_open(coop, rules=rules)
    for week in range(10):
        for weekday in range(3):
            deliver(coop, date(2025, 6, 3) + timedelta(weeks=week, days=weekday), "09:00", 480)
    return people, period


def surplus_declared(coop: Coop, people: People, period: UUID, *, pence: int) -> None:
    """The year closed (its books caught up with its visits) and ``pence`` of its
    surplus declared for the members to share out."""
    coop.close_period(period, minute="Board 2026/05 minute 2", by=people.trustee)
    coop.declare_distributable(
        period, pence=pence, minute="Board 2026/05 minute 3", by=people.trustee
    )


def deliver(
    coop: Coop,
    day: date,
    start: str,
    minutes: int,
    *,
    user: UUID = AMIRA,
    pa: UUID = DEV,
    late_by: int = 0,
    check_out: bool = True,
) -> UUID:
    """A visit booked, confirmed, checked in (``late_by`` minutes late) and out."""
    visit, interval = _confirmed(day, start, minutes, user, pa)
    arrived = interval.start + timedelta(minutes=late_by)
    reason = "Bus was late" if late_by > 15 else ""
    visit.check_in(pa, actual=arrived, reason=reason, now=arrived)
    if check_out:
        left = interval.end + timedelta(minutes=late_by)
        visit.check_out(pa, actual=left, reason=reason, now=left)
    coop.save(visit)
    return visit.id


def cancel_late(
    coop: Coop, day: date, start: str, minutes: int, *, user: UUID = AMIRA, pa: UUID = DEV
) -> UUID:
    """A visit the user cancelled two hours before: chargeable by the rules."""
    visit, interval = _confirmed(day, start, minutes, user, pa)
    visit.cancel(
        reason="In hospital",
        by=user,
        by_role=Requester.USER,
        rules=RULES,
        now=interval.start - timedelta(hours=2),
    )
    coop.save(visit)
    return visit.id


def miss(
    coop: Coop, day: date, start: str, minutes: int, *, user: UUID = AMIRA, pa: UUID = DEV
) -> UUID:
    """A visit nobody came to."""
    visit, interval = _confirmed(day, start, minutes, user, pa)
    visit.mark_missed(rules=RULES, now=interval.start + timedelta(hours=1))
    coop.save(visit)
    return visit.id


def _confirmed(day: date, start: str, minutes: int, user: UUID, pa: UUID) -> tuple[Visit, Interval]:
    hours, mins = map(int, start.split(":"))
    interval = visit_interval(day, time(hours, mins), minutes)
    booked = interval.start - timedelta(days=7)
    visit = Visit.request(
        uuid4(),
        user_id=user,
        day=day,
        start=time(hours, mins),
        minutes=minutes,
        tasks=(Task.PERSONAL_CARE,),
        pa_id=pa,
        by=user,
        by_role=Requester.USER,
        now=booked,
    )
    visit.accept(pa, now=booked)
    visit.confirm(pa, by=pa, as_coordinator=False, now=booked)
    return visit, interval


def books_up_to_date(db_url: str) -> None:
    """Bring every read model up to the head of the log (from a test's own thread)."""

    async def go() -> None:
        conn = await asyncpg.connect(db_url)
        try:
            await catch_up(conn, master_key(SECRET), ALL)
        finally:
            await conn.close()

    # In a thread of its own, so async tests (with their loop running) can call it too.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, go()).result()
