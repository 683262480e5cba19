"""Rates: what a user is charged and a PA is paid an hour, each from a date, never edited.

One ``Rates`` aggregate per co-op holds every tariff it has had. A tariff takes effect
at midnight (UK time) on its date and stays in force until the next one's date: a new
tariff supersedes, it never rewrites the past. Trustees adopt one (with the board
minute), or a reinvestment decision enacts one (with the ballot).

Uplifts: at night, at weekends or on a bank holiday in England and Wales, a rate may be
raised by a percentage or by pence an hour. Where several apply to the same minute,
the single highest rate wins (uplifts are never added together).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from coop.domain.errors import InvalidInput
from coop.domain.finance.money import FinanceError, pounds
from coop.domain.governance.proposals import Rate

_NAMESPACE = UUID("3f1c8a6e-5b2d-4e7f-9c0a-1d2e3f4a5b6c")
RATES_ID = uuid5(_NAMESPACE, "rates")
_MAX_PENCE_PER_HOUR = 100_000  # £1,000 an hour: anything above is a typing slip


class Side(StrEnum):
    """Which side of a visit's money a rate is for."""

    CHARGE = "charge"  # what the user is charged
    PAY = "pay"  # what the PA is paid


class When(StrEnum):
    """When an uplift applies, judged by the UK wall clock and calendar."""

    NIGHT = "night"
    WEEKEND = "weekend"
    BANK_HOLIDAY = "bank_holiday"


class Uplift(msgspec.Struct, frozen=True, kw_only=True):
    """A raised rate for one side at some times: a percentage or pence an hour added."""

    when: When
    side: Side
    percent: int = 0
    pence_per_hour: int = 0
    starts_minute: int = 22 * 60  # nights only: minutes after midnight, e.g. 22:00
    ends_minute: int = 7 * 60  # nights only: e.g. 07:00 the next morning
    days: tuple[int, ...] = (6, 7)  # weekends only: ISO weekdays (6 Saturday, 7 Sunday)

    def raised(self, base: int) -> int:
        """The rate in pence an hour with this uplift on ``base`` (whole pence, checked)."""
        return base + self.pence_per_hour + base * self.percent // 100

    def in_night(self, minute_of_day: int) -> bool:
        if self.starts_minute > self.ends_minute:  # the window runs past midnight
            return minute_of_day >= self.starts_minute or minute_of_day < self.ends_minute
        return self.starts_minute <= minute_of_day < self.ends_minute


class Tariff(msgspec.Struct, frozen=True, kw_only=True):
    """The rates in force from ``effective_from`` until the next tariff's date."""

    effective_from: date
    charge_pence_per_hour: int
    pay_pence_per_hour: int
    uplifts: tuple[Uplift, ...] = ()

    def base(self, side: Side) -> int:
        return self.charge_pence_per_hour if side is Side.CHARGE else self.pay_pence_per_hour

    def rate(
        self, side: Side, *, minute_of_day: int, weekday: int, bank_holiday: bool
    ) -> tuple[int, Uplift | None]:
        """The rate for one side at one minute, and the uplift that set it (the highest)."""
        base = self.base(side)
        best, chosen = base, None
        for uplift in self.uplifts:
            if uplift.side is not side:
                continue
            if (
                (uplift.when is When.NIGHT and uplift.in_night(minute_of_day))
                or (uplift.when is When.WEEKEND and weekday in uplift.days)
                or (uplift.when is When.BANK_HOLIDAY and bank_holiday)
            ) and (raised := uplift.raised(base)) > best:
                best, chosen = raised, uplift
        return best, chosen

    def changed(self, rate: Rate, pence_per_hour: int, effective_from: date) -> Tariff:
        """This tariff with one hourly rate moved by ``pence_per_hour``, from a new date."""
        if rate is Rate.PA_PAY:
            return msgspec.structs.replace(
                self,
                effective_from=effective_from,
                pay_pence_per_hour=self.pay_pence_per_hour + pence_per_hour,
            )
        return msgspec.structs.replace(
            self,
            effective_from=effective_from,
            charge_pence_per_hour=self.charge_pence_per_hour + pence_per_hour,
        )

    def check(self) -> None:
        """Refuse rates that are not whole, sensible pence an hour, saying which."""
        if not isinstance(self.effective_from, date):
            raise InvalidInput("Say from which date the rates take effect.", "effective_from")
        for side, amount in (
            (Side.CHARGE, self.charge_pence_per_hour),
            (Side.PAY, self.pay_pence_per_hour),
        ):
            what = "The charge to users" if side is Side.CHARGE else "The pay for PAs"
            if not isinstance(amount, int):
                raise InvalidInput(f"{what} must be a whole number of pence an hour.", side)
            if amount <= 0:
                raise InvalidInput(f"{what} must be more than £0 an hour.", side)
            if amount > _MAX_PENCE_PER_HOUR:
                raise InvalidInput(f"{what} can't be more than £1,000 an hour.", side)
        seen = set()
        for uplift in self.uplifts:
            _check_uplift(uplift, self.base(uplift.side))
            if (uplift.when, uplift.side) in seen:
                raise InvalidInput(
                    f"There are two {uplift.when.replace('_', ' ')} uplifts on the {uplift.side}:"
                    " keep one.",
                    "uplifts",
                )
            seen.add((uplift.when, uplift.side))


