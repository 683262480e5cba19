"""What matching needs, from the read model: the open requests and the PAs' profiles.

The pages rank a request's PAs (``coop.domain.care.matching.rank``) or fill a
week (``fill_week``) from these; every proposal is still confirmed through
``confirm_visit``, which checks the diaries themselves.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.care.availability import Availability, AvailabilityException, WeeklyPattern
from coop.domain.care.matching import OpenRequest, PaProfile
from coop.domain.care.rota import Booked
from coop.domain.care.tasks import Task
from coop.domain.care.times import Interval, local_day, monday_of, week_interval

_patterns = msgspec.json.Decoder(tuple[WeeklyPattern, ...])
_exceptions = msgspec.json.Decoder(tuple[AvailabilityException, ...])
_NAME = "coalesce(nullif(m.preferred_name, ''), m.name)"


async def open_requests(pool: asyncpg.Pool, start: datetime, end: datetime) -> list[OpenRequest]:
    """Visits starting in [start, end) with no PA yet, with the user's plan and history."""
    rows = await pool.fetch(
        f"SELECT v.visit_id, v.user_id, {_NAME}, v.starts_at, v.ends_at, v.tasks, v.named_pa,"
        " coalesce(p.preferred, '{}'), coalesce(p.not_wanted, '{}') FROM care_visits v"
        " JOIN members m ON m.member_id = v.user_id"
        " LEFT JOIN care_plans p ON p.user_id = v.user_id"
        " WHERE v.state = 'requested' AND v.starts_at >= $1 AND v.starts_at < $2"
        " ORDER BY v.starts_at, v.visit_id",
        start,
        end,
    )
    known = await _known(pool, list({r["user_id"] for r in rows}))
    return [
        OpenRequest(
            visit_id=r[0],
            user_id=r[1],
            user=r[2],
            interval=Interval(r[3], r[4]),
            tasks=tuple(Task(t) for t in r[5]),
            named_pa=r[6],
            preferred=tuple(r[7]),
            not_wanted=frozenset(r[8]),
            known=known.get(r[1], {}),
        )
        for r in rows
    ]


async def _known(pool: asyncpg.Pool, users: list[UUID]) -> dict[UUID, dict[UUID, int]]:
    """For each user, the PAs who have had their visits, and how many."""
    rows = await pool.fetch(
        "SELECT user_id, pa_id, count(*) FROM care_visits WHERE user_id = ANY($1::uuid[])"
        " AND pa_id IS NOT NULL AND state <> 'cancelled' GROUP BY user_id, pa_id",
        users,
    )
    known: dict[UUID, dict[UUID, int]] = defaultdict(dict)
    for user_id, pa_id, count in rows:
        known[user_id][pa_id] = count
    return known


async def pa_profiles(pool: asyncpg.Pool, around: Interval) -> list[PaProfile]:
    """Every current PA's skills, availability and the visits they hold in the weeks of ``around``."""
    first = week_interval(monday_of(local_day(around.start))).start
    last = week_interval(monday_of(local_day(around.end))).end
    pas = await pool.fetch(
        f"SELECT c.pa_id, {_NAME}, c.skills, c.patterns, c.exceptions FROM care_pas c"
        " JOIN members m ON m.member_id = c.pa_id"
        " WHERE m.status = 'admitted' AND m.member_class = 'pa' ORDER BY c.pa_id"
    )
    held = await pool.fetch(
        "SELECT pa_id, visit_id, starts_at, ends_at FROM care_visits WHERE pa_id IS NOT NULL"
        " AND starts_at >= $1 AND starts_at < $2 AND state NOT IN ('cancelled', 'requested')",
        first - timedelta(days=1),
        last,
    )
    by_pa: dict[UUID, list[Booked]] = defaultdict(list)
    for pa_id, visit_id, starts_at, ends_at in held:
        by_pa[pa_id].append(Booked(visit_id, Interval(starts_at, ends_at)))
    return [
        PaProfile(
            pa_id=pa_id,
            name=name,
            skills=frozenset(Task(s) for s in skills),
            availability=Availability(
                patterns=_patterns.decode(patterns), exceptions=_exceptions.decode(exceptions)
            ),
            held=tuple(by_pa[pa_id]),
        )
        for pa_id, name, skills, patterns, exceptions in pas
    ]
