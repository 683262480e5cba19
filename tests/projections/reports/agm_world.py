"""A year at a small care co-op, for the AGM pack: who was a member at its start, who
joined and left, trustees in and out, care delivered, the books closed and the surplus
shared out by the members. Every figure the pack should show is worked out by hand in
``Expected``.

The year is the financial period 1 April 2025 to 31 March 2026 (``STARTS``, ``ENDS``),
so the 2026 pack covers it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, NamedTuple, Protocol
from uuid import UUID

import asyncpg

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.finance.ledger import Category
from coop.domain.governance.ballots import Elector, Mark
from coop.domain.membership.member_details import Cessation, MemberClass, Office
from coop.projections.runner import ALL
from coop.scheduler import tick
from tests.app.finance.test_reinvestment import PAY_RISE, RESPITE, Scheduling, put_to_members
from tests.app.finance.world import a_year_open, deliver
from tests.people import details

TRUSTEE = UUID("00000000-0000-4000-8000-00000000a6a6")


def _on(clock: FixedClock, day: date) -> None:
    clock.set(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC))


def joined(coop: Coop, clock: FixedClock, name: str, cls: MemberClass, on: date) -> UUID:
    """A member admitted on ``on`` (the register's date entered)."""
    _on(clock, on)
    member = coop.apply_for_membership(details(name, requested_class=cls)).subject
    coop.admit(member, by=TRUSTEE, minute_reference=f"BM-{on:%Y-%m}")
    return member


class World(NamedTuple):
    members: dict[str, UUID]
    ballot: UUID | None


class Waiting(Protocol):
    """What waits for the read models: the test's own (``Scheduling``) or the app's."""

    async def seen(self, position: int, *projections: str) -> None: ...


async def caught_up(coop: Coop, waiting: Waiting) -> None:
    await waiting.seen(coop.recorder.max_notification_id() or 0, *(p.name for p in ALL))


async def a_year_at_the_coop(
    coop: Coop,
    clock: FixedClock,
    pool: asyncpg.Pool,
    *,
    share_out: bool = True,
    waiting: Waiting | None = None,
) -> World:
    """The year; with ``share_out``, the members' reinvestment ballot counted after it by
    the scheduler. Where an app is running, pass its ``Services`` as ``waiting`` and no
    ``share_out`` (its own scheduler would race this one to count the ballot)."""
    _on(clock, date(2025, 3, 20))
    people, period = a_year_open(coop)  # rules, rates from 1 April 2025, the period open
    m = {
        "Amira": joined(coop, clock, "Amira Hassan", MemberClass.USER, date(2025, 3, 20)),
        "Nia": joined(coop, clock, "Nia Campbell", MemberClass.USER, date(2025, 3, 20)),
        "Priya": joined(coop, clock, "Priya Raman", MemberClass.CARER, date(2025, 3, 21)),
        "Ewan": joined(coop, clock, "Ewan McAllister", MemberClass.PA, date(2025, 3, 21)),
    }
    coop.take_office(m["Nia"], Office.TRUSTEE, by=TRUSTEE, reference="AGM 2024")
    # In the year:
    m["Dev"] = joined(coop, clock, "Dev Patel", MemberClass.PA, date(2025, 5, 1))
    m["Siobhan"] = joined(coop, clock, "Siobhan Kelly", MemberClass.PA, date(2025, 5, 1))
    _on(clock, date(2025, 6, 1))
    coop.take_office(m["Ewan"], Office.TRUSTEE, by=TRUSTEE, reference="AGM 2025 election")
    m["Joseph"] = joined(coop, clock, "Joseph Byrne", MemberClass.USER, date(2025, 7, 15))
    _on(clock, date(2025, 8, 4))
    applied = coop.apply_for_membership(details("Marek Nowak", requested_class=MemberClass.PA))
    coop.refuse(
        applied.subject,
        by=TRUSTEE,
        reason="Not working for the co-op",
        minute_reference="BM-2025-08",
    )
    _on(clock, date(2025, 9, 1))
    coop.cease(m["Priya"], Cessation.WITHDRAWAL, on=date(2025, 9, 1), by=TRUSTEE)
    _on(clock, date(2026, 2, 1))
    coop.leave_office(m["Nia"], Office.TRUSTEE, by=TRUSTEE, reference="Board 2026/02 minute 1")
    # Care: Tuesday 10 June 2025 (£28 charged, £14.80 paid), Saturday 14 June (weekend:
    # £60 charged, £31.60 paid), Monday 3 November (90 minutes: £42 charged, £22.20 paid);
    # and a visit after the year, which is not in its pack.
    deliver(coop, date(2025, 6, 10), "09:00", 60, user=m["Amira"], pa=m["Dev"])
    deliver(coop, date(2025, 6, 14), "10:00", 120, user=m["Joseph"], pa=m["Siobhan"])
    deliver(coop, date(2025, 11, 3), "09:00", 90, user=m["Amira"], pa=m["Dev"])
    deliver(coop, date(2026, 4, 7), "09:00", 60, user=m["Amira"], pa=m["Dev"])
    for on, category, pence, reference in [
        (date(2025, 4, 14), Category.GRANT, 500_000, "Community Fund award 0042"),
        (date(2025, 6, 1), Category.RENT, 65_000, "Invoice 771"),
    ]:
        coop.record_entry(
            period,
            on=on,
            category=category,
            amount_pence=pence,
            reference=reference,
            by=people.treasurer,
        )
    # The books closed after the year, £3,000 of the surplus put to the members.
    _on(clock, date(2026, 4, 10))
    s = Scheduling(coop, pool, clock)
    await caught_up(coop, waiting or s)  # the close reads the visits from the finance read model
    # In a thread: the close waits for the finance read model, which an app running in
    # this event loop must be free to bring up to date.
    await asyncio.to_thread(
        coop.close_period, period, minute="Board 2026/04 minute 3", by=people.trustee
    )
    coop.declare_distributable(
        period, pence=300_000, minute="Board 2026/04 minute 4", by=people.trustee
    )
    if not share_out:
        await caught_up(coop, waiting or s)
        return World(m, None)
    ballot = put_to_members(coop, clock, period, people.trustee)
    rise = coop.propose_option(
        ballot, m["Dev"], title=PAY_RISE, description="More pay.", benefits="pas",
        rate="pa_pay", pence_per_hour=50,
    ).subject  # fmt: skip
    breaks = coop.propose_option(
        ballot, m["Amira"], title=RESPITE, description="Weekends away.", benefits="carers",
        cost_pence=200_000,
    ).subject  # fmt: skip
    for proposal in (rise, breaks):
        coop.list_proposal(ballot, proposal, by=people.trustee)
    clock.advance(timedelta(days=14))
    electors = [
        Elector(m["Amira"], "user"),
        Elector(m["Joseph"], "user"),
        Elector(m["Ewan"], "pa"),
        Elector(m["Dev"], "pa"),
    ]
    coop.open_ballot(ballot, electors)
    options = [o.id for o in coop.repository.get(ballot).options]
    for e in electors:
        coop.cast_vote(ballot, e.member_id, Mark(approvals=tuple(options)), cast_by=e.member_id)
    clock.advance(timedelta(days=14))
    done = await tick(s)
    done += [] if ("enacted", ballot) in done else await tick(s)
    await s.seen(0)
    return World(m, ballot)


class Expected:
    """The 2026 pack's figures, worked out from the world above by hand."""

    members: ClassVar[list[Any]] = [
        ("user", 2, 3),
        ("carer", 1, 0),
        ("pa", 1, 3),
    ]  # class, at start, at end
    joiners: ClassVar[list[Any]] = [
        ("Dev Patel", date(2025, 5, 1)),
        ("Siobhan Kelly", date(2025, 5, 1)),
    ]
    joiners += [("Joseph Byrne", date(2025, 7, 15))]
    leavers: ClassVar[list[Any]] = [("Priya Raman", date(2025, 9, 1), "withdrawal")]
    trustees_in: ClassVar[list[Any]] = [("Ewan McAllister", date(2025, 6, 1), "AGM 2025 election")]
    trustees_out: ClassVar[list[Any]] = [
        ("Nia Campbell", date(2026, 2, 1), "Board 2026/02 minute 1")
    ]
    # Three admissions and a refusal in the year (the rules, rates and first members came
    # before it, the close and the ballot after it).
    decisions: ClassVar[list[Any]] = ["admission"] * 3 + ["refusal"]
    june, november = (2, 180), (1, 90)  # (visits, minutes)
    by_pa: ClassVar[list[Any]] = [
        ("Dev", 2, 150),
        ("Siobhan", 1, 120),
    ]  # by preferred name, as the care reports
    revenue = 2_800 + 6_000 + 4_200 + 500_000
    pay = 1_480 + 3_160 + 2_220
    other_costs = 65_000
    surplus = revenue - pay - other_costs
    # Both options funded: the respite breaks, and 50p an hour on the 4.5 hours PAs
    # were paid for (the weekend's extra is a fixed sum, not a percentage).
    reinvested: ClassVar[list[Any]] = [(PAY_RISE, 225, "pas"), (RESPITE, 200_000, "carers")]


STARTS, ENDS = date(2025, 4, 1), date(2026, 3, 31)
