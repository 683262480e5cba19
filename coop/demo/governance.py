"""The demo co-op's governance: its rules, an AGM, and ballots of each kind."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from coop.application import Coop
from coop.clock import FixedClock, today
from coop.demo.days import Days
from coop.domain.finance.money import pounds
from coop.domain.governance.ballots import BallotKind, Elector, Mark, Option
from coop.domain.governance.meetings import MeetingKind
from coop.domain.governance.rules import model_rules
from coop.domain.governance.seats import Trustee
from coop.domain.membership.member_details import Office
from coop.domain.membership.members import Member


def electorate(coop: Coop, member_ids: list[UUID], on: date) -> list[Elector]:
    """The members in good standing on ``on``, from the write side (the demo's history
    is written person by person, so some admissions are dated after ``on``)."""
    found = []
    for member_id in member_ids:
        m: object = coop.repository.get(member_id)
        joined = isinstance(m, Member) and m.decided_on is not None and m.decided_on <= on
        if isinstance(m, Member) and joined and m.status == "admitted" and m.member_class:
            found.append(Elector(member_id, str(m.member_class)))
    return found


def trustees(coop: Coop, member_ids: list[UUID]) -> list[Trustee]:
    """The trustees in office now, with when they took office, from the write side (as the
    electorate is): an election's reserved seats count those staying on."""
    found = []
    for member_id in member_ids:
        appointed: date | None = None
        for e in coop.repository.event_store.get(member_id):
            if isinstance(e, Member.OfficeTaken | Member.OfficeLeft) and e.office is Office.TRUSTEE:
                appointed = e.on if isinstance(e, Member.OfficeTaken) else None
        m: object = coop.repository.get(member_id)
        if appointed is not None and isinstance(m, Member) and m.member_class:
            found.append(Trustee(member_id, str(m.member_class), appointed))
    return found


def adopt_rules(coop: Coop, trustee: UUID) -> None:
    coop.adopt_rules(model_rules(), by=trustee, reference="Rules as registered, adopted in coop")


def last_years_agm(coop: Coop, days: Days, trustee: UUID, members: dict[str, UUID]) -> None:
    """Last year's AGM: a resolution on PA holiday pay, and a secret trustee election."""
    chance = random.Random(2026)  # the same demo every time
    days.go_to(330)
    coop.convene_meeting(
        MeetingKind.AGM,
        title="Annual general meeting 2025",
        starts_at=days.clock.now() + timedelta(days=20),
        held_on=(days.clock.now() + timedelta(days=20)).date(),
        place="Chapeltown Community Centre, Leeds",
        agenda=("Accounts for the year", "Holiday pay for PAs", "Election of trustees"),
        by=trustee,
    )
    opens, closes = days.clock.now() + timedelta(days=6), days.clock.now() + timedelta(days=20)
    holiday = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Holiday pay for PAs at 12.07 % of hours",
        question="Should the co-op pay PAs holiday pay at 12.07 % of the hours they work?",
        easy_read="Should PAs get paid holidays? Vote yes or no.",
        topic="pa_pay",
        opens_at=opens,
        closes_at=closes,
        by=trustee,
    ).subject
    candidates = tuple(
        Option(id=str(members[name]), label=name, member_class=cls)
        for name, cls in (
            ("Marcus Boateng", "pa"),
            ("Siobhan Kelly", "user"),
            ("Hannah Lewis", "carer"),
        )
    )
    election = coop.draft_ballot(
        kind=BallotKind.ELECTION,
        title="Election of trustees 2025",
        question="Elect two trustees.",
        seats=2,
        options=candidates,
        secret=True,
        opens_at=opens,
        closes_at=closes,
        by=trustee,
    ).subject
    days.go_to(336)
    voters = electorate(coop, list(members.values()), days.today())
    coop.open_ballot(holiday, voters)
    coop.open_ballot(election, voters, trustees(coop, list(members.values())))
    for v in voters:
        if chance.random() < 0.7:
            coop.cast_vote(
                holiday,
                v.member_id,
                Mark(answer=chance.choice(["for", "for", "against", "abstain"])),
                cast_by=v.member_id,
            )
        if chance.random() < 0.6:
            ranking = list(c.id for c in candidates)
            chance.shuffle(ranking)
            coop.cast_vote(
                election,
                v.member_id,
                Mark(ranking=tuple(ranking[: chance.randint(1, 3)])),
                cast_by=v.member_id,
            )
    days.go_to(350)
    coop.close_ballot(holiday)
    coop.close_ballot(election)


