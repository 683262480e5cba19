"""A small co-op for the governance rules: users, a carer and PAs, with names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from coop.domain.governance.ballots import Ballot, BallotDraft, BallotKind, Elector
from coop.domain.governance.rules import model_rules

RULES = model_rules()  # users 1/2, carers 1/4, PAs 1/4; PA pay declared, trustee pay recused
TRUSTEE = uuid5(NAMESPACE_URL, "coop:test:trustee:Janet Okafor")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OPENS = NOW + timedelta(days=1)
CLOSES = OPENS + timedelta(days=7)


def member(name: str) -> UUID:
    """A member's id, fixed by their name so the tests read by name."""
    return uuid5(NAMESPACE_URL, f"coop:test:member:{name}")


AMIRA = member("Amira Hassan")  # a user
TOM = member("Tom Whitfield")  # a user
PRIYA = member("Priya Raman")  # a carer
EWAN = member("Ewan McAllister")  # a PA
MARCUS = member("Marcus Boateng")  # a PA
VOLUNTEER = member("Grace Liddell")  # a supporter member: no vote under the model rules

ELECTORATE = (
    Elector(AMIRA, "user"),
    Elector(TOM, "user"),
    Elector(PRIYA, "carer"),
    Elector(EWAN, "pa"),
    Elector(MARCUS, "pa"),
    Elector(VOLUNTEER, "supporter"),
)


# The resolution the tests start from: on PA pay, where members declare interests.
PA_PAY_RISE = BallotDraft(
    kind=BallotKind.RESOLUTION,
    title="Raise PA pay by 50p an hour",
    question="Should the co-op raise PA pay by 50p an hour from April?",
    topic="pa_pay",
    opens_at=OPENS,
    closes_at=CLOSES,
)


def drafted(draft: BallotDraft = PA_PAY_RISE) -> Ballot:
    """The ballot as the trustee drafted it, the day before it opens."""
    return Ballot.draft(draft, now=NOW, by=TRUSTEE)


def opened(draft: BallotDraft = PA_PAY_RISE) -> Ballot:
    """The ballot opened to the co-op's members as they are now."""
    ballot = drafted(draft)
    ballot.open(ELECTORATE, rules=RULES, rules_version=1, at=OPENS)
    return ballot
