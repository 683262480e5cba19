"""The AGM pack's figures for a year, read from the read models (every sum made in SQL).

The pack's year is the co-op's financial year where the books define one: the
financial periods that end in the calendar year asked for (for a period of
1 April 2025 to 31 March 2026, the 2026 pack covers those days). A year with no
period ending in it is the calendar year, 1 January to 31 December. Members,
trustees, decisions and care are counted over the same days as the money.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import cast

import asyncpg
import msgspec

from coop.domain.finance.surplus import MonthLine, SurplusStatement
from coop.projections.care.reports import DateRange, Delivered, hours_by_month, hours_by_pa
from coop.projections.reports.queries import CheckpointRow, Decision, decisions

# The journal's account for PAs' pay: the part of the costs the pack shows on its own.
PA_PAY = "Expenses:PA-Pay"

# Told how far the gathering has got: (steps done, steps in all, the step just done).
Progress = Callable[[int, int, str], None]


class NoDataForYear(ValueError):
    """A year the co-op has nothing in: no members by its end and nothing done in it."""


class AgmYear(msgspec.Struct, frozen=True, kw_only=True):
    """The days a year's pack covers, and why those days."""

    year: int
    days: DateRange
    financial: bool  # the financial periods' days (else the calendar year's)
    periods: tuple[str, ...]  # the financial periods' names


class ClassCount(msgspec.Struct, frozen=True):
    """Members of one class at the start and at the end of the year."""

    member_class: str
    at_start: int
    at_end: int


class MemberMove(msgspec.Struct, frozen=True, kw_only=True):
    """A member who joined or left in the year."""

    number: int
    name: str
    member_class: str
    happened_on: date
    how: str | None = None  # how a leaver's membership ended


class TrusteeMove(msgspec.Struct, frozen=True, kw_only=True):
    """A trustee (or secretary) who took or left office in the year."""

    number: int
    name: str
    office: str
    happened_on: date
    reference: str


class Money(msgspec.Struct, frozen=True, kw_only=True):
    """One financial period's money, as its close recorded it (None while it is open)."""

    period: str
    starts: date
    ends: date
    closed: bool
    revenue_pence: int | None
    pay_pence: int | None
    other_costs_pence: int | None
    surplus_pence: int | None
    distributable_pence: int | None
    months: tuple[MonthLine, ...]


class Reinvestment(msgspec.Struct, frozen=True, kw_only=True):
    """An option the members funded from a period's surplus."""

    period: str
    title: str
    cost_pence: int
    benefits: str  # users / carers / pas / everyone


