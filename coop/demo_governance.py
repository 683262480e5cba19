"""The demo co-op's governance: its rules, an AGM, and ballots of each kind."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from coop.application import Coop
from coop.clock import FixedClock, today
from coop.domain.ballots import BallotKind, Elector, Mark, Option
from coop.domain.details import Office
from coop.domain.meetings import MeetingKind
from coop.domain.membership import Member
from coop.domain.rules import model_rules
from coop.domain.seats import Trustee


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


def build_governance(
    coop: Coop,
    clock: FixedClock,
    on_day: Callable[[int], None],
    trustee: UUID,
    members: dict[str, UUID],
) -> None:
    """Last year's AGM: a resolution on PA holiday pay, and a secret trustee election."""
    chance = random.Random(2026)  # the same demo every time
    on_day(330)
    coop.convene_meeting(
        MeetingKind.AGM,
        title="Annual general meeting 2025",
        starts_at=clock.now() + timedelta(days=20),
        held_on=(clock.now() + timedelta(days=20)).date(),
        place="Chapeltown Community Centre, Leeds",
        agenda=("Accounts for the year", "Holiday pay for PAs", "Election of trustees"),
        by=trustee,
    )
    opens, closes = clock.now() + timedelta(days=6), clock.now() + timedelta(days=20)
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
    on_day(336)
    voters = electorate(coop, list(members.values()), today(clock))
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
    on_day(350)
    coop.close_ballot(holiday)
    coop.close_ballot(election)


def open_surplus_ballot(
    coop: Coop, clock: FixedClock, trustee: UUID, members: dict[str, UUID]
) -> None:
    """This year's surplus: a secret reinvestment ballot, open now, a week to go."""
    options = (
        Option(id="pa-pay", label="50p an hour more for PAs", cost_pence=780_000, benefits="pas"),
        Option(
            id="respite", label="Respite breaks for carers", cost_pence=350_000, benefits="carers"
        ),
        Option(
            id="outings", label="Monthly outings for users", cost_pence=240_000, benefits="users"
        ),
        Option(
            id="training",
            label="Moving and handling training for everyone",
            cost_pence=150_000,
            benefits="everyone",
        ),
    )
    ballot = coop.draft_ballot(
        kind=BallotKind.REINVESTMENT,
        title="Reinvesting the 2025–26 surplus",
        question="We have £12,000 to reinvest. Which of these options do you support?",
        easy_read="We have money left over. Tick the ideas you like.",
        secret=True,
        budget_pence=1_200_000,
        options=options,
        opens_at=clock.now() - timedelta(days=1),
        closes_at=clock.now() + timedelta(days=7),
        by=trustee,
    ).subject
    voters = electorate(coop, list(members.values()), today(clock))
    coop.open_ballot(ballot, voters)
    chance = random.Random(12)
    for v in voters[: len(voters) // 2]:
        approved = tuple(o.id for o in options if chance.random() < 0.5)
        coop.cast_vote(ballot, v.member_id, Mark(approvals=approved), cast_by=v.member_id)
