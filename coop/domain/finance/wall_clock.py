"""The UK wall clock as whole minutes, with its clock changes, for pricing by the minute.

Instants are counted in minutes since 1970 (UTC), so a span's length is the real time
worked, whatever the clocks did: a visit across 01:00 on the last Sunday of October
lasts an hour longer than the wall clock says, and one across the March change an
hour shorter. Wall-clock minutes are the instant plus the UTC offset then in force.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from coop.clock import UK

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_DAY = date(1970, 1, 1).toordinal()
DAY = 1440


def minute_of(instant: datetime) -> int:
    """An aware instant as whole minutes since 1970 (seconds dropped)."""
    return seconds_of(instant) // 60


def seconds_of(instant: datetime) -> int:
    """An aware instant as whole seconds since 1970 (exact integers, never a float)."""
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    delta = instant - EPOCH
    return delta.days * 86_400 + delta.seconds


def instant_of(minute: int) -> datetime:
    return EPOCH + timedelta(minutes=minute)


def day_of(day_number: int) -> date:
    """The date of a day counted from 1 January 1970."""
    return date.fromordinal(day_number + EPOCH_DAY)


def day_number(day: date) -> int:
    return day.toordinal() - EPOCH_DAY


def _offset(minute: int, zone: ZoneInfo) -> int:
    delta = instant_of(minute).astimezone(zone).utcoffset()
    assert delta is not None
    return int(delta.total_seconds()) // 60


@cache
def _changes(year: int, zone: ZoneInfo) -> tuple[tuple[int, int], ...]:
    """(minute the offset starts, offset in minutes) at each change in ``year``."""

    def offset(minute: int) -> int:
        return _offset(minute, zone)

    found = []
    start = minute_of(datetime(year, 1, 1, tzinfo=UTC))
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    before = offset(start)
    for d in range(days):
        end = start + (d + 1) * DAY
        if offset(end) != before:
            low, high = end - DAY, end  # the offset changes in (low, high]
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == before else (low, middle)
            before = offset(high)
            found.append((high, before))
    return tuple(found)


class WallClock:
    """The UTC offset at any minute of the years asked for, and when it next changes."""

    def __init__(self, first_year: int, last_year: int, zone: ZoneInfo = UK) -> None:
        start = minute_of(datetime(first_year - 1, 12, 31, tzinfo=UTC))
        changes = [(start, _offset(start, zone))]
        for year in range(first_year, last_year + 2):
            changes += _changes(year, zone)
        self._starts = [m for m, _ in changes]
        self._offsets = [o for _, o in changes]
        self._end = minute_of(datetime(last_year + 2, 1, 1, tzinfo=UTC))

    def offset(self, minute: int) -> tuple[int, int]:
        """The offset in force at ``minute``, and the minute it next changes."""
        if not self._starts[0] <= minute < self._end:
            raise ValueError("that minute is outside the years this clock was made for")
        i = bisect_right(self._starts, minute) - 1
        following = self._starts[i + 1] if i + 1 < len(self._starts) else self._end
        return self._offsets[i], following
