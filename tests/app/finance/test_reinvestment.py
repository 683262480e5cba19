"""The surplus put to the members and their decision carried out, on the real event store:
the ballot's budget and a rate change's cost come from the period's own books, and the
scheduler enacts what was funded (new rates from a date, commitments shown until spent)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
import pytest
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from coop.application import Coop
from coop.clock import Clock, FixedClock
from coop.domain.finance.ledger import Category
from coop.domain.finance.periods import PeriodError, commitment_id
from coop.domain.finance.rates import RATES_ID, Rates
from coop.domain.governance.ballots import Ballot, BallotKind, Elector, Mark
from coop.domain.membership.member_details import MemberClass
from coop.infra.eventstore.codec import EventMapper, MsgspecTranscoder
from coop.infra.sealing import master_key
from coop.projections.finance.books import pay_statement
from coop.projections.finance.queries import commitments
from coop.projections.runner import ALL, catch_up
from coop.scheduler import tick
from tests.app.finance.test_periods import a_year_of_books
from tests.app.finance.world import DEV, NEXT_ENDS, NEXT_STARTS, People, deliver
from tests.conftest import SECRET
from tests.people import details

T = TypeVar("T")
PAY_RISE = "50p an hour more for PAs"
RESPITE = "Respite breaks for carers"


class Scheduling:
    """What the scheduler needs, over the test's own pool (as the web's Services gives it)."""

    def __init__(self, coop: Coop, pool: asyncpg.Pool, clock: Clock) -> None:
        self.coop, self.pool, self.clock = coop, pool, clock

    async def run(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(command, *args, **kwargs)

    async def seen(self, position: int, *projections: str) -> None:
        async with self.pool.acquire() as conn:
            await catch_up(conn, master_key(SECRET), ALL)


def members(coop: Coop, trustee: UUID) -> list[Elector]:
    electors = []
    for name, cls in [
        ("Amira Hassan", MemberClass.USER),
        ("Priya Raman", MemberClass.CARER),
        ("Ewan McAllister", MemberClass.PA),
    ]:
        member = coop.apply_for_membership(details(name, requested_class=cls)).subject
        coop.admit(member, by=trustee, minute_reference="BM-1")
        electors.append(Elector(member, str(cls)))
    return electors


def declared(coop: Coop, db_url: str) -> tuple[People, UUID]:
    """2025 to 2026 closed (a surplus of £4,405.60) and £3,000 of it declared."""
    people, period = a_year_of_books(coop, db_url)
    coop.close_period(period, minute="Board 2026/05", by=people.trustee)
    coop.declare_distributable(period, pence=300_000, minute="Board 2026/06", by=people.trustee)
    return people, period


def put_to_members(coop: Coop, clock: FixedClock, period: UUID, trustee: UUID) -> UUID:
    now = clock.now()
    return coop.draft_reinvestment(
        period,
        title="Sharing out the 2025 to 2026 surplus",
        question="Which of these should the co-op spend its surplus on?",
        topic="surplus",
        opens_at=now + timedelta(days=14),
        closes_at=now + timedelta(days=28),
        proposals_until=now + timedelta(days=10),
        by=trustee,
    ).subject


def test_the_ballots_budget_and_a_rate_changes_cost_come_from_the_declared_period(
    coop: Coop, clock: FixedClock, db_url: str
) -> None:
    people, period = declared(coop, db_url)
    ewan = members(coop, people.trustee)[2].member_id
    ballot = put_to_members(coop, clock, period, people.trustee)
    drafted = coop.repository.get(ballot)
    assert isinstance(drafted, Ballot)
    assert (drafted.budget_pence, drafted.period_id) == (300_000, period)
    assert (drafted.period, drafted.hours_delivered) == ("2025 to 2026", Decimal("3.00"))
    proposal = coop.propose_option(
        ballot,
        ewan,
        title=PAY_RISE,
        description="Raise PA pay by 50p an hour.",
        benefits="pas",
        rate="pa_pay",
        pence_per_hour=50,
    ).subject
    # Three hours of care were paid in the period (one of them on a Saturday): 3 × 50p.
    assert coop.repository.get(ballot).proposals[proposal].costing.cost_pence == 150


def test_a_declared_surplus_is_put_to_the_members_once_and_only_once_declared(
    coop: Coop, clock: FixedClock, db_url: str
) -> None:
    people, period = a_year_of_books(coop, db_url)
    coop.close_period(period, minute="Board 2026/05", by=people.trustee)
    with pytest.raises(PeriodError, match="nothing to put to the members"):
        put_to_members(coop, clock, period, people.trustee)
    coop.declare_distributable(period, pence=300_000, minute="Board 2026/06", by=people.trustee)
    put_to_members(coop, clock, period, people.trustee)
    with pytest.raises(PeriodError, match="already the budget of another"):
        put_to_members(coop, clock, period, people.trustee)
    with pytest.raises(PeriodError, match="budget is the surplus declared"):
        coop.draft_reinvestment(period, budget_pence=5, by=people.trustee)
    typed = coop.draft_ballot(
        kind=BallotKind.REINVESTMENT,
        title="Typed",
        question="?",
        budget_pence=300_000,
        opens_at=clock.now() + timedelta(days=14),
        closes_at=clock.now() + timedelta(days=28),
        by=people.trustee,
    ).subject
    with pytest.raises(PeriodError, match="does not share out the surplus of 2025 to 2026"):
        coop.invite_proposals(
            typed, until=clock.now() + timedelta(days=1), period_id=period, by=people.trustee
        )


async def test_the_scheduler_enacts_the_funded_pay_rise_and_commits_the_rest(
    coop: Coop, clock: FixedClock, db_url: str, pool: asyncpg.Pool
) -> None:
    people, period = declared(coop, db_url)
    electors = members(coop, people.trustee)
    ewan, priya = electors[2].member_id, electors[1].member_id
    ballot = put_to_members(coop, clock, period, people.trustee)
    rise = coop.propose_option(
        ballot, ewan, title=PAY_RISE, description="More pay.", benefits="pas", rate="pa_pay",
        pence_per_hour=50,
    ).subject  # fmt: skip
    breaks = coop.propose_option(
        ballot, priya, title=RESPITE, description="Weekends away.", benefits="carers",
        cost_pence=200_000,
    ).subject  # fmt: skip
    for proposal in (rise, breaks):
        coop.list_proposal(ballot, proposal, by=people.trustee)
    clock.advance(timedelta(days=14))
    coop.open_ballot(ballot, electors)
    options = [o.id for o in coop.repository.get(ballot).options]
    for elector in electors:
        coop.cast_vote(
            ballot, elector.member_id, Mark(approvals=tuple(options)), cast_by=elector.member_id
        )
    clock.advance(timedelta(days=14))  # 21 December 2026
    s = Scheduling(coop, pool, clock)
    done = await tick(s)  # counted, and enacted in this tick or the next
    done += [] if ("enacted", ballot) in done else await tick(s)
    assert done == [("counted", ballot), ("enacted", ballot)]
    assert await tick(s) == []  # once

    rates = coop.repository.get(RATES_ID)
    assert isinstance(rates, Rates)
    [_, enacted] = rates.history
    assert (enacted.effective_from, enacted.pay_pence_per_hour) == (date(2027, 1, 1), 1530)
    assert enacted.charge_pence_per_hour == 2800
    with pytest.raises(PeriodError, match="already been enacted"):
        coop.enact_reinvestment(ballot)

    # Later visits are paid at the new rate: an hour on Tuesday 5 January 2027.
    this_year = coop.open_period(
        name="2026 to 2027", starts=NEXT_STARTS, ends=NEXT_ENDS, minute="B", by=people.trustee
    ).subject
    deliver(coop, date(2027, 1, 5), "09:00", 60)
    await s.seen(0)
    statement = await pay_statement(pool, DEV, date(2027, 1, 1))
    assert [(line.minutes, line.pence_per_hour, line.pence) for line in statement.lines] == [
        (60, 1530, 1530)
    ]

    # The carers' breaks are a commitment against the surplus, shown until spent.
    [committed] = await commitments(pool, unspent_only=True)
    assert (committed.title, committed.pence, committed.spent_pence) == (RESPITE, 200_000, 0)
    assert committed.commitment_id == commitment_id(ballot, committed.option_id)
    spend: dict[str, Any] = {
        "on": date(2026, 12, 21),
        "category": Category.OTHER_COST,
        "reference": "Respite Breaks Ltd invoice 12",
        "by": people.treasurer,
    }
    before = coop.recorder.max_notification_id()
    with pytest.raises(PeriodError, match=r"more than is left of the commitment \(£2,000.00\)"):
        coop.spend_commitment(
            this_year, period, committed.commitment_id, amount_pence=250_000, **spend
        )
    assert coop.recorder.max_notification_id() == before
    coop.spend_commitment(this_year, period, committed.commitment_id, amount_pence=150_000, **spend)
    await s.seen(0)
    [committed] = await commitments(pool, unspent_only=True)
    assert committed.left_pence == 50_000


def test_a_proposal_window_stored_before_periods_were_named_still_reads() -> None:
    stored = StoredEvent(
        originator_id=UUID(int=1),
        originator_version=2,
        topic=get_topic(Ballot.ProposalsInvited),
        state=(
            b'{"until":"2026-12-01T10:00:00+00:00","period":"2025 to 2026",'
            b'"hours_delivered":"12480.5","by":"6f1c0a52-5b1e-4b8e-9d0e-0c2d1b3a4f5e",'
            b'"timestamp":"2026-11-23T10:00:00+00:00"}'
        ),
    )
    event = EventMapper(MsgspecTranscoder()).to_domain_event(stored)
    assert (event.period, event.hours_delivered, event.period_id) == (
        "2025 to 2026",
        Decimal("12480.5"),
        None,
    )
