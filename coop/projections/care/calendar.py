"""iCalendar (RFC 5545) feeds of visits, pure: a PA's rota or a user's visits as a VCALENDAR.

Times are written in UTC (``DTSTART:20260329T090000Z``): an instant means the
same in every calendar, on both sides of the UK's clock changes, with no
VTIMEZONE to get wrong. Each visit is one VEVENT whose UID never changes and
whose SEQUENCE is the visit's version, so a calendar replaces its old copy
when the visit moves, and a cancelled visit stays as STATUS:CANCELLED (a
calendar drops an event only when told it is cancelled). Summaries carry a
first name only: a feed leaves the co-op, so no tasks, addresses or notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from uuid import UUID

import msgspec

from coop.domain.care.visits import State

PRODID = "-//coop//Care visits//EN"
_CONFIRMED = {State.CONFIRMED, State.CHECKED_IN, State.CHECKED_OUT, State.COMPLETED, State.MISSED}


class FeedVisit(msgspec.Struct, frozen=True):
    """A visit as a feed shows it: ``with_whom`` is the other person's first name."""

    visit_id: UUID
    starts_at: datetime
    ends_at: datetime
    state: str
    version: int
    with_whom: str | None
    taken_off: bool = False  # a PA's feed: the visit went to someone else


def calendar(name: str, visits: Iterable[FeedVisit], now: datetime) -> str:
    """The feed: a VCALENDAR with one VEVENT per visit, CRLF line ends, lines folded."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(name)}",
    ]
    stamp = _utc(now)
    for visit in visits:
        lines += _event(visit, stamp)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) for line in lines)


def _event(visit: FeedVisit, stamp: str) -> list[str]:
    cancelled = visit.taken_off or visit.state == State.CANCELLED
    status = "CANCELLED" if cancelled else "CONFIRMED" if visit.state in _CONFIRMED else "TENTATIVE"
    who = f": {visit.with_whom}" if visit.with_whom else " (no PA yet)"
    summary = ("Missed visit" if visit.state == State.MISSED else "Care visit") + who
    return [
        "BEGIN:VEVENT",
        f"UID:{visit.visit_id}@coop",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(visit.starts_at)}",
        f"DTEND:{_utc(visit.ends_at)}",
        f"SEQUENCE:{visit.version}",
        f"STATUS:{status}",
        f"SUMMARY:{_text(summary)}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """A TEXT value, escaped (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """A content line folded at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    data = line.encode()
    if len(data) <= 75:
        return line + "\r\n"
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a continuation byte
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts) + "\r\n"
