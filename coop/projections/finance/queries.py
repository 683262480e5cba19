"""Named reads of the finance tables: rates, periods, the treasurer's ledger, commitments.

Reads that make a period's books again (its journal, summary, surplus, a PA's pay,
the exports) are in ``coop.projections.finance.books``.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.finance.ledger import Category
from coop.domain.finance.rates import Uplift
from coop.projections.finance.rows import ENTRY_COLUMNS, TARIFF_COLUMNS, entry, tariff


class RatesRow(msgspec.Struct, frozen=True, kw_only=True):
    """A tariff as recorded: its rates and uplifts, from when, and who decided it."""

    effective_from: date
    charge_pence_per_hour: int
    pay_pence_per_hour: int
    uplifts: tuple[Uplift, ...]
    decided_by: str  # "trustees" (with their minute) or "members" (with their ballot)
    minute: str
    ballot_id: UUID | None
    option_ids: tuple[str, ...]
    recorded_on: date


async def rates_history(pool: asyncpg.Pool) -> list[RatesRow]:
    """Every tariff the co-op has had, oldest first (each supersedes the one before)."""
    rows = await pool.fetch(
        f"SELECT {TARIFF_COLUMNS}, decided_by, minute, ballot_id, option_ids, recorded_on"
        " FROM finance_rates ORDER BY effective_from"
    )
    return [_rates_row(r) for r in rows]


async def rates_in_force(pool: asyncpg.Pool, day: date) -> RatesRow | None:
    """The tariff in force on ``day``, if any."""
    found = [r for r in await rates_history(pool) if r.effective_from <= day]
    return found[-1] if found else None


def _rates_row(r: asyncpg.Record) -> RatesRow:
    t = tariff(r)
    return RatesRow(
        effective_from=t.effective_from,
        charge_pence_per_hour=t.charge_pence_per_hour,
        pay_pence_per_hour=t.pay_pence_per_hour,
        uplifts=t.uplifts,
        decided_by=r["decided_by"],
        minute=r["minute"],
        ballot_id=r["ballot_id"],
        option_ids=tuple(r["option_ids"]),
        recorded_on=r["recorded_on"],
    )


class PeriodRow(msgspec.Struct, frozen=True, kw_only=True):
    """A financial period: its dates, whether closed, and what its books came to."""

    period_id: UUID
    name: str
    starts: date
    ends: date
    state: str  # "open" or "closed"
    closed_at: datetime | None
    revenue_pence: int | None
    costs_pence: int | None
    care_minutes: int | None
    visits: int | None
    distributable_pence: int | None
    reserve_percent: int | None
    reserve_pence: int | None
    ballot_id: UUID | None
    enacted_at: datetime | None

    @property
    def surplus_pence(self) -> int | None:
        if self.revenue_pence is None or self.costs_pence is None:
            return None
        return self.revenue_pence - self.costs_pence


_PERIOD = (
    "SELECT period_id, name, starts, ends, state, closed_at, revenue_pence, costs_pence,"
    " care_minutes, visits, distributable_pence, reserve_percent, reserve_pence, ballot_id,"
    " enacted_at FROM finance_periods"
)


async def periods(pool: asyncpg.Pool) -> list[PeriodRow]:
    """Every financial period, earliest first."""
    return [PeriodRow(**dict(r)) for r in await pool.fetch(_PERIOD + " ORDER BY starts")]


async def closed_periods(pool: asyncpg.Pool) -> list[PeriodRow]:
    """The closed periods, latest first: each has a surplus for members to read."""
    rows = await pool.fetch(_PERIOD + " WHERE state = 'closed' ORDER BY starts DESC")
    return [PeriodRow(**dict(r)) for r in rows]


async def period(pool: asyncpg.Pool, period_id: UUID) -> PeriodRow | None:
    """One period, or None."""
    row = await pool.fetchrow(_PERIOD + " WHERE period_id = $1", period_id)
    return None if row is None else PeriodRow(**dict(row))


async def period_covering(pool: asyncpg.Pool, day: date) -> PeriodRow | None:
    """The period ``day`` falls in, if any."""
    row = await pool.fetchrow(_PERIOD + " WHERE starts <= $1 AND ends >= $1", day)
    return None if row is None else PeriodRow(**dict(row))


async def declared_not_yet_put(pool: asyncpg.Pool) -> list[PeriodRow]:
    """Closed periods whose surplus the trustees declared, not yet put to the members."""
    rows = await pool.fetch(
        _PERIOD + " WHERE distributable_pence IS NOT NULL AND ballot_id IS NULL ORDER BY starts"
    )
    return [PeriodRow(**dict(r)) for r in rows]


async def period_of_ballot(pool: asyncpg.Pool, ballot_id: UUID) -> PeriodRow | None:
    """The period whose declared surplus this reinvestment ballot shares out, if any."""
    row = await pool.fetchrow(_PERIOD + " WHERE ballot_id = $1", ballot_id)
    return None if row is None else PeriodRow(**dict(row))


class LedgerLine(msgspec.Struct, frozen=True, kw_only=True):
    """One of the treasurer's entries, in the order recorded, with what became of it."""

    entry_id: UUID
    on: date
    category: Category
    account: str
    money_in: bool  # into the bank (income); else out (a cost), the other way for a reversal
    amount_pence: int
    reference: str
    description: str
    reverses: UUID | None
    reversed_by: UUID | None
    adjusts: str  # the closed period a late fix belongs to
    reason: str
    commitment_id: UUID | None


