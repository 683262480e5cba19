"""When visits happen: booked in UK wall-clock time, kept and compared as instants.

A 10:00 visit is 10:00 on both sides of a clock change, so a booking is a local
date, a local start and a length in minutes; the rules compare the instants it
stands for. The length is elapsed time (what the PA is paid for), so a night
visit over a clock change ends an hour earlier or later on the clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import msgspec

from coop.clock import UK
from coop.domain.errors import InvalidInput

MAX_MINUTES = 24 * 60


class Interval(msgspec.Struct, frozen=True, order=True):
    """From ``start`` up to (not including) ``end``: aware instants, in UTC."""

    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds()) // 60

    def overlaps(self, other: Interval, gap: timedelta = timedelta(0)) -> bool:
        """True if the two are closer than ``gap`` (touching is not overlapping)."""
        return self.start < other.end + gap and other.start < self.end + gap

    def within(self, other: Interval) -> bool:
        return other.start <= self.start and self.end <= other.end


class TimeDoesNotExist(InvalidInput):
    def __init__(self, day: date, start: time, gap_starts: time, gap_ends: time) -> None:
        super().__init__(
            f"{hhmm(start)} does not exist on {long_date(day)}: the clocks go forward at"
            f" {hhmm(gap_starts)}, straight to {hhmm(gap_ends)}. Choose another time.",
            "start",
        )


class BadDuration(InvalidInput):
    def __init__(self) -> None:
        super().__init__("A visit must last at least 1 minute and at most 24 hours.", "minutes")


def hhmm(moment: time | datetime) -> str:
    """A time as people read it, in the UK: 09:30."""
    if isinstance(moment, datetime):
        moment = moment.astimezone(UK).time()
    return f"{moment:%H:%M}"


def long_date(day: date | datetime) -> str:
    """Tuesday 3 March 2026."""
    if isinstance(day, datetime):
        day = day.astimezone(UK).date()
    return f"{day:%A} {day.day} {day:%B %Y}"


def local_day(moment: datetime) -> date:
    return moment.astimezone(UK).date()


def exists(day: date, start: time) -> bool:
    """False for a wall-clock time skipped when the clocks go forward."""
    wall = datetime.combine(day, start, tzinfo=UK)
    return wall.astimezone(UTC).astimezone(UK).replace(tzinfo=None) == wall.replace(tzinfo=None)


def instant(day: date, start: time) -> datetime:
    """The instant of a UK wall-clock time; refused if the clocks skip it.

    A time that happens twice (the clocks going back) is its first occurrence,
    in summer time: see ``repeated_note``.
    """
    if not exists(day, start):
        gap_start = datetime.combine(day, start)
        while not exists(day, (gap_start - timedelta(minutes=1)).time()):
            gap_start -= timedelta(minutes=1)
        gap_end = datetime.combine(day, start)
        while not exists(day, gap_end.time()):
            gap_end += timedelta(minutes=1)
        raise TimeDoesNotExist(day, start, gap_start.time(), gap_end.time())
    return datetime.combine(day, start.replace(fold=0), tzinfo=UK).astimezone(UTC)


def repeated_note(day: date, start: time) -> str | None:
    """What to tell the booker when ``start`` happens twice that day (else None)."""
    first = datetime.combine(day, start.replace(fold=0), tzinfo=UK)
    second = datetime.combine(day, start.replace(fold=1), tzinfo=UK)
    if first.utcoffset() == second.utcoffset():
        return None
    return (
        f"{hhmm(start)} happens twice on {long_date(day)}, as the clocks go back an hour:"
        f" the visit is booked for the first {hhmm(start)}, in British Summer Time."
    )


def visit_interval(day: date, start: time, minutes: int) -> Interval:
    """The instants a visit booked for ``day`` at ``start`` for ``minutes`` covers."""
    if not 0 < minutes <= MAX_MINUTES:
        raise BadDuration()
    begins = instant(day, start)
    return Interval(begins, begins + timedelta(minutes=minutes))


def wall_span(day: date, start_minute: int, end_minute: int) -> Interval:
    """Local minutes after ``day``'s midnight (end may pass into the next day), as instants.

    For availability, where a window's edge in the hour the clocks skip is
    read as if they had not yet gone forward (an hour later), not refused.
    """

    def at(minute: int) -> datetime:
        wall = datetime.combine(day, time()) + timedelta(minutes=minute)
        return wall.replace(tzinfo=UK).astimezone(UTC)

    return Interval(at(start_minute), at(end_minute))


def monday_of(day: date) -> date:
    """The Monday starting ``day``'s week (weeks run Monday to Sunday, UK time)."""
    return day - timedelta(days=day.weekday())


def week_interval(monday: date) -> Interval:
    """The instants of the UK week starting ``monday`` (167 to 169 hours long)."""
    return wall_span(monday, 0, 7 * MAX_MINUTES)


def local_span(interval: Interval) -> str:
    """From 10:00 to 11:00 (on the visit's own day)."""
    return f"from {hhmm(interval.start)} to {hhmm(interval.end)}"


def duration_words(minutes: int) -> str:
    """1 hour, 12 hours 30 minutes, 45 minutes."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' * (hours != 1)}"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} minute{'s' * (rest != 1)}")
    return " ".join(parts)
