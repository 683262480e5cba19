"""Reads that make a period's books again from the finance tables: the journal and its
exports, the summary by month, the surplus and its make-up, a PA's pay for a month.

A closed period's books are made from its frozen visits, the pricing rules its close
recorded and the rates (none can change inside a closed period), so they are the books
the close made, and the same bytes after a rebuild. An open period's are made as they
stand, with the rules in force.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from coop.clock import UK
from coop.domain.finance.books import Books, make_books
from coop.domain.finance.calendar import Span
from coop.domain.finance.exports import beancount_text, csv_text
from coop.domain.finance.pricing import LineKind, PricingRules, price_visits
from coop.domain.finance.rates import Side, Tariff
from coop.domain.finance.surplus import MonthLine, SurplusStatement, most_distributable
from coop.domain.governance.rules import RuleBook
from coop.projections.finance.queries import CommitmentRow, commitments
from coop.projections.finance.rows import (
    BOOKED,
    ENTRY_COLUMNS,
    TARIFF_COLUMNS,
    VISIT_COLUMNS,
    VISIT_ORDER,
    delivered_visit,
    entry,
    tariff,
)

_OPEN_VISITS = (
    f"SELECT {VISIT_COLUMNS} FROM finance_visits WHERE day BETWEEN $1 AND $2"
    f" AND period_id IS NULL AND {BOOKED} {VISIT_ORDER}"
)
_CLOSED_VISITS = (
    f"SELECT {VISIT_COLUMNS} FROM finance_visits WHERE period_id = $1 AND {BOOKED} {VISIT_ORDER}"
)


class _Period(msgspec.Struct, frozen=True):
    span: Span
    closed: bool
    pricing: PricingRules | None
    statement: SurplusStatement | None


async def _period(conn: asyncpg.Connection, period_id: UUID) -> _Period | None:
    row = await conn.fetchrow(
        "SELECT name, starts, ends, state, pricing::text, statement::text FROM finance_periods"
        " WHERE period_id = $1",
        period_id,
    )
    if row is None:
        return None
    return _Period(
        Span(period_id, row["name"], row["starts"], row["ends"]),
        row["state"] == "closed",
        None if row["pricing"] is None else msgspec.json.decode(row["pricing"], type=PricingRules),
        None
        if row["statement"] in (None, "null")
        else msgspec.json.decode(row["statement"], type=SurplusStatement),
    )


async def _rules_in_force(conn: asyncpg.Connection) -> PricingRules:
    found = await conn.fetchval(
        "SELECT rules::text FROM rules_versions ORDER BY version DESC LIMIT 1"
    )
    if found is None:
        return PricingRules()
    return PricingRules.from_rules(msgspec.json.decode(found, type=RuleBook))


async def _tariffs(conn: asyncpg.Connection) -> list[Tariff]:
    rows = await conn.fetch(f"SELECT {TARIFF_COLUMNS} FROM finance_rates ORDER BY effective_from")
    return [tariff(r) for r in rows]


async def _books(conn: asyncpg.Connection, p: _Period) -> Books:
    if p.closed:
        rows = await conn.fetch(_CLOSED_VISITS, p.span.period_id)
        rules = p.pricing or PricingRules()
    else:
        rows = await conn.fetch(_OPEN_VISITS, p.span.starts, p.span.ends)
        rules = await _rules_in_force(conn)
    entries = await conn.fetch(
        f"SELECT {ENTRY_COLUMNS} FROM finance_entries WHERE period_id = $1 ORDER BY position",
        p.span.period_id,
    )
    return make_books(
        p.span,
        [delivered_visit(r) for r in rows],
        await _tariffs(conn),
        [entry(r) for r in entries],
        rules,
    )


async def period_books(pool: asyncpg.Pool, period_id: UUID) -> Books | None:
    """The period's books (priced visits, journal, statement, checks), in one snapshot."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        p = await _period(conn, period_id)
        return None if p is None else await _books(conn, p)


async def journal_csv(pool: asyncpg.Pool, period_id: UUID) -> str | None:
    """The period's journal as CSV, one row per posting."""
    books = await period_books(pool, period_id)
    return None if books is None else csv_text(books.journal)


async def journal_beancount(pool: asyncpg.Pool, period_id: UUID) -> str | None:
    """The period's journal as a beancount file (its own checker accepts it)."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        p = await _period(conn, period_id)
        if p is None:
            return None
        books = await _books(conn, p)
    return beancount_text(books.journal, title=f"The co-op's books, {p.span.words()}")


async def _statement(pool: asyncpg.Pool, period_id: UUID) -> tuple[Span, SurplusStatement] | None:
    """A closed period's statement as its close recorded it; an open one's as it stands."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        p = await _period(conn, period_id)
        if p is None:
            return None
        if p.closed and p.statement is not None:
            return p.span, p.statement
        return p.span, (await _books(conn, p)).statement


