"""Money recorded after the fact (a late fix for a closed period, or spending what the
members committed from a surplus) goes into the open period its date falls in. The
pages and the JSON API find that period here, so both refuse the same dates alike."""

from __future__ import annotations

from datetime import date

import asyncpg

from coop.domain.errors import InvalidInput
from coop.projections.finance.queries import PeriodRow, period_covering


async def period_for_late_fix(pool: asyncpg.Pool, closed: PeriodRow, on: date) -> PeriodRow:
    """The open period after ``closed`` that ``on`` falls in, where the fix goes."""
    later = await period_covering(pool, on)
    if later is None or later.state != "open" or later.starts <= closed.ends:
        raise InvalidInput(
            f"Date the fix within an open period after {closed.name}, such as today", "on"
        )
    return later


async def period_for_spending(pool: asyncpg.Pool, on: date) -> PeriodRow:
    """The open period ``on`` falls in, where spending a commitment is a cost."""
    later = await period_covering(pool, on)
    if later is None or later.state != "open":
        raise InvalidInput("Date the spending within an open period, such as today", "on")
    return later
