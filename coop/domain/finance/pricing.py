"""Pricing delivered care: each visit's real minutes at the rates in force, minute by minute.

A visit is cut wherever its price could change: at midnight (a new day may bring new
rates, a weekend or a bank holiday), where a night uplift starts or ends, and where
the UK clocks change. Pieces priced alike are joined again, so a visit has one line
per side unless something really changed. Times are rounded first, as the pricing
rules say (to the nearest minute, or to the nearest 15 minutes, say; halves round up).

Money: each side of a visit is priced exactly (rate × minutes / 60, in fractions of a
penny), rounded once to the nearest penny (halves up), and the pence are shared out
over the visit's lines so the lines add up to the visit's total exactly.

A chargeable late cancellation charges the rules' percentage of the planned visit's
price (the PA is paid only if the rules give a percentage for them too). A missed
visit is neither charged nor paid, and is flagged.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from coop.domain.errors import InvalidInput
from coop.domain.finance.bank_holidays import bank_holidays
from coop.domain.finance.money import round_half_up, share_out
from coop.domain.finance.rates import Side, Tariff, Uplift, When, long_date
from coop.domain.finance.wall_clock import (
    DAY,
    WallClock,
    day_number,
    day_of,
    instant_of,
    seconds_of,
)
from coop.domain.governance.rules import RuleBook


class Outcome(StrEnum):
    DELIVERED = "delivered"  # checked in and out
    LATE_CANCELLED = "late_cancelled"  # cancelled inside the rules' window: chargeable
    MISSED = "missed"  # nobody came: not charged, not paid, flagged


class LineKind(StrEnum):
    CARE = "care"
    CANCELLATION = "cancellation"


class DeliveredVisit(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What pricing needs to know of a visit, as the care context recorded it."""

    visit_id: UUID
    user_id: UUID
    pa_id: UUID
    planned_start: datetime
    planned_end: datetime
    outcome: Outcome = Outcome.DELIVERED
    actual_start: datetime | None = None  # check-in
    actual_end: datetime | None = None  # check-out
    # A late cancellation's charge as the rules set it when it was cancelled (the user
    # was told then); None: the pricing rules' percentage.
    charge_percent: int | None = None

    @property
    def started(self) -> datetime:
        """When the visit started (checked in), or was planned to: its date sets its period."""
        return self.actual_start or self.planned_start


class PricingRules(msgspec.Struct, frozen=True, kw_only=True):
    """How visits are priced: the rounding of times, and what a late cancellation costs."""

    rounding_minutes: int = 0  # 0: to the nearest minute; else to the nearest so many minutes
    late_cancellation_charge_percent: int = 50
    late_cancellation_pay_percent: int = 0

    @classmethod
    def from_rules(cls, rules: RuleBook) -> PricingRules:
        """The pricing rules a rule book sets."""
        return cls(
            rounding_minutes=rules.visit_time_rounding_minutes,
            late_cancellation_charge_percent=rules.late_cancellation_charge_percent,
            late_cancellation_pay_percent=rules.late_cancellation_pay_percent,
        )

    def check(self) -> None:
        if self.rounding_minutes < 0 or (self.rounding_minutes and 60 % self.rounding_minutes):
            raise InvalidInput(
                "Times can be rounded to a number of minutes that divides an hour"
                " (1, 5, 10, 15, 30 or 60), or not at all.",
                "rounding_minutes",
            )
        for percent in (self.late_cancellation_charge_percent, self.late_cancellation_pay_percent):
            if not 0 <= percent <= 100:
                raise InvalidInput("A late cancellation's share must be 0 to 100 %.", "percent")


