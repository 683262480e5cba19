"""Checking and showing members' reinvestment proposals and the trustees' proposal window.

The checks here give page-shaped messages; the Ballot's own guards still decide
(a window that has passed, a title already taken, a cost above the surplus).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple
from uuid import UUID

from coop.clock import UK
from coop.domain.governance.proposals import NO_RATE_CHANGES, Rate
from coop.projections.governance.queries import BallotView, ProposalView
from coop.web.forms import Checked, one_answer, pounds_as_pence, text
from coop.web.governance.forms import BENEFITS, moment
from coop.web.words import money

RATES = {
    Rate.PA_PAY: "PAs are paid more per hour",
    Rate.USER_CHARGE: "People who use care pay less per hour",
}
COSTINGS = {"sum": "A sum of money", "rate": "A change to an hourly rate"}
STATES = {
    "proposed": "Waiting for the trustees",
    "listed": "On the ballot",
    "declined": "Not on the ballot",
    "withdrawn": "Withdrawn by the member who proposed it",
}
_MEMBER_OF = {
    "user": "a member who uses care",
    "carer": "a carer member",
    "pa": "a PA member",
    "supporter": "a supporter member",
}
_PENCE = re.compile(r"^(?:(?P<pence>\d{1,5})\s*p?|£(?P<pounds>\d{1,3}(?:\.\d{1,2})?))$", re.I)


class ProposalAnswer(NamedTuple):
    title: str
    description: str
    benefits: str
    cost_pence: int
    rate: str
    pence_per_hour: int


class WindowAnswer(NamedTuple):
    until: datetime
    period: str  # its name, for a ballot not drafted from a declared period


def check_proposal(
    data: Mapping[str, Any], *, can_cost_rates: bool
) -> tuple[ProposalAnswer | None, Checked]:
    """A member's proposal: what it is, who benefits, and its cost or its rate change."""
    c = Checked()
    title = text(
        c, data, "title", label="Title", missing="Enter the option's title", max_length=200
    )
    description = text(
        c,
        data,
        "description",
        label="Description",
        missing="Describe the option in plain words",
        max_length=2000,
        multiline=True,
    )
    benefits = one_answer(data, "benefits").strip()
    c.values["benefits"] = benefits
    if benefits not in BENEFITS:
        c.problem("benefits", "Select who benefits")
    how = one_answer(data, "costing").strip()
    c.values["costing"] = how
    cost, rate, per_hour = 0, "", 0
    if how == "sum":
        cost = pounds_as_pence(
            c, data, "cost", label="The cost", missing="Enter what it costs, in pounds"
        )
        if "cost" not in c.errors and cost == 0:
            c.problem("cost", "The cost must be more than £0")
    elif how == "rate" and can_cost_rates:
        rate = one_answer(data, "rate").strip()
        c.values["rate"] = rate
        if rate not in RATES:
            c.problem("rate", "Select which rate changes")
        per_hour = _per_hour(c, data)
    elif how == "rate":
        c.problem("costing", NO_RATE_CHANGES)
    else:
        c.problem("costing", "Select how the option is costed")
    if not c.ok:
        return None, c
    return ProposalAnswer(title, description, benefits, cost, rate, per_hour), c


def _per_hour(c: Checked, data: Mapping[str, Any]) -> int:
    raw = one_answer(data, "pence").strip()
    c.values["pence"] = raw
    found = _PENCE.match(raw.replace(" ", ""))
    if not raw:
        c.problem("pence", "Enter the change per hour, in pence")
        return 0
    if found is None:
        c.problem("pence", "Enter the change per hour as a number of pence, like 50")
        return 0
    pounds_given = found["pounds"]
    per_hour = int(Decimal(pounds_given) * 100) if pounds_given else int(found["pence"])
    if per_hour == 0:
        c.problem("pence", "The change per hour must be more than 0p")
    return per_hour


def check_window(
    data: Mapping[str, Any], now: datetime, *, from_books: bool = False
) -> tuple[WindowAnswer | None, Checked]:
    """The trustees' proposal window: until when, and for which period (only until when,
    ``from_books``: the declared period's books say the rest). The hours of care are
    never asked for: they come only from a declared period's books."""
    c = Checked()
    until = moment(c, data, "until-", what="proposals close", today=now.astimezone(UK).date())
    period = ""
    if not from_books:
        period = text(
            c,
            data,
            "period",
            label="The financial period",
            missing="Enter the financial period the surplus comes from",
            max_length=100,
        )
    if not c.ok or until is None:
        return None, c
    return WindowAnswer(until, period), c


def hours_text(hours: Decimal) -> str:
    """Hours as members read them: 12,480 or 12,480.5, not 12480.00."""
    return f"{hours.normalize():,f}"


def costing_text(p: ProposalView, period: str) -> str:
    """How the cost was reached, in words: the proposer's sum, or the rate × the hours."""
    if not p.rate:
        return f"{money(p.cost_pence)}, as the member proposed"
    change = f"{p.pence_per_hour}p" if p.pence_per_hour < 100 else money(p.pence_per_hour)
    what = "more for PAs" if p.rate == Rate.PA_PAY else "less for people who use care"
    sum_ = f"{change} an hour {what} × {hours_text(p.hours)} hours of care delivered in {period}"
    if p.hours * p.pence_per_hour == p.cost_pence:
        return f"{sum_} = {money(p.cost_pence)}"
    # The books price each hour with the rules' uplifts (nights, weekends, bank holidays),
    # so the change costs more than the plain product: say so rather than show a wrong sum.
    extra = "counting the rules' extra for nights, weekends and bank holidays"
    return f"{sum_}, {extra}: {money(p.cost_pence)}"


def window_values(b: BallotView) -> dict[str, str]:
    """The proposal window's form, filled in with the window already set (if any)."""
    if b.proposals_until is None:
        return {}
    local = b.proposals_until.astimezone(UK)
    return {
        "until-day": str(local.day),
        "until-month": str(local.month),
        "until-year": str(local.year),
        "until-time": f"{local:%H:%M}",
        "period": b.period,
    }


def proposer_text(p: ProposalView, *, me: UUID | None = None, names: bool = False) -> str:
    """Who proposed it: 'You', their class for members, their name too for trustees."""
    if p.member_id == me:
        return "You"
    who = _MEMBER_OF.get(p.member_class, "someone who is no longer a member")
    if names and p.membership_number is not None:
        return f"{p.proposer}, {who} (number {p.membership_number})"
    return who[0].upper() + who[1:]
