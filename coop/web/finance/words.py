"""How the money pages say things: accounts in plain English, months, hours, and the
bars of a chart (the page's table says the same in figures)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
from litestar import Request
from litestar.exceptions import NotFoundException

from coop.domain.finance.money import pounds
from coop.projections.finance.queries import PeriodRow, period
from coop.web.services import services

__all__ = ["account_name", "hours", "month_name", "period_named", "pounds", "widths"]

# The journal's accounts as members would say them.
_ACCOUNTS = {
    "Income:Care": "Care charged to users",
    "Income:Care:Cancellations": "Late cancellations charged to users",
    "Income:Grants": "Grants",
    "Income:Donations": "Donations",
    "Income:Other": "Other income",
    "Expenses:PA-Pay": "Pay for PAs",
    "Expenses:Rent": "Rent",
    "Expenses:Insurance": "Insurance",
    "Expenses:Training": "Training",
    "Expenses:Other": "Other costs",
    "Assets:Bank": "The bank",
    "Assets:Receivable:Users": "Owed by users",
    "Liabilities:PAs": "Owed to PAs",
}


def account_name(account: str) -> str:
    """'Pay for PAs' for 'Expenses:PA-Pay'; an account we have no words for as it is."""
    return _ACCOUNTS.get(account, account.split(":")[-1].replace("-", " "))


def month_name(month: str | date) -> str:
    """'June 2025' for '2025-06' (a summary's month) or a date in it."""
    if isinstance(month, str):
        year, number = month.split("-")
        month = date(int(year), int(number), 1)
    return f"{month:%B %Y}"


def hours(minutes: int) -> str:
    """'2 hours 30 minutes', '1 hour', '45 minutes'."""
    h, m = divmod(minutes, 60)
    parts = [f"{h:,} hour{'s' if h != 1 else ''}"] if h else []
    if m or not h:
        parts.append(f"{m} minute{'s' if m != 1 else ''}")
    return " ".join(parts)


def widths(values: list[int]) -> list[int]:
    """Each value as a whole per cent of the largest (a bar's width class, 0 to 100)."""
    top = max((abs(v) for v in values), default=0)
    return [0 if top == 0 else round(abs(v) * 100 / top) for v in values]


async def found_period(pool: asyncpg.Pool, period_id: UUID) -> PeriodRow:
    """The period, or a 404 page if there is none."""
    found = await period(pool, period_id)
    if found is None:
        raise NotFoundException("There is no financial period with that reference.")
    return found


async def period_named(request: Request[Any, Any, Any], period_id: UUID) -> PeriodRow:
    """The period the URL names, or a 404 page."""
    return await found_period(services(request.app).pool, period_id)
