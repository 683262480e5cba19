"""Bank holidays in England and Wales: the standing rules, and the changes made by proclamation.

The standing rules (Banking and Financial Dealings Act 1971, and the early May holiday
since 1978): New Year's Day, Good Friday, Easter Monday, the first Monday in May, the
last Mondays in May and August, Christmas Day and Boxing Day. A fixed-date holiday
that falls on a Saturday or Sunday moves to the next weekday not already a holiday
(so a Christmas on Saturday gives Monday 27 and Tuesday 28 December).

Any year can be moved or added to by royal proclamation; those changes are listed
below as facts, the newest first. Years to come follow the standing rules until a
proclamation is made and added here.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import msgspec

FIRST_YEAR = 1978  # the first year with an early May bank holiday


class BankHoliday(msgspec.Struct, frozen=True):
    """One bank holiday: its date, its name, and whether it stands in for a weekend day."""

    on: date
    title: str
    substitute: bool = False


# (year, the standing holiday moved, its new date) and one-off extra days.
_MOVED = {
    (2022, "Spring bank holiday"): date(2022, 6, 2),  # the Platinum Jubilee weekend
    (2020, "Early May bank holiday"): date(2020, 5, 8),  # VE Day's 75th anniversary
    (2012, "Spring bank holiday"): date(2012, 6, 4),  # the Diamond Jubilee
    (2002, "Spring bank holiday"): date(2002, 6, 4),  # the Golden Jubilee
    (1995, "Early May bank holiday"): date(1995, 5, 8),  # VE Day's 50th anniversary
}
_EXTRA = (
    BankHoliday(date(2023, 5, 8), "Bank holiday for the coronation of King Charles III"),
    BankHoliday(date(2022, 9, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II"),
    BankHoliday(date(2022, 6, 3), "Platinum Jubilee bank holiday"),
    BankHoliday(date(2012, 6, 5), "Queen’s Diamond Jubilee"),
    BankHoliday(date(2011, 4, 29), "Royal wedding"),
    BankHoliday(date(2002, 6, 3), "Golden Jubilee bank holiday"),
    BankHoliday(date(1999, 12, 31), "Millennium celebrations"),
    BankHoliday(date(1981, 7, 29), "Royal wedding"),
)


def easter_sunday(year: int) -> date:
    """Easter Day in the Gregorian calendar (the anonymous computus of 1876)."""
    golden = year % 19
    century, years = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon = (century - correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon + 15) % 30
    leap_years, year_rest = divmod(years, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    late = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * late + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


@cache
def bank_holidays(year: int) -> tuple[BankHoliday, ...]:
    """Every bank holiday in England and Wales in ``year``, in date order."""
    if year < FIRST_YEAR:
        raise ValueError(f"coop knows bank holidays from {FIRST_YEAR} onwards")
    easter = easter_sunday(year)
    movable = [
        BankHoliday(easter - timedelta(days=2), "Good Friday"),
        BankHoliday(easter + timedelta(days=1), "Easter Monday"),
        BankHoliday(_first_monday(year, 5), "Early May bank holiday"),
        BankHoliday(_last_monday(year, 5), "Spring bank holiday"),
        BankHoliday(_last_monday(year, 8), "Summer bank holiday"),
    ]
    movable = [
        BankHoliday(_MOVED[(year, h.title)], h.title) if (year, h.title) in _MOVED else h
        for h in movable
    ]
    movable += [h for h in _EXTRA if h.on.year == year]
    days = [*movable]
    taken = {h.on for h in movable}
    fixed = (
        (date(year, 1, 1), "New Year’s Day"),
        (date(year, 12, 25), "Christmas Day"),
        (date(year, 12, 26), "Boxing Day"),
    )
    # A fixed holiday on a weekday keeps its day; one at a weekend takes the next weekday
    # still free, in date order (a Sunday Christmas goes to the Tuesday, after Boxing Day).
    taken |= {on for on, _ in fixed if on.weekday() < 5}
    for on, title in fixed:
        moved = on
        if on.weekday() >= 5:
            while moved.weekday() >= 5 or moved in taken:
                moved += timedelta(days=1)
            taken.add(moved)
        days.append(BankHoliday(moved, title, substitute=moved != on))
    return tuple(sorted(days, key=lambda h: h.on))


@cache
def _days(year: int) -> frozenset[date]:
    return frozenset(h.on for h in bank_holidays(year))


def is_bank_holiday(day: date) -> bool:
    """Whether ``day`` is a bank holiday in England and Wales."""
    return day in _days(day.year)
