"""When a PA can work: weekly patterns over time, plus leave, sickness and extra hours.

Patterns and windows are in UK wall-clock time (minutes after local midnight);
whether a visit fits is decided on instants, from the pattern in force on each day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

import msgspec

from coop.domain.care.times import MAX_MINUTES, Interval, local_day, wall_span
from coop.domain.errors import InvalidInput

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Window(msgspec.Struct, frozen=True):
    """A weekly stretch of work: ``weekday`` 0 is Monday; the end may pass midnight."""

    weekday: int
    start_minute: int
    end_minute: int

    def words(self) -> str:
        return f"{clock(self.start_minute)} to {clock(self.end_minute)}"


class WeeklyPattern(msgspec.Struct, frozen=True, kw_only=True):
    """The hours a PA works each week, from ``starts_on`` until a newer pattern starts."""

    starts_on: date
    windows: tuple[Window, ...]


class ExceptionKind(StrEnum):
    LEAVE = "leave"
    SICKNESS = "sickness"
    EXTRA_HOURS = "extra_hours"  # one-off hours outside the pattern


class AvailabilityException(msgspec.Struct, frozen=True, kw_only=True):
    """A one-off change to the pattern (no reasons kept: sickness is health data)."""

    id: UUID
    kind: ExceptionKind
    span: Interval

    @property
    def available(self) -> bool:
        return self.kind is ExceptionKind.EXTRA_HOURS


class Availability(msgspec.Struct, frozen=True, kw_only=True):
    """Everything that says when a PA can work."""

    patterns: tuple[WeeklyPattern, ...] = ()  # oldest first
    exceptions: tuple[AvailabilityException, ...] = ()


def clock(minute: int) -> str:
    """Minutes after midnight as a clock time: 24:00 for midnight at the end of a day."""
    if minute == MAX_MINUTES:
        return "24:00"
    hours, minutes = divmod(minute % MAX_MINUTES, 60)
    return f"{hours:02d}:{minutes:02d}" + (" the next day" if minute > MAX_MINUTES else "")


def check_pattern(pattern: WeeklyPattern) -> None:
    """Refuse windows that cannot be right, saying which."""
    for w in pattern.windows:
        if not 0 <= w.weekday <= 6:
            raise InvalidInput("Choose a day of the week from Monday to Sunday.", "windows")
        if not 0 <= w.start_minute < MAX_MINUTES or not (
            w.start_minute < w.end_minute <= w.start_minute + MAX_MINUTES
        ):
            raise InvalidInput(
                f"On {WEEKDAYS[w.weekday]} the hours must end after they start,"
                " and last at most 24 hours.",
                "windows",
            )


def pattern_on(patterns: Sequence[WeeklyPattern], day: date) -> WeeklyPattern | None:
    """The newest pattern in force on ``day`` (patterns are kept oldest first)."""
    for pattern in reversed(patterns):
        if pattern.starts_on <= day:
            return pattern
    return None


def merge(spans: Iterable[Interval]) -> list[Interval]:
    """Spans joined where they touch or overlap, in order."""
    merged: list[Interval] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


def subtract(spans: list[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """``spans`` (merged) less every hole."""
    for hole in holes:
        kept: list[Interval] = []
        for span in spans:
            if not span.overlaps(hole):
                kept.append(span)
                continue
            if span.start < hole.start:
                kept.append(Interval(span.start, hole.start))
            if hole.end < span.end:
                kept.append(Interval(hole.end, span.end))
        spans = kept
    return spans


def free_spans(availability: Availability, around: Interval) -> list[Interval]:
    """When the PA can work, in order, for every day that touches ``around``."""
    first = local_day(around.start) - timedelta(days=1)  # yesterday's overnight window
    last = local_day(around.end)
    spans: list[Interval] = []
    day = first
    while day <= last:
        pattern = pattern_on(availability.patterns, day)
        if pattern is not None:
            spans += [
                wall_span(day, w.start_minute, w.end_minute)
                for w in pattern.windows
                if w.weekday == day.weekday()
            ]
        day += timedelta(days=1)
    spans += [e.span for e in availability.exceptions if e.available and e.span.overlaps(around)]
    away = (e.span for e in availability.exceptions if not e.available and e.span.overlaps(around))
    return subtract(merge(spans), away)


def inside(spans: Sequence[Interval], interval: Interval) -> bool:
    """True if ``interval`` lies within one of the sorted, separate ``spans``."""
    i = bisect_right(spans, Interval(interval.start, interval.end)) - 1
    candidates = (spans[j] for j in (i, i + 1) if 0 <= j < len(spans))
    return any(interval.within(span) for span in candidates)


def is_available(availability: Availability, interval: Interval) -> bool:
    return inside(free_spans(availability, interval), interval)


def why_unavailable(availability: Availability, interval: Interval) -> str | None:
    """Why the PA cannot work ``interval``, as a clause about "they" (None if they can)."""
    if is_available(availability, interval):
        return None
    for e in availability.exceptions:
        if not e.available and e.span.overlaps(interval):
            return "they are on leave" if e.kind is ExceptionKind.LEAVE else "they are off sick"
    day = local_day(interval.start)
    pattern = pattern_on(availability.patterns, day)
    if pattern is None:
        return "they have not said when they can work at that date"
    windows = [w.words() for w in pattern.windows if w.weekday == day.weekday()]
    weekday = WEEKDAYS[day.weekday()]
    if not windows:
        return f"they do not work on {weekday}s"
    return f"they work {' and '.join(windows)} on {weekday}s"
