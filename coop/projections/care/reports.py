"""The care reports' reads: hours delivered, late and missed visits, over a range of days.

Hours are what PAs actually gave: from check-in to check-out, for every visit checked
out (completed ones too), counted on the UK day the visit was booked for. "Late" is
what the day board calls late (``queries.status``), so the office and the trustees
read the same numbers.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID

import asyncpg
import msgspec

from coop.clock import UK
from coop.domain.care.visits import ON_TIME_MINUTES
from coop.projections.care.queries import _NAME, Status, status


class DateRange(msgspec.Struct, frozen=True):
    """The days from ``first`` to ``last``, both included (UK days)."""

    first: date
    last: date

    def bounds(self) -> tuple[datetime, datetime]:
        """From UK midnight starting the first day to UK midnight ending the last: the
        visits booked on these days start in it (and the index on ``starts_at`` finds them)."""
        return (
            datetime.combine(self.first, time(), tzinfo=UK),
            datetime.combine(self.last + timedelta(days=1), time(), tzinfo=UK),
        )

    def months(self) -> list[str]:
        """Every month the range touches, as ``YYYY-MM``, in order."""
        every, month = [], self.first.replace(day=1)
        while month <= self.last:
            every.append(f"{month:%Y-%m}")
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return every


class Delivered(msgspec.Struct, frozen=True):
    """Care delivered under one heading (a month, a PA or a user)."""

    key: str  # the month (YYYY-MM) or the person's member id
    name: str  # the month or the person as a page shows them
    visits: int
    minutes: int


# A checked-out visit's minutes: its PA's actual times, to the whole minute.
_MINUTES = "floor(extract(epoch FROM v.checked_out_at - v.checked_in_at) / 60)::int"
_DELIVERED = (
    "FROM care_visits v {join} WHERE v.checked_out_at IS NOT NULL"
    " AND v.checked_in_at IS NOT NULL AND v.starts_at >= $1 AND v.starts_at < $2"
)


async def hours_by_month(pool: asyncpg.Pool, days: DateRange) -> list[Delivered]:
    """Care delivered in each month of the range, the months with none too (as zero)."""
    rows = await pool.fetch(
        f"SELECT to_char(v.day, 'YYYY-MM'), count(*)::int, coalesce(sum({_MINUTES}), 0)::int "
        + _DELIVERED.format(join="")
        + " GROUP BY 1",
        *days.bounds(),
    )
    found = {r[0]: (r[1], r[2]) for r in rows}
    return [
        Delivered(m, f"{date.fromisoformat(m + '-01'):%B %Y}", *found.get(m, (0, 0)))
        for m in days.months()
    ]


async def hours_by_pa(pool: asyncpg.Pool, days: DateRange) -> list[Delivered]:
    """Care each PA delivered in the range, most first."""
    return await _by_person(pool, days, "pa_id")


async def hours_by_user(pool: asyncpg.Pool, days: DateRange) -> list[Delivered]:
    """Care each user received in the range, most first."""
    return await _by_person(pool, days, "user_id")


async def _by_person(pool: asyncpg.Pool, days: DateRange, column: str) -> list[Delivered]:
    rows = await pool.fetch(
        f"SELECT v.{column}::text, coalesce({_NAME.format(m='m')}, 'A former member'),"
        f" count(*)::int, sum({_MINUTES})::int "
        + _DELIVERED.format(join=f"LEFT JOIN members m ON m.member_id = v.{column}")
        + " GROUP BY 1, 2 ORDER BY 4 DESC, 2, 1",
        *days.bounds(),
    )
    return [Delivered(*r) for r in rows]


class LateOrMissed(msgspec.Struct, frozen=True):
    """A visit the PA came to late, or did not come to."""

    visit_id: UUID
    user_name: str
    pa_name: str | None
    starts_at: datetime
    checked_in_at: datetime | None
    status: Status

    @property
    def minutes_late(self) -> int | None:
        """How late the PA checked in (None: they never did)."""
        if self.checked_in_at is None:
            return None
        return int((self.checked_in_at - self.starts_at).total_seconds()) // 60


async def late_and_missed(pool: asyncpg.Pool, days: DateRange, now: datetime) -> list[LateOrMissed]:
    """Every visit in the range that was late or missed as at ``now``, in the order they were due."""
    rows = await pool.fetch(
        f"SELECT v.visit_id, {_NAME.format(m='u')}, {_NAME.format(m='p')}, v.starts_at,"
        " v.checked_in_at, v.state FROM care_visits v"
        " JOIN members u ON u.member_id = v.user_id LEFT JOIN members p ON p.member_id = v.pa_id"
        " WHERE v.starts_at >= $1 AND v.starts_at < $2 AND v.starts_at <= $3"
        " AND v.state NOT IN ('requested', 'accepted', 'cancelled')"
        " AND (v.state = 'missed' OR v.checked_in_at IS NULL OR v.checked_in_at - v.starts_at > $4)"
        " ORDER BY v.starts_at, v.visit_id",
        *days.bounds(),
        now,
        timedelta(minutes=ON_TIME_MINUTES),
    )
    found = []
    for visit_id, user, pa, starts_at, checked_in_at, state in rows:
        seen = status(state, starts_at, checked_in_at, now)
        if seen in (Status.LATE, Status.MISSED):
            found.append(LateOrMissed(visit_id, user, pa, starts_at, checked_in_at, seen))
    return found


class CareUser(msgspec.Struct, frozen=True):
    user_id: UUID
    name: str


async def care_users(pool: asyncpg.Pool) -> list[CareUser]:
    """Everyone with a support plan, by name: the people whose notes can be read."""
    rows = await pool.fetch(
        f"SELECT p.user_id, {_NAME.format(m='m')} FROM care_plans p"
        " JOIN members m ON m.member_id = p.user_id ORDER BY 2, 1"
    )
    return [CareUser(*r) for r in rows]


class LateAndMissedMonth(msgspec.Struct, frozen=True):
    month: str  # YYYY-MM
    name: str  # "November 2026"
    late: int
    missed: int


def late_and_missed_by_month(
    visits: list[LateOrMissed], days: DateRange
) -> list[LateAndMissedMonth]:
    """How many were late and how many missed in each month of the range (none as zero)."""
    counts = {m: [0, 0] for m in days.months()}
    for v in visits:
        counts[f"{v.starts_at.astimezone(UK):%Y-%m}"][v.status is Status.MISSED] += 1
    return [
        LateAndMissedMonth(m, f"{date.fromisoformat(m + '-01'):%B %Y}", late, missed)
        for m, (late, missed) in counts.items()
    ]
