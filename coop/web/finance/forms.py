"""The money forms' answers, checked: an entry, a reversal, a period, a close, a
declaration and new rates. The same checks serve the pages and the JSON API, so both
refuse the same things with the same words, before any command runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from coop.domain.finance.ledger import Category
from coop.domain.finance.rates import Side, When
from coop.web.forms import Checked, choice, one_answer, pounds_as_pence, text
from coop.web.governance.forms import _date as date_answer

# What each of the treasurer's categories is called on the page, income first.
CATEGORY_NAMES: dict[Category, str] = {
    Category.GRANT: "Grant",
    Category.DONATION: "Donation",
    Category.OTHER_INCOME: "Other income",
    Category.USERS_PAID: "Money in from users for their care",
    Category.RENT: "Rent",
    Category.INSURANCE: "Insurance",
    Category.TRAINING: "Training",
    Category.OTHER_COST: "Other cost",
    Category.PAS_PAID: "Wages paid to PAs",
}


class EntryAnswer(NamedTuple):
    on: date
    category: Category
    amount_pence: int
    reference: str
    description: str


class ReversalAnswer(NamedTuple):
    on: date
    reason: str


class PeriodAnswer(NamedTuple):
    name: str
    starts: date
    ends: date
    minute: str


class RatesAnswer(NamedTuple):
    effective_from: date
    charge_pence_per_hour: int
    pay_pence_per_hour: int
    minute: str
    extra_percent: dict[tuple[When, Side], int]  # the uplifts' percentages, 0 for none


# The extras a co-op's rates may have, as the form asks for them (box name, words).
EXTRAS: tuple[tuple[When, Side, str], ...] = tuple(
    (when, side, f"{where} on {whose}")
    for side, whose in ((Side.CHARGE, "the charge to users"), (Side.PAY, "the pay for PAs"))
    for when, where in (
        (When.NIGHT, "the extra at night"),
        (When.WEEKEND, "the extra at weekends"),
        (When.BANK_HOLIDAY, "the extra on bank holidays"),
    )
)
MOST_EXTRA_PERCENT = 300


def extra_box(when: When, side: Side) -> str:
    """The form's box for one extra, e.g. ``pay-night``."""
    return f"{side}-{when}"


def _extra_percents(c: Checked, data: Mapping[str, Any]) -> dict[tuple[When, Side], int]:
    """Each extra as a whole number of per cent (blank: none)."""
    found = {}
    for when, side, words in EXTRAS:
        box = extra_box(when, side)
        raw = one_answer(data, box).strip().removesuffix("%").strip()
        c.values[box] = raw
        if not raw:
            found[(when, side)] = 0
        elif raw.isdigit() and int(raw) <= MOST_EXTRA_PERCENT:
            found[(when, side)] = int(raw)
        else:
            c.problem(
                box,
                f"{words[0].upper()}{words[1:]} must be a whole number of per cent, "
                f"from 0 to {MOST_EXTRA_PERCENT}, like 25",
            )
    return found


def _minute(c: Checked, data: Mapping[str, Any]) -> str:
    return text(
        c,
        data,
        "minute",
        label="Board minute",
        missing="Enter the board minute that records the decision",
        max_length=120,
    )


def check_entry(data: Mapping[str, Any], today: date) -> tuple[EntryAnswer | None, Checked]:
    """Income or a cost: what for, how much, when, and its reference."""
    c = Checked()
    category = choice(c, data, "category", Category, "Select what the money is for")
    amount = pounds_as_pence(
        c, data, "amount", label="Amount", missing="Enter the amount in pounds, like 650 or 12.50"
    )
    if "amount" not in c.errors and amount == 0:
        c.problem("amount", "Amount must be more than £0")
    on = date_answer(c, data, "", "the date of the entry", today)
    reference = text(
        c,
        data,
        "reference",
        label="Reference",
        missing="Enter a reference, such as the invoice or receipt number",
        max_length=100,
    )
    description = text(
        c, data, "description", label="Description", missing=None, max_length=500, multiline=True
    )
    if not c.ok or on is None:
        return None, c
    return EntryAnswer(on, category, amount, reference, description), c