def _check_uplift(uplift: Uplift, base: int) -> None:
    name = f"The {uplift.when.replace('_', ' ')} uplift on the {uplift.side}"
    if (uplift.percent == 0) == (uplift.pence_per_hour == 0):
        raise InvalidInput(f"{name} must be either a percentage or pence an hour.", "uplifts")
    if uplift.percent < 0 or uplift.pence_per_hour < 0:
        raise InvalidInput(f"{name} can't be negative.", "uplifts")
    if uplift.percent > 300 or uplift.pence_per_hour > _MAX_PENCE_PER_HOUR:
        raise InvalidInput(f"{name} is too large (at most 300 % or £1,000 an hour).", "uplifts")
    if base * uplift.percent % 100:
        exact = f"£{base * (100 + uplift.percent) / 10_000:.4f}".rstrip("0")
        raise InvalidInput(
            f"{name}, {uplift.percent} % on {pounds(base)}, comes to {exact} an hour, part of a"
            " penny: give the uplift in pence an hour, or a percentage that comes to whole pence.",
            "uplifts",
        )
    if uplift.when is When.NIGHT and not (
        0 <= uplift.starts_minute < 1440
        and 0 <= uplift.ends_minute < 1440
        and uplift.starts_minute != uplift.ends_minute
    ):
        raise InvalidInput("A night must start and end at different times of day.", "uplifts")
    if uplift.when is When.WEEKEND and (
        not uplift.days or not set(uplift.days) <= set(range(1, 8))
    ):
        raise InvalidInput("Say which days of the week count as the weekend.", "uplifts")


class RatesBackdated(FinanceError):
    def __init__(self, effective_from: date, last: date) -> None:
        super().__init__(
            f"These rates would take effect on {long_date(effective_from)}, but the rates on the"
            f" books took effect on {long_date(last)}. Rates are never changed after the event:"
            " a new rate supersedes the last one from a later date."
        )


class RatesError(FinanceError):
    """Other refusals about rates."""


class _Enactment(msgspec.Struct, frozen=True):
    ballot_id: UUID
    option_ids: tuple[str, ...]


class PeriodAlreadyClosed(FinanceError):
    def __init__(self, locked_until: date) -> None:
        super().__init__(
            f"The accounts up to {long_date(locked_until)} are closed, so new rates can only"
            " take effect after that date."
        )


def long_date(day: date) -> str:
    """A date as a sentence says it: 1 April 2026."""
    return f"{day:%-d %B %Y}"


class Rates(Aggregate):
    """Every tariff the co-op has had, in the order of their dates."""

    class Started(Aggregate.Created):
        pass

    class Adopted(Aggregate.Event):
        tariff: Tariff
        by: UUID
        minute: str  # the board minute that records the trustees' decision
        on: date

    class Enacted(Aggregate.Event):
        tariff: Tariff
        ballot_id: UUID  # the reinvestment (or resolution) that decided it
        option_ids: tuple[str, ...]  # the funded options it carries (one tariff for them all)
        on: date

    @staticmethod
    def create_id() -> UUID:
        return RATES_ID

    @event(Started)
    def __init__(self) -> None:
        self.history: tuple[Tariff, ...] = ()
        self.enacted: tuple[_Enactment, ...] = ()

    def adopt(
        self, tariff: Tariff, *, by: UUID, minute: str, today: date, locked_until: date | None
    ) -> None:
        """Trustees adopt new rates from a date, as their minute records."""
        if not minute.strip():
            raise InvalidInput("Give the board minute that records the decision.", "minute")
        self._check_next(tariff, locked_until)
        self._adopted(tariff=tariff, by=by, minute=minute.strip(), on=today)

    @event(Adopted)
    def _adopted(self, tariff: Tariff, by: UUID, minute: str, on: date) -> None:
        self.history = (*self.history, tariff)

    def enact(
        self,
        tariff: Tariff,
        *,
        ballot_id: UUID,
        option_ids: tuple[str, ...],
        today: date,
        locked_until: date | None,
    ) -> None:
        """New rates decided by the members (reinvestment options), from their date."""
        if any(t.ballot_id == ballot_id for t in self.enacted):
            raise RatesError("The rate changes this ballot decided have already been enacted.")
        self._check_next(tariff, locked_until)
        self._enacted(tariff=tariff, ballot_id=ballot_id, option_ids=option_ids, on=today)

    @event(Enacted)
    def _enacted(
        self, tariff: Tariff, ballot_id: UUID, option_ids: tuple[str, ...], on: date
    ) -> None:
        self.history = (*self.history, tariff)
        self.enacted = (*self.enacted, _Enactment(ballot_id, option_ids))

    def next_date(self, wanted: date) -> date:
        """``wanted``, or the day after the last tariff's date if that is later."""
        if self.history and self.history[-1].effective_from >= wanted:
            return self.history[-1].effective_from + timedelta(days=1)
        return wanted

    def in_force_on(self, day: date) -> Tariff | None:
        """The tariff in force on ``day``, or None before the first."""
        found = None
        for tariff in self.history:
            if tariff.effective_from > day:
                break
            found = tariff
        return found

    def _check_next(self, tariff: Tariff, locked_until: date | None) -> None:
        tariff.check()
        if self.history:
            last = self.history[-1]
            if tariff.effective_from <= last.effective_from:
                raise RatesBackdated(tariff.effective_from, last.effective_from)
            if msgspec.structs.replace(tariff, effective_from=last.effective_from) == last:
                raise InvalidInput("These are the rates already in force: nothing would change.")
        if locked_until is not None and tariff.effective_from <= locked_until:
            raise PeriodAlreadyClosed(locked_until)