async def summary_by_month(pool: asyncpg.Pool, period_id: UUID) -> list[MonthLine] | None:
    """The period's revenue, costs and surplus month by month (a chart's data table)."""
    found = await _statement(pool, period_id)
    return None if found is None else list(found[1].months)


class SurplusMakeUp(msgspec.Struct, frozen=True, kw_only=True):
    """Where a period's surplus came from and where it goes, for members to read."""

    period: str
    closed: bool
    revenue_pence: int
    costs_pence: int
    surplus_pence: int
    revenue_by_account: tuple[tuple[str, int], ...]
    costs_by_account: tuple[tuple[str, int], ...]
    care_minutes: int
    reserve_percent: int | None  # once declared: the rules' reserve
    reserve_pence: int | None
    most_distributable_pence: int | None
    distributable_pence: int | None
    commitments: tuple[CommitmentRow, ...]


async def surplus_make_up(pool: asyncpg.Pool, period_id: UUID) -> SurplusMakeUp | None:
    """The period's surplus: revenue less costs, by account, and what was declared of it."""
    found = await _statement(pool, period_id)
    if found is None:
        return None
    span, s = found
    row = await pool.fetchrow(
        "SELECT state, reserve_percent, reserve_pence, distributable_pence FROM finance_periods"
        " WHERE period_id = $1",
        period_id,
    )
    assert row is not None
    percent = row["reserve_percent"]
    return SurplusMakeUp(
        period=span.name,
        closed=row["state"] == "closed",
        revenue_pence=s.revenue_pence,
        costs_pence=s.costs_pence,
        surplus_pence=s.surplus_pence,
        revenue_by_account=s.revenue_by_account,
        costs_by_account=s.costs_by_account,
        care_minutes=s.care_minutes,
        reserve_percent=percent,
        reserve_pence=row["reserve_pence"],
        most_distributable_pence=None
        if percent is None
        else most_distributable(s.surplus_pence, percent),
        distributable_pence=row["distributable_pence"],
        commitments=tuple(c for c in await commitments(pool) if c.period_id == period_id),
    )


class PayLine(msgspec.Struct, frozen=True, kw_only=True):
    """A piece of a PA's visit at one rate: minutes × rate (× a cancellation's share)."""

    visit_id: UUID
    starts: datetime  # UK time
    minutes: int
    pence_per_hour: int
    percent: int  # 100 for care; the rules' share for a late cancellation
    uplift: str  # "", "night", "weekend" or "bank_holiday"
    kind: LineKind
    pence: int


class PayStatement(msgspec.Struct, frozen=True, kw_only=True):
    """A PA's pay for a month, visit by visit."""

    pa_id: UUID
    month: date  # its first day
    lines: tuple[PayLine, ...]
    missed: tuple[UUID, ...]  # visits missed: not paid
    minutes: int
    pence: int


async def pay_statement(pool: asyncpg.Pool, pa_id: UUID, month: date) -> PayStatement:
    """A PA's own pay for the month that ``month`` falls in: each visit, minutes × rate."""
    first = month.replace(day=1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        rows = await conn.fetch(
            f"SELECT {VISIT_COLUMNS}, v.period_id, p.pricing::text FROM finance_visits v"
            " LEFT JOIN finance_periods p USING (period_id)"
            f" WHERE pa_id = $1 AND day >= $2 AND day < $3 AND {BOOKED} {VISIT_ORDER}",
            pa_id,
            first,
            after,
        )
        tariffs = await _tariffs(conn)
        in_force = await _rules_in_force(conn)
    by_rules: dict[str | None, list[Any]] = defaultdict(list)
    for r in rows:
        by_rules[r[10]].append(r)
    lines: list[PayLine] = []
    missed: list[UUID] = []
    for pricing, group in by_rules.items():
        rules = in_force if pricing is None else msgspec.json.decode(pricing, type=PricingRules)
        priced = price_visits([delivered_visit(r) for r in group], tariffs, rules)
        for v in priced.visits:
            if v.flag.startswith("missed"):
                missed.append(v.visit_id)
            lines += _pay_lines(v.lines)
    lines.sort(key=lambda line: (line.starts, line.visit_id))
    return PayStatement(
        pa_id=pa_id,
        month=first,
        lines=tuple(lines),
        missed=tuple(missed),
        minutes=sum(line.minutes for line in lines if line.kind is LineKind.CARE),
        pence=sum(line.pence for line in lines),
    )


def _pay_lines(lines: Sequence[Any]) -> list[PayLine]:
    return [
        PayLine(
            visit_id=line.visit_id,
            starts=line.starts.astimezone(UK),
            minutes=line.minutes,
            pence_per_hour=line.rate,
            percent=line.percent,
            uplift=line.uplift,
            kind=line.kind,
            pence=line.pence,
        )
        for line in lines
        if line.side is Side.PAY
    ]
