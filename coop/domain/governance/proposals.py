"""Reinvestment proposals: members propose costed options while the proposal window is
open; trustees check each one and list it on the ballot or decline it with a reason.

An option that changes an hourly rate ("+50p an hour for PAs") is costed from the
books of the financial period whose declared surplus the ballot shares out, so members
compare like with like: what the change would have cost over that period. A ballot
with no such period takes only sums: nobody types the hours in.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

import msgspec

from coop.domain.errors import InvalidInput

# Why a ballot whose budget was not declared from a period's books refuses a rate change.
NO_RATE_CHANGES = (
    "A rate change can only be costed on a ballot drafted from a surplus declared from the"
    " co-op's books, and this ballot was not: give the option's cost in pounds instead."
)

# Who an option is for, as a proposer says it.
BENEFICIARIES = ("users", "carers", "pas", "everyone")


class Rate(StrEnum):
    """An hourly rate a proposal may change, so its cost follows from the hours delivered."""

    PA_PAY = "pa_pay"  # more pay per hour for PAs
    USER_CHARGE = "user_charge"  # less per hour for the people who use care


class ProposalState(StrEnum):
    PROPOSED = "proposed"  # waiting for the trustees
    LISTED = "listed"  # on the ballot
    DECLINED = "declined"  # not on the ballot, with the trustees' reason
    WITHDRAWN = "withdrawn"  # taken back by the member who proposed it


class Costing(msgspec.Struct, frozen=True, kw_only=True):
    """An option's cost and how it was reached: a sum, or a rate change × the hours."""

    cost_pence: int
    rate: str = ""  # a Rate, or "" for a sum the proposer gave
    pence_per_hour: int = 0
    hours: Decimal = Decimal(0)


class Proposal(msgspec.Struct, kw_only=True):
    """A member's proposal, as the ballot keeps it."""

    member_id: UUID
    title: str
    description: str
    benefits: str
    costing: Costing
    state: ProposalState = ProposalState.PROPOSED


def costing(
    *,
    cost_pence: int,
    rate: str,
    pence_per_hour: int,
    hours: Decimal,
    budget_pence: int,
    rate_cost: Callable[[Rate, int], int] | None = None,
) -> Costing:
    """The option's costing, checked: a positive cost within the surplus.

    ``rate_cost``: a rate change's cost worked out from the declared period's own books
    (with their uplifts), over its ``hours``; without a period, no rate change is costed.
    """
    if not rate:
        return _within(Costing(cost_pence=cost_pence), budget_pence)
    if rate_cost is None:
        raise InvalidInput(NO_RATE_CHANGES, "rate")
    if rate not in tuple(Rate):
        raise InvalidInput("Select which rate the option changes.", "rate")
    if pence_per_hour <= 0:
        raise InvalidInput("The change per hour must be more than 0p.", "pence_per_hour")
    found = Costing(
        cost_pence=rate_cost(Rate(rate), pence_per_hour),
        rate=rate,
        pence_per_hour=pence_per_hour,
        hours=hours,
    )
    return _within(found, budget_pence)


def _within(found: Costing, budget_pence: int) -> Costing:
    if found.cost_pence <= 0:
        raise InvalidInput("The cost must be more than £0.", "cost")
    if found.cost_pence > budget_pence:
        raise InvalidInput(
            f"It would cost £{found.cost_pence / 100:,.2f}, more than the surplus of"
            f" £{budget_pence / 100:,.2f}.",
            "pence_per_hour" if found.rate else "cost",
        )
    return found


def check_proposal_text(title: str, description: str, benefits: str) -> None:
    """A title, a plain-words description and who benefits, each within bounds."""
    if not title.strip():
        raise InvalidInput("Enter the option's title.", "title")
    if len(title) > 200:
        raise InvalidInput("The title must be 200 characters or fewer.", "title")
    if not description.strip():
        raise InvalidInput("Describe the option in plain words.", "description")
    if len(description) > 2000:
        raise InvalidInput("The description must be 2000 characters or fewer.", "description")
    if benefits not in BENEFICIARIES:
        raise InvalidInput("Select who benefits.", "benefits")


def same_title(title: str, others: list[str]) -> str | None:
    """The title among ``others`` that ``title`` repeats (ignoring case and spaces), if any."""
    key = " ".join(title.lower().split())
    return next((o for o in others if " ".join(o.lower().split()) == key), None)