class AgmFigures(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the AGM pack says, for one year."""

    year: AgmYear
    members: list[ClassCount]
    joiners: list[MemberMove]
    leavers: list[MemberMove]
    trustees_in: list[TrusteeMove]
    trustees_out: list[TrusteeMove]
    decisions: list[Decision]
    hours_by_month: list[Delivered]
    hours_by_pa: list[Delivered]
    money: list[Money]
    reinvested: list[Reinvestment]

    @property
    def empty(self) -> bool:
        """Nothing to report: no members by the year's end and nothing done in it."""
        return not (
            any(c.at_end for c in self.members)
            or self.joiners
            or self.leavers
            or self.trustees_in
            or self.trustees_out
            or self.decisions
            or any(d.visits for d in self.hours_by_month)
            or self.money
        )


async def agm_year(pool: asyncpg.Pool, year: int) -> AgmYear:
    """The days of ``year``'s pack: its financial periods' if any end in it, else the calendar's."""
    rows = await pool.fetch(
        "SELECT name, starts, ends FROM finance_periods"
        " WHERE ends >= $1 AND ends <= $2 ORDER BY starts",
        date(year, 1, 1),
        date(year, 12, 31),
    )
    if not rows:
        return AgmYear(
            year=year,
            days=DateRange(date(year, 1, 1), date(year, 12, 31)),
            financial=False,
            periods=(),
        )
    return AgmYear(
        year=year,
        days=DateRange(min(r["starts"] for r in rows), max(r["ends"] for r in rows)),
        financial=True,
        periods=tuple(r["name"] for r in rows),
    )


# A register entry as it stood at the end of a day ($n).
_AS_AT = "valid_from <= ${n} AND (valid_to IS NULL OR valid_to > ${n})"
_CURRENT = "(date_ceased IS NULL OR date_ceased > ${n})"


async def members_by_class(pool: asyncpg.Pool, days: DateRange) -> list[ClassCount]:
    """Members of each class at the start (the day before the first) and at the end."""
    start, end = days.first - timedelta(days=1), days.last
    rows = await pool.fetch(
        "SELECT member_class,"
        f" count(*) FILTER (WHERE {_AS_AT.format(n=1)} AND {_CURRENT.format(n=1)})::int,"
        f" count(*) FILTER (WHERE {_AS_AT.format(n=2)} AND {_CURRENT.format(n=2)})::int"
        " FROM register_history WHERE valid_from <= $2 AND (valid_to IS NULL OR valid_to > $1)"
        " GROUP BY 1",
        start,
        end,
    )
    return [ClassCount(*r) for r in rows]


async def _moves(pool: asyncpg.Pool, days: DateRange, on: str, how: str) -> list[MemberMove]:
    rows = await pool.fetch(
        f"SELECT membership_number AS number, name, member_class, {on} AS happened_on, {how} AS how"
        f" FROM register_history WHERE {_AS_AT.format(n=2)} AND {on} BETWEEN $1 AND $2"
        f" ORDER BY {on}, membership_number",
        days.first,
        days.last,
    )
    return [MemberMove(**dict(r)) for r in rows]


async def joiners(pool: asyncpg.Pool, days: DateRange) -> list[MemberMove]:
    """Members entered in the register in the days, in the order they joined."""
    return await _moves(pool, days, "date_entered", "NULL")


async def leavers(pool: asyncpg.Pool, days: DateRange) -> list[MemberMove]:
    """Members whose membership ended in the days, and how."""
    return await _moves(pool, days, "date_ceased", "how_ceased")


async def _terms(pool: asyncpg.Pool, days: DateRange, on: str, reference: str) -> list[TrusteeMove]:
    rows = await pool.fetch(
        f"SELECT r.membership_number AS number, r.name, t.office, t.{on} AS happened_on,"
        f" t.{reference} AS reference FROM trustee_terms t"
        " JOIN register_history r ON r.member_id = t.member_id"
        " AND r.valid_from <= $2 AND (r.valid_to IS NULL OR r.valid_to > $2)"
        f" WHERE t.{on} BETWEEN $1 AND $2 ORDER BY t.{on}, r.membership_number, t.office",
        days.first,
        days.last,
    )
    return [TrusteeMove(**dict(r)) for r in rows]


async def trustees_in(pool: asyncpg.Pool, days: DateRange) -> list[TrusteeMove]:
    """Terms of office begun in the days (trustees elected or appointed)."""
    return await _terms(pool, days, "appointed_on", "appointed_reference")


async def trustees_out(pool: asyncpg.Pool, days: DateRange) -> list[TrusteeMove]:
    """Terms of office ended in the days (trustees standing down)."""
    return await _terms(pool, days, "left_on", "left_reference")


async def decisions_in(pool: asyncpg.Pool, days: DateRange) -> list[Decision]:
    """The decisions taken in the days, in the record's order (the record is read by
    calendar year: each year the days touch, at most two for a financial year)."""
    found = [
        d
        for year in range(days.first.year, days.last.year + 1)
        for d in await decisions(pool, year=year)
        if d.decided_on is not None and days.first <= d.decided_on <= days.last
    ]
    return sorted(found, key=lambda d: d.position)


async def money(pool: asyncpg.Pool, year: AgmYear) -> list[Money]:
    """Each of the year's financial periods' money, from the statement its close kept."""
    rows = await pool.fetch(
        "SELECT name, starts, ends, state, statement::text, distributable_pence"
        " FROM finance_periods WHERE ends BETWEEN $1 AND $2 ORDER BY starts",
        year.days.first,
        year.days.last,
    )
    found = []
    for r in rows:
        kept = r["statement"]
        s = None if kept in (None, "null") else msgspec.json.decode(kept, type=SurplusStatement)
        pay = None if s is None else dict(s.costs_by_account).get(PA_PAY, 0)
        found.append(
            Money(
                period=r["name"],
                starts=r["starts"],
                ends=r["ends"],
                closed=r["state"] == "closed" and s is not None,
                revenue_pence=None if s is None else s.revenue_pence,
                pay_pence=pay,
                other_costs_pence=None if s is None or pay is None else s.costs_pence - pay,
                surplus_pence=None if s is None else s.surplus_pence,
                distributable_pence=r["distributable_pence"],
                months=() if s is None else s.months,
            )
        )
    return found


async def reinvested(pool: asyncpg.Pool, year: AgmYear) -> list[Reinvestment]:
    """What the members funded from the surplus of the year's periods (once counted)."""
    rows = await pool.fetch(
        "SELECT p.name AS period, o->>'label' AS title, (o->>'cost_pence')::bigint AS cost_pence,"
        " coalesce(o->>'benefits', '') AS benefits"
        " FROM finance_periods p JOIN ballots b ON b.ballot_id = p.ballot_id,"
        " jsonb_array_elements(b.options) WITH ORDINALITY AS x(o, n)"
        " WHERE p.ends BETWEEN $1 AND $2 AND b.state = 'counted'"
        " AND b.result->'selected_ids' ? (o->>'id') ORDER BY p.starts, x.n",
        year.days.first,
        year.days.last,
    )
    return [Reinvestment(**dict(r)) for r in rows]


async def agm_figures(
    pool: asyncpg.Pool, year: int, progress: Progress | None = None
) -> AgmFigures:
    """The pack's figures for ``year``; NoDataForYear if the co-op has nothing in it.

    Every figure is read in one snapshot of the read models, so the pack adds up (the
    joiners and leavers are those that made the members at the start into those at
    the end) even while events arrive.
    """
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        # The named reads take a pool; a connection answers the same calls.
        figures = await _gather(cast(asyncpg.Pool, conn), year, progress or _unheard)
    if figures.empty:
        raise NoDataForYear(
            f"coop has nothing for {year}: nobody was a member by its end and nothing happened"
            " in it (no members joined or left, no decisions, no care, no books)"
        )
    return figures


def _unheard(done: int, steps: int, what: str) -> None:
    """Progress nobody asked to hear of."""


async def _gather(reads: asyncpg.Pool, year: int, told: Progress) -> AgmFigures:
    asked = await agm_year(reads, year)
    days, steps = asked.days, 5
    members = await members_by_class(reads, days)
    moved = (await joiners(reads, days), await leavers(reads, days))
    told(1, steps, "members")
    trustees = (await trustees_in(reads, days), await trustees_out(reads, days))
    told(2, steps, "trustees")
    taken = await decisions_in(reads, days)
    told(3, steps, "decisions")
    care = (await hours_by_month(reads, days), await hours_by_pa(reads, days))
    told(4, steps, "care")
    money_in_year = (await money(reads, asked), await reinvested(reads, asked))
    told(5, steps, "money")
    return AgmFigures(
        year=asked,
        members=members,
        joiners=moved[0],
        leavers=moved[1],
        trustees_in=trustees[0],
        trustees_out=trustees[1],
        decisions=taken,
        hours_by_month=care[0],
        hours_by_pa=care[1],
        money=money_in_year[0],
        reinvested=money_in_year[1],
    )


def signing_reason(year: int) -> str:
    """Why the checkpoint that signs a year's pack was made (it names the pack)."""
    return f"AGM pack {year}"


async def pack_signature(pool: asyncpg.Pool, year: int) -> CheckpointRow | None:
    """The checkpoint made when ``year``'s pack was last built, if it has been."""
    row = await pool.fetchrow(
        "SELECT id, size, made_at, reason, note FROM audit_checkpoints WHERE reason = $1"
        " ORDER BY id DESC LIMIT 1",
        signing_reason(year),
    )
    return None if row is None else CheckpointRow(**dict(row))
