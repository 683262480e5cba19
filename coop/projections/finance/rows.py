"""The finance tables' rows as the domain's values: visits to price, tariffs, entries.

Shared by the read side (asyncpg records) and the close command (psycopg tuples), so
both read a visit, a tariff or an entry the same way: rows are read by position, in
the order of the column lists here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from coop.domain.finance.ledger import Category, Entry
from coop.domain.finance.pricing import DeliveredVisit, Outcome
from coop.domain.finance.rates import Tariff, Uplift

VISIT_COLUMNS = (
    "visit_id, user_id, pa_id, planned_start, planned_end, outcome, actual_start, actual_end,"
    " charge_percent"
)
# Visits the books count (delivered, late-cancelled or missed), in a stable order.
BOOKED = "outcome IS NOT NULL"
VISIT_ORDER = "ORDER BY day, visit_id"

TARIFF_COLUMNS = "effective_from, charge_pence_per_hour, pay_pence_per_hour, uplifts::text"

ENTRY_COLUMNS = (
    "entry_id, on_date, category, amount_pence, reference, description, reverses, adjusts,"
    " reason, commitment_id"
)

_uplifts = msgspec.json.Decoder(tuple[Uplift, ...])
_OUTCOMES = {o.value: o for o in Outcome}


def delivered_visit(row: Sequence[Any]) -> DeliveredVisit:
    """A row of ``VISIT_COLUMNS`` as the visit pricing needs."""
    return DeliveredVisit(
        visit_id=row[0],
        user_id=row[1],
        pa_id=row[2],
        planned_start=row[3],
        planned_end=row[4],
        outcome=_OUTCOMES[row[5]],
        actual_start=row[6],
        actual_end=row[7],
        charge_percent=row[8],
    )


def tariff(row: Sequence[Any]) -> Tariff:
    """A row of ``TARIFF_COLUMNS``."""
    return Tariff(
        effective_from=row[0],
        charge_pence_per_hour=row[1],
        pay_pence_per_hour=row[2],
        uplifts=_uplifts.decode(row[3]),
    )


def entry(row: Sequence[Any]) -> Entry:
    """A row of ``ENTRY_COLUMNS``."""
    return Entry(
        entry_id=row[0],
        on=row[1],
        category=Category(row[2]),
        amount_pence=row[3],
        reference=row[4],
        description=row[5],
        reverses=row[6],
        adjusts=row[7],
        reason=row[8],
        commitment=row[9],
    )
