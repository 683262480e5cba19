"""How coop writes money, dates and times, shares of a whole and member classes, on
every page of every context."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from coop.clock import UK

CLASS_NAMES = {"user": "Users", "carer": "Carers", "pa": "PAs", "supporter": "Supporters"}
_CLASS_ORDER = list(CLASS_NAMES)
_ONE_OF = {"user": "user", "carer": "carer", "pa": "PA", "supporter": "supporter"}


def when(at: datetime) -> str:
    """'5pm on Monday 30 November 2026', in UK time."""
    local = at.astimezone(UK)
    time = f"{local:%-I:%M}".removesuffix(":00") + ("am" if local.hour < 12 else "pm")
    time = {"12am": "midnight", "12pm": "midday"}.get(time, time)
    return f"{time} on {local:%A %-d %B %Y}"


def day(on: date) -> str:
    """'30 November 2026'."""
    return f"{on:%-d %B %Y}"


def money(pence: int) -> str:
    """'£1,250.00' from 125000 pence."""
    return f"£{pence // 100:,}.{pence % 100:02d}"


def whole_pounds(pence: int) -> str:
    """'£7,800' (Easy Read writes no pence when there are none), else as ``money``."""
    return f"£{pence // 100:,}" if pence % 100 == 0 else money(pence)


def percent(part: Fraction) -> str:
    """'62.5%' or '50%': to a tenth of a per cent, without a trailing '.0'."""
    tenths = round(part * 1000)
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}%"


def class_name(member_class: str) -> str:
    """A member class as a group of people: 'Users', 'PAs'."""
    return CLASS_NAMES.get(member_class, member_class.capitalize())


def one_of(member_class: str) -> str:
    """One member of the class, as in "a user trustee": user, carer, PA."""
    return _ONE_OF.get(member_class, member_class)


def in_class_order(member_class: str) -> tuple[int, str]:
    """Users, carers, PAs, then any class the rules add."""
    known = member_class in _CLASS_ORDER
    return (_CLASS_ORDER.index(member_class) if known else len(_CLASS_ORDER), member_class)