class Line(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One priced piece of a visit, on one side: minutes × rate × percent, in pence.

    Lines, priced visits and postings hold only plain values, never themselves, so
    they are left out of the garbage collector's tracking (``gc=False``): a year's
    close makes a million of them, and tracking them took a third of its time.
    """

    visit_id: UUID
    side: Side
    kind: LineKind
    person_id: UUID  # the user charged or the PA paid
    starts: datetime  # UTC
    minutes: int
    rate: int  # pence an hour, uplift included
    percent: int  # of the rate: 100 for care, the rules' share for a late cancellation
    uplift: str  # "", or the When of the uplift that set the rate
    uplift_percent: int  # the uplift's percentage (0 when none, or when in pence)
    tariff_from: date
    pence: int


class PricedVisit(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A visit's price: its totals, exactly the sum of its lines."""

    visit_id: UUID
    user_id: UUID
    pa_id: UUID
    outcome: Outcome
    on: date  # the UK date the visit started (or was planned to), before rounding: its period
    minutes: int  # real minutes of care delivered, after rounding
    charge_pence: int
    pay_pence: int
    lines: tuple[Line, ...]
    flag: str = ""  # why a visit needs a look (missed, or nothing left after rounding)


class Unpriced(msgspec.Struct, frozen=True):
    """A visit that could not be priced, and why."""

    visit_id: UUID
    reason: str


class Pricing(msgspec.Struct, frozen=True, kw_only=True):
    visits: tuple[PricedVisit, ...]
    unpriced: tuple[Unpriced, ...]

    @property
    def charge_pence(self) -> int:
        return sum(v.charge_pence for v in self.visits)

    @property
    def pay_pence(self) -> int:
        return sum(v.pay_pence for v in self.visits)

    @property
    def minutes(self) -> int:
        return sum(v.minutes for v in self.visits)


class _Unpriceable(Exception):
    pass


class _Rate(msgspec.Struct, frozen=True, gc=False):
    """One side's rate for a piece of a visit, and the uplift that set it."""

    pence_per_hour: int
    uplift: str
    uplift_percent: int


class _Piece(msgspec.Struct, gc=False):
    """A stretch of a visit priced alike throughout."""

    start: int  # minutes since 1970, UTC
    minutes: int
    tariff: int  # index into the tariffs
    charge: _Rate
    pay: _Rate


class Pricer:
    """Prices visits against one history of tariffs; reuse it for many visits."""

    def __init__(self, tariffs: Sequence[Tariff], rules: PricingRules, years: range) -> None:
        rules.check()
        self.rules = rules
        self.tariffs = sorted(tariffs, key=lambda t: t.effective_from)
        self._tariff_days = [day_number(t.effective_from) for t in self.tariffs]
        self._tariff_from = [t.effective_from for t in self.tariffs]
        self._clock = WallClock(years.start, years.stop - 1)
        self._holidays = {
            day_number(h.on) for y in range(years.start, years.stop + 1) for h in bank_holidays(y)
        }
        nights = {
            m
            for t in self.tariffs
            for u in t.uplifts
            if u.when is When.NIGHT
            for m in (u.starts_minute, u.ends_minute)
        }
        self._bounds = sorted(nights - {0} | {DAY})
        self._rates: dict[tuple[int, int, int, bool], tuple[int, _Rate, _Rate]] = {}
        self._interned: dict[_Rate, _Rate] = {}
        self._dates: dict[int, date] = {}

    def price(self, visit: DeliveredVisit) -> PricedVisit:
        """The visit's price; raises ``_Unpriceable`` with the reason when it has none."""
        if visit.outcome is Outcome.DELIVERED:
            if visit.actual_start is None or visit.actual_end is None:
                raise _Unpriceable("it has no check-in or check-out time")
            start, end = self._rounded(visit.actual_start), self._rounded(visit.actual_end)
            if visit.actual_end < visit.actual_start:
                raise _Unpriceable("it checks out before it checks in")
            pieces = self._pieces(start, end)
            charge, pay = self._lines(visit, pieces, LineKind.CARE, 100, 100)
            flag = "" if end > start else "no time left after rounding"
            return self._priced(visit, end - start, charge, pay, flag)
        start, end = self._rounded(visit.planned_start), self._rounded(visit.planned_end)
        if end <= start:
            raise _Unpriceable("its planned end is not after its planned start")
        if visit.outcome is Outcome.MISSED:
            return self._priced(visit, 0, (), (), "missed: not charged, PA not paid")
        charged = visit.charge_percent
        charge, pay = self._lines(
            visit,
            self._pieces(start, end),
            LineKind.CANCELLATION,
            self.rules.late_cancellation_charge_percent if charged is None else charged,
            self.rules.late_cancellation_pay_percent,
        )
        return self._priced(visit, 0, charge, pay, "")

    def _priced(
        self,
        visit: DeliveredVisit,
        minutes: int,
        charge: Sequence[Line],
        pay: Sequence[Line],
        flag: str,
    ) -> PricedVisit:
        # Dated by the real start, not the rounded one: rounding must never move a visit
        # (23:55 to 00:00, say) into another day, and so perhaps another period.
        start = seconds_of(visit.started) // 60
        offset, _ = self._clock.offset(start)
        return PricedVisit(
            visit_id=visit.visit_id,
            user_id=visit.user_id,
            pa_id=visit.pa_id,
            outcome=visit.outcome,
            on=self._date((start + offset) // DAY),
            minutes=minutes,
            charge_pence=sum(line.pence for line in charge),
            pay_pence=sum(line.pence for line in pay),
            lines=(*charge, *pay),
            flag=flag,
        )

    def _date(self, day: int) -> date:
        found = self._dates.get(day)
        if found is None:
            found = self._dates[day] = day_of(day)
        return found

    def _rounded(self, instant: datetime) -> int:
        unit = 60 * (self.rules.rounding_minutes or 1)
        return (seconds_of(instant) + unit // 2) // unit * unit // 60

    def _pieces(self, start: int, end: int) -> list[_Piece]:
        pieces: list[_Piece] = []
        t = start
        while t < end:
            offset, change = self._clock.offset(t)
            day, minute = divmod(t + offset, DAY)
            bound = self._bounds[bisect_right(self._bounds, minute)]
            following = min(end, day * DAY + bound - offset, change)
            ti, charge, pay = self._rate(day, minute)
            last = pieces[-1] if pieces else None
            if last and last.tariff == ti and last.charge is charge and last.pay is pay:
                last.minutes += following - t
            else:
                pieces.append(_Piece(t, following - t, ti, charge, pay))
            t = following
        return pieces

    def _rate(self, day: int, minute: int) -> tuple[int, _Rate, _Rate]:
        ti = bisect_right(self._tariff_days, day) - 1
        if ti < 0:
            raise _Unpriceable(f"no rates were in force on {long_date(day_of(day))}")
        weekday = (day + 3) % 7 + 1  # ISO weekday: 1 January 1970 was a Thursday
        holiday = day in self._holidays
        key = (ti, minute, weekday, holiday)
        found = self._rates.get(key)
        if found is None:
            tariff = self.tariffs[ti]
            charge, pay = (
                _rate_of(
                    *tariff.rate(side, minute_of_day=minute, weekday=weekday, bank_holiday=holiday)
                )
                for side in (Side.CHARGE, Side.PAY)
            )
            # One object per distinct rate, so pieces compare by identity.
            found = self._rates[key] = (
                ti,
                self._interned.setdefault(charge, charge),
                self._interned.setdefault(pay, pay),
            )
        return found

    def _lines(
        self,
        visit: DeliveredVisit,
        pieces: Sequence[_Piece],
        kind: LineKind,
        charge_percent: int,
        pay_percent: int,
    ) -> tuple[list[Line], list[Line]]:
        instants = [instant_of(p.start) for p in pieces]
        charge = self._side(
            visit, pieces, instants, kind, Side.CHARGE, charge_percent, visit.user_id
        )
        pay = self._side(visit, pieces, instants, kind, Side.PAY, pay_percent, visit.pa_id)
        return charge, pay

    def _side(
        self,
        visit: DeliveredVisit,
        pieces: Sequence[_Piece],
        instants: Sequence[datetime],
        kind: LineKind,
        side: Side,
        percent: int,
        person_id: UUID,
    ) -> list[Line]:
        if percent == 0:
            return []
        rates = [p.charge if side is Side.CHARGE else p.pay for p in pieces]
        numerators = [
            r.pence_per_hour * p.minutes * percent for p, r in zip(pieces, rates, strict=True)
        ]
        total = round_half_up(sum(numerators), 6000)
        pence = [total] if len(pieces) == 1 else share_out(total, numerators, 6000)
        return [
            Line(
                visit_id=visit.visit_id,
                side=side,
                kind=kind,
                person_id=person_id,
                starts=starts,
                minutes=p.minutes,
                rate=r.pence_per_hour,
                percent=percent,
                uplift=r.uplift,
                uplift_percent=r.uplift_percent,
                tariff_from=self._tariff_from[p.tariff],
                pence=amount,
            )
            for p, r, amount, starts in zip(pieces, rates, pence, instants, strict=True)
        ]


def _rate_of(pence_per_hour: int, uplift: Uplift | None) -> _Rate:
    if uplift is None:
        return _Rate(pence_per_hour, "", 0)
    return _Rate(pence_per_hour, uplift.when.value, uplift.percent)


def price_visits(
    visits: Iterable[DeliveredVisit], tariffs: Sequence[Tariff], rules: PricingRules
) -> Pricing:
    """Price every visit; those that can't be priced are listed with the reason."""
    visits = list(visits)
    if not visits:
        return Pricing(visits=(), unpriced=())
    years = [v.planned_start.year for v in visits]
    pricer = Pricer(tariffs, rules, range(min(years) - 1, max(years) + 2))
    priced, unpriced = [], []
    for visit in visits:
        try:
            priced.append(pricer.price(visit))
        except _Unpriceable as e:
            unpriced.append(Unpriced(visit.visit_id, f"It can't be priced: {e}."))
    return Pricing(visits=tuple(priced), unpriced=tuple(unpriced))