def open_surplus_ballot(
    coop: Coop,
    clock: FixedClock,
    trustee: UUID,
    members: dict[str, UUID],
    period: UUID,
    declared_pence: int,
) -> None:
    """This year's surplus, as the trustees declared it from the closed period's books:
    members proposed options (one declined, with the trustees' reason), then a secret
    reinvestment ballot on the rest, open now, a week to go."""
    now = clock.now()
    clock.set(now - timedelta(days=21))
    ballot = coop.draft_reinvestment(
        period,
        title="Reinvesting our first year's surplus",
        question=f"We have {pounds(declared_pence).removesuffix('.00')} to reinvest."
        " Which of these options do you support?",
        easy_read="We have money left over. Tick the ideas you like.",
        topic="surplus",
        secret=True,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
        by=trustee,
    ).subject
    coop.invite_proposals(ballot, until=now - timedelta(days=8), period_id=period, by=trustee)
    voters = electorate(coop, list(members.values()), today(clock))
    first = {
        c: next(v.member_id for v in voters if v.member_class == c) for c in ("user", "carer", "pa")
    }
    clock.set(now - timedelta(days=18))
    proposed = [
        coop.propose_option(ballot, member, **fields).subject
        for member, fields in _proposals(first)
    ]
    clock.set(now - timedelta(days=7))
    *listed, party = proposed
    for proposal in listed:
        coop.list_proposal(ballot, proposal, by=trustee)
    coop.decline_proposal(
        ballot,
        party,
        reason="The summer party is already paid for from this year's events budget.",
        by=trustee,
    )
    clock.set(now)
    voters = electorate(coop, list(members.values()), today(clock))
    coop.open_ballot(ballot, voters)
    options: tuple[Option, ...] = coop.repository.get(ballot).options
    chance = random.Random(12)
    for v in voters[: len(voters) // 2]:
        approved = tuple(o.id for o in options if chance.random() < 0.5)
        coop.cast_vote(ballot, v.member_id, Mark(approvals=approved), cast_by=v.member_id)


def _proposals(first: dict[str, UUID]) -> list[tuple[UUID, dict[str, Any]]]:
    """What members proposed for the surplus: one costed from the hours, the rest sums."""
    return [
        (
            first["pa"],
            {
                "title": "50p an hour more for PAs",
                "description": "Raise every PA's pay by 50p an hour from April, so we keep the PAs we have.",
                "benefits": "pas",
                "rate": "pa_pay",
                "pence_per_hour": 50,
            },
        ),
        (
            first["carer"],
            {
                "title": "Respite breaks for carers",
                "description": "Two weekends of respite care a year for each carer member who asks.",
                "benefits": "carers",
                "cost_pence": 350_000,
            },
        ),
        (
            first["user"],
            {
                "title": "Monthly outings for users",
                "description": "A trip out each month, with transport and PAs paid for.",
                "benefits": "users",
                "cost_pence": 240_000,
            },
        ),
        (
            first["pa"],
            {
                "title": "Moving and handling training for everyone",
                "description": "A day's training for PAs, carers and users who want it.",
                "benefits": "everyone",
                "cost_pence": 150_000,
            },
        ),
        (
            first["user"],
            {
                "title": "A summer party",
                "description": "A party in the park for all members and their families.",
                "benefits": "everyone",
                "cost_pence": 200_000,
            },
        ),
    ]