async def ledger(pool: asyncpg.Pool, period_id: UUID) -> list[LedgerLine]:
    """The treasurer's entries recorded in a period, in the order they were recorded."""
    rows = await pool.fetch(
        f"SELECT {ENTRY_COLUMNS} FROM finance_entries WHERE period_id = $1 ORDER BY position",
        period_id,
    )
    entries = [entry(r) for r in rows]
    reversed_by = {e.reverses: e.entry_id for e in entries if e.reverses}
    return [
        LedgerLine(
            entry_id=e.entry_id,
            on=e.on,
            category=e.category,
            account=e.category.account,
            money_in=e.category.money_in != (e.reverses is not None),
            amount_pence=e.amount_pence,
            reference=e.reference,
            description=e.description,
            reverses=e.reverses,
            reversed_by=reversed_by.get(e.entry_id),
            adjusts=e.adjusts,
            reason=e.reason,
            commitment_id=e.commitment,
        )
        for e in entries
    ]


class CommitmentRow(msgspec.Struct, frozen=True, kw_only=True):
    """A funded one-off option, promised from a period's surplus, and what is spent."""

    commitment_id: UUID
    period_id: UUID
    period: str
    ballot_id: UUID
    option_id: str
    title: str
    pence: int
    spent_pence: int
    left_pence: int  # what is still to be spent


_COMMITMENT = (
    "SELECT c.commitment_id, c.period_id, p.name AS period, c.ballot_id, c.option_id,"
    " c.title, c.pence, c.spent_pence, c.pence - c.spent_pence AS left_pence"
    " FROM finance_commitments c JOIN finance_periods p USING (period_id)"
)


async def commitments(pool: asyncpg.Pool, *, unspent_only: bool = False) -> list[CommitmentRow]:
    """The members' commitments against surpluses, oldest first (those not yet spent)."""
    rows = await pool.fetch(
        _COMMITMENT + " WHERE NOT $1 OR c.spent_pence < c.pence ORDER BY c.position, c.option_id",
        unspent_only,
    )
    return [CommitmentRow(**dict(r)) for r in rows]


async def commitment(pool: asyncpg.Pool, commitment_id: UUID) -> CommitmentRow | None:
    """One commitment, if there is one with that id."""
    row = await pool.fetchrow(_COMMITMENT + " WHERE c.commitment_id = $1", commitment_id)
    return None if row is None else CommitmentRow(**dict(row))


async def decisions_due(pool: asyncpg.Pool) -> list[UUID]:
    """Reinvestment ballots on a declared surplus, counted but not yet enacted."""
    rows = await pool.fetch(
        "SELECT ballot_id FROM finance_decisions WHERE counted AND NOT enacted ORDER BY ballot_id"
    )
    return [r["ballot_id"] for r in rows]


class LateChange(msgspec.Struct, frozen=True):
    """A visit of a closed period that changed after its close: for a fix in a later one."""

    visit_id: UUID
    what: str
    position: int


async def late_changes(pool: asyncpg.Pool, period_id: UUID) -> list[LateChange]:
    """What changed in a closed period's visits after it closed, in order."""
    rows = await pool.fetch(
        "SELECT visit_id, what, position FROM finance_late_changes WHERE period_id = $1"
        " ORDER BY position, visit_id",
        period_id,
    )
    return [LateChange(r["visit_id"], r["what"], r["position"]) for r in rows]
