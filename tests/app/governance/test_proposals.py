"""Members' reinvestment proposals on the real event store: window, costing, decisions.

A rate change is costed from the books of the period whose declared surplus the ballot
shares out; a ballot drafted with its budget typed in takes sums only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.errors import InvalidInput
from coop.domain.governance.ballots import BallotError, BallotKind, Elector
from tests.app.finance.test_reinvestment import put_to_members
from tests.app.finance.world import a_summer_of_care, books_up_to_date, surplus_declared
from tests.app.governance.test_ballots import TRUSTEE, co_op

BUDGET = 250_000  # £2,500 of the surplus declared for 2025 to 2026


def reinvestment(coop: Coop, clock: FixedClock) -> UUID:
    """A ballot not drafted from a period: £12,000 typed in as its budget."""
    now = clock.now()
    return coop.draft_ballot(
        kind=BallotKind.REINVESTMENT,
        title="Sharing out the 2025 to 2026 surplus",
        question="Which of these should the co-op spend its surplus on?",
        topic="surplus",
        budget_pence=1_200_000,
        opens_at=now + timedelta(days=14),
        closes_at=now + timedelta(days=28),
        by=TRUSTEE,
    ).subject


def invited(coop: Coop, clock: FixedClock, db_url: str) -> tuple[UUID, list[Elector]]:
    """A summer of care in 2025 to 2026 (240 hours), the year closed and £2,500 of its
    surplus put to the members, who may propose options for ten days."""
    electors = co_op(coop)
    people, period = a_summer_of_care(coop, rules=False)
    books_up_to_date(db_url)
    surplus_declared(coop, people, period, pence=BUDGET)
    return put_to_members(coop, clock, period, TRUSTEE), electors


def events(coop: Coop) -> int:
    return coop.recorder.max_notification_id() or 0


def test_a_pay_rise_per_hour_is_costed_from_the_care_delivered_in_the_declared_period(
    coop: Coop, clock: FixedClock, db_url: str
) -> None:
    ballot, electors = invited(coop, clock, db_url)
    ewan = electors[3].member_id
    proposal = coop.propose_option(
        ballot,
        ewan,
        title="50p an hour more for PAs",
        description="Raise PA pay by 50p an hour from April.",
        benefits="pas",
        rate="pa_pay",
        pence_per_hour=50,
    ).subject
    b = coop.repository.get(ballot)
    costing = b.proposals[proposal].costing
    # 50p × the 240 hours the books priced = £120.00
    assert costing.cost_pence == 12_000
    assert (costing.rate, costing.pence_per_hour, costing.hours) == (
        "pa_pay",
        50,
        Decimal("240.00"),
    )


def test_trustees_list_a_proposal_as_an_option_or_decline_it_with_a_reason(
    coop: Coop, clock: FixedClock, db_url: str
) -> None:
    ballot, electors = invited(coop, clock, db_url)
    priya = electors[2].member_id
    respite = coop.propose_option(
        ballot,
        priya,
        title="Respite breaks for carers",
        description="Two weekends of respite care for each carer who asks.",
        benefits="carers",
        cost_pence=150_000,
    ).subject
    party = coop.propose_option(
        ballot,
        priya,
        title="A summer party",
        description="A party for all members.",
        benefits="everyone",
        cost_pence=50_000,
    ).subject
    coop.list_proposal(ballot, respite, by=TRUSTEE)
    coop.decline_proposal(ballot, party, reason="The rules do not allow it.", by=TRUSTEE)
    b = coop.repository.get(ballot)
    assert [(o.label, o.cost_pence, o.benefits) for o in b.options] == [
        ("Respite breaks for carers", 150_000, "carers")
    ]
    assert (b.proposals[respite].state, b.proposals[party].state) == ("listed", "declined")
    with pytest.raises(BallotError, match="already been listed"):
        coop.list_proposal(ballot, respite, by=TRUSTEE)


def test_no_proposal_after_the_window_or_from_a_ballot_that_did_not_ask(
    coop: Coop, clock: FixedClock, db_url: str
) -> None:
    ballot, electors = invited(coop, clock, db_url)
    other = reinvestment(coop, clock)
    amira = electors[0].member_id
    before = events(coop)
    with pytest.raises(BallotError, match="have not asked for proposals"):
        coop.propose_option(
            other, amira, title="A lift", description="A lift.", benefits="users", cost_pence=1
        )
    clock.advance(timedelta(days=10))
    with pytest.raises(BallotError, match="has passed"):
        coop.propose_option(
            ballot, amira, title="A lift", description="A lift.", benefits="users", cost_pence=1
        )
    assert events(coop) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": " "}, "Enter the option's title"),
        ({"description": ""}, "Describe the option"),
        ({"benefits": "trustees"}, "Select who benefits"),
        ({"cost_pence": 0}, "more than £0"),
        ({"cost_pence": BUDGET + 1}, "more than the surplus of £2,500.00"),
        ({"cost_pence": 0, "rate": "pa_pay", "pence_per_hour": 0}, "more than 0p"),
        (
            {"cost_pence": 0, "rate": "pa_pay", "pence_per_hour": 1100},
            "It would cost £2,640.00, more than the surplus",
        ),
        ({"cost_pence": 0, "rate": "bonus", "pence_per_hour": 10}, "Select which rate"),
        ({"title": "respite  BREAKS for carers"}, "already an option called"),
    ],
)
def test_a_bad_proposal_is_refused_saying_why_and_stores_nothing(
    coop: Coop, clock: FixedClock, db_url: str, fields: dict[str, object], message: str
) -> None:
    ballot, electors = invited(coop, clock, db_url)
    priya = electors[2].member_id
    coop.propose_option(
        ballot,
        priya,
        title="Respite breaks for carers",
        description="Weekends of respite.",
        benefits="carers",
        cost_pence=150_000,
    )
    before = events(coop)
    answer: dict[str, object] = {
        "title": "Training for PAs",
        "description": "First aid and moving and handling courses.",
        "benefits": "pas",
        "cost_pence": 80_000,
        **fields,
    }
    with pytest.raises(InvalidInput, match=message):
        coop.propose_option(ballot, priya, **answer)  # type: ignore[arg-type]
    assert events(coop) == before


def test_only_the_proposer_withdraws_and_a_decided_proposal_stays_decided(
    coop: Coop, clock: FixedClock, db_url: str
) -> None:
    ballot, electors = invited(coop, clock, db_url)
    priya, tom = electors[2].member_id, electors[1].member_id
    proposal = coop.propose_option(
        ballot,
        priya,
        title="Respite breaks for carers",
        description="Weekends of respite.",
        benefits="carers",
        cost_pence=150_000,
    ).subject
    with pytest.raises(BallotError, match="Only the member who proposed"):
        coop.withdraw_proposal(ballot, proposal, member_id=tom)
    coop.withdraw_proposal(ballot, proposal, member_id=priya)
    again = coop.propose_option(  # corrected, under the same title
        ballot,
        priya,
        title="Respite breaks for carers",
        description="Weekends of respite, with travel.",
        benefits="carers",
        cost_pence=160_000,
    ).subject
    assert coop.repository.get(ballot).proposals[again].costing.cost_pence == 160_000
    with pytest.raises(BallotError, match="already been withdrawn"):
        coop.list_proposal(ballot, proposal, by=TRUSTEE)
    with pytest.raises(BallotError, match="no such proposal"):
        coop.decline_proposal(ballot, uuid4(), reason="No.", by=TRUSTEE)


def test_voting_cannot_open_while_members_can_still_propose(
    coop: Coop, clock: FixedClock, db_url: str
) -> None:
    ballot, electors = invited(coop, clock, db_url)
    proposal = coop.propose_option(
        ballot,
        electors[0].member_id,
        title="A ramp at the office",
        description="So everyone can get in.",
        benefits="everyone",
        cost_pence=200_000,
    ).subject
    coop.list_proposal(ballot, proposal, by=TRUSTEE)
    with pytest.raises(BallotError, match="can still propose"):
        coop.open_ballot(ballot, electors)
    clock.advance(timedelta(days=10))
    coop.open_ballot(ballot, electors)
    with pytest.raises(BallotError, match="Voting has opened"):
        coop.propose_option(
            ballot,
            electors[0].member_id,
            title="Late idea",
            description="Too late.",
            benefits="users",
            cost_pence=100,
        )


@pytest.mark.parametrize(
    ("until_days", "period", "message"),
    [
        (-1, "2025 to 2026", "must end in the future"),
        (15, "2025 to 2026", "by the time voting opens"),
        (5, " ", "Name the financial period"),
    ],
)
def test_a_bad_proposal_window_is_refused(
    coop: Coop, clock: FixedClock, until_days: int, period: str, message: str
) -> None:
    ballot = reinvestment(coop, clock)
    before = events(coop)
    with pytest.raises(InvalidInput, match=message):
        coop.invite_proposals(
            ballot, until=clock.now() + timedelta(days=until_days), period=period, by=TRUSTEE
        )
    assert events(coop) == before


def test_a_ballot_not_drafted_from_a_period_takes_sums_but_refuses_rate_changes(
    coop: Coop, clock: FixedClock
) -> None:
    electors = co_op(coop)
    ballot = reinvestment(coop, clock)
    coop.invite_proposals(
        ballot, until=clock.now() + timedelta(days=10), period="2025 to 2026", by=TRUSTEE
    )
    ewan = electors[3].member_id
    before = events(coop)
    with pytest.raises(InvalidInput, match="give the option's cost in pounds instead"):
        coop.propose_option(
            ballot,
            ewan,
            title="50p an hour more for PAs",
            description="Raise PA pay by 50p an hour.",
            benefits="pas",
            rate="pa_pay",
            pence_per_hour=50,
        )
    assert events(coop) == before
    priced = coop.propose_option(
        ballot,
        ewan,
        title="£2,000 more for PA pay",
        description="Shared between the PAs as a one-off payment.",
        benefits="pas",
        cost_pence=200_000,
    ).subject
    b = coop.repository.get(ballot)
    assert b.hours_delivered == 0 and b.proposals[priced].costing.cost_pence == 200_000
    # Nobody, not even a command that skips the form, gives a ballot hours of its own.
    with pytest.raises(BallotError, match="only from a declared period's books"):
        b.invite_proposals(
            until=clock.now() + timedelta(days=10),
            period="2025 to 2026",
            hours_delivered=Decimal(12480),
            now=clock.now(),
            by=TRUSTEE,
        )


def test_a_window_whose_hours_a_trustee_typed_still_replays_but_costs_no_rate_change(
    coop: Coop, clock: FixedClock
) -> None:
    electors = co_op(coop)
    ballot = reinvestment(coop, clock)
    b = coop.repository.get(ballot)
    # The event as the old form stored it, straight through the aggregate's event method.
    b._proposals_invited(
        until=clock.now() + timedelta(days=10),
        period="2025 to 2026",
        hours_delivered=Decimal("12480.5"),
        period_id=None,
        by=TRUSTEE,
    )
    coop.save(b)
    replayed = coop.repository.get(ballot)
    assert (replayed.period, replayed.hours_delivered, replayed.period_id) == (
        "2025 to 2026",
        Decimal("12480.5"),
        None,
    )
    with pytest.raises(InvalidInput, match="give the option's cost in pounds instead"):
        coop.propose_option(
            ballot,
            electors[3].member_id,
            title="50p an hour more for PAs",
            description="Raise PA pay by 50p an hour.",
            benefits="pas",
            rate="pa_pay",
            pence_per_hour=50,
        )