def check_late_fix(
    data: Mapping[str, Any], today: date
) -> tuple[tuple[EntryAnswer, str] | None, Checked]:
    """A fix for a closed period, recorded later: the entry it missed, and why."""
    answer, c = check_entry(data, today)
    reason = text(
        c,
        data,
        "reason",
        label="Reason",
        missing="Enter why the closed period needs this fix",
        max_length=500,
        multiline=True,
    )
    if answer is None or not c.ok:
        return None, c
    return (answer, reason), c


def check_reversal(data: Mapping[str, Any], today: date) -> tuple[ReversalAnswer | None, Checked]:
    """When the reversal is dated, and why the entry was wrong."""
    c = Checked()
    on = date_answer(c, data, "", "the date of the reversal", today)
    reason = text(
        c,
        data,
        "reason",
        label="Reason",
        missing="Enter why the entry was wrong",
        max_length=500,
        multiline=True,
    )
    if not c.ok or on is None:
        return None, c
    return ReversalAnswer(on, reason), c


def check_period(data: Mapping[str, Any], today: date) -> tuple[PeriodAnswer | None, Checked]:
    """A new financial period: its name, first and last days, and the minute."""
    c = Checked()
    name = text(
        c,
        data,
        "name",
        label="Name",
        missing="Enter a name for the period, like 2026 to 2027",
        max_length=60,
    )
    starts = date_answer(c, data, "starts-", "the first day of the period", today)
    ends = date_answer(c, data, "ends-", "the last day of the period", today)
    if starts and ends and ends <= starts:
        c.problem("ends-day", "The last day must be after the first day")
    minute = _minute(c, data)
    if not c.ok or starts is None or ends is None:
        return None, c
    return PeriodAnswer(name, starts, ends, minute), c


def check_minute(data: Mapping[str, Any]) -> tuple[str | None, Checked]:
    """Closing a period: the board minute that records it."""
    c = Checked()
    minute = _minute(c, data)
    return (minute if c.ok else None), c


def check_declaration(data: Mapping[str, Any]) -> tuple[tuple[int, str] | None, Checked]:
    """How much of the surplus members may decide on, and the minute."""
    c = Checked()
    pence = pounds_as_pence(
        c,
        data,
        "amount",
        label="Amount",
        missing="Enter how much members may decide how to spend, in pounds",
    )
    minute = _minute(c, data)
    return ((pence, minute) if c.ok else None), c


def check_rates(data: Mapping[str, Any], today: date) -> tuple[RatesAnswer | None, Checked]:
    """New hourly rates: what users are charged and PAs are paid, from a date."""
    c = Checked()
    starts = date_answer(c, data, "", "the date the rates start", today)
    charge = pounds_as_pence(
        c,
        data,
        "charge",
        label="The charge to users",
        missing="Enter what users are charged an hour, like 28.00",
    )
    pay = pounds_as_pence(
        c,
        data,
        "pay",
        label="The pay for PAs",
        missing="Enter what PAs are paid an hour, like 14.80",
    )
    for name, amount, what in (
        ("charge", charge, "The charge to users"),
        ("pay", pay, "The pay for PAs"),
    ):
        if name not in c.errors and amount == 0:
            c.problem(name, f"{what} must be more than £0 an hour")
    minute = _minute(c, data)
    extras = _extra_percents(c, data)
    if not c.ok or starts is None:
        return None, c
    return RatesAnswer(starts, charge, pay, minute, extras), c


def month_answer(raw: str | None, today: date) -> date | None:
    """A month asked for in a link, like 2025-06 (this month if none), or None if unreadable."""
    if not raw:
        return today.replace(day=1)
    try:
        year, month = raw.strip().split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return None
