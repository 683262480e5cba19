"""`coop bench care-reports`: the care reports' reads over a year of ``--visits`` visits.

Writes a year of visits (200,000 by default: a large co-op's year) straight into the
care read model of a scratch database, with 200 members as users and PAs, one visit
in 40 checked in late and one in 97 missed. Then times each read the care report
page makes (hours by month, by PA, by user; the late and missed visits), the median
of ``--repeats`` × 5, against counting the year's visits (the least any report of
them could do) measured in the same run.

Figures on a shared machine move with the neighbours' load: read the ratios.
Run: ``coop bench care-reports``.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from bench.common import median, print_header, scratch_database
from coop.projections.care.reports import (
    DateRange,
    hours_by_month,
    hours_by_pa,
    hours_by_user,
    late_and_missed,
)

YEAR = DateRange(date(2026, 1, 1), date(2026, 12, 31))
AFTER_THE_YEAR = datetime(2027, 1, 1, tzinfo=UTC)
PEOPLE = 200  # half users, half PAs


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    print_header(f"care-reports (a year of {args.visits:,} visits)", url)
    with scratch_database(url, "care_reports") as db_url:
        return asyncio.run(_measure(db_url, args.visits, max(args.repeats, 1) * 5))


async def _measure(db_url: str, visits: int, repeats: int) -> int:
    pool = await asyncpg.create_pool(db_url, min_size=1, max_size=2)
    try:
        started = time.perf_counter()
        await _a_year_of_visits(pool, visits)
        print(f"  {visits:,} visits written in {time.perf_counter() - started:,.1f} s", flush=True)
        first, end = YEAR.bounds()
        baseline = await _median(
            repeats,
            lambda: pool.fetchval(
                "SELECT count(*) FROM care_visits WHERE starts_at >= $1 AND starts_at < $2",
                first,
                end,
            ),
        )
        print(f"  {'counting the visits (baseline)':<34} {baseline * 1000:8,.1f} ms")
        reads: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("hours by month", lambda: hours_by_month(pool, YEAR)),
            ("hours by PA", lambda: hours_by_pa(pool, YEAR)),
            ("hours by user", lambda: hours_by_user(pool, YEAR)),
            ("late and missed", lambda: late_and_missed(pool, YEAR, AFTER_THE_YEAR)),
        ]
        total = 0.0
        for name, read in reads:
            took = await _median(repeats, read)
            total += took
            print(f"  {name:<34} {took * 1000:8,.1f} ms  ×{took / baseline:5.1f} the baseline")
        print(f"  {'the whole page reads':<34} {total * 1000:8,.1f} ms  ×{total / baseline:5.1f}")
        return 0
    finally:
        await pool.close()


async def _median(repeats: int, read: Callable[[], Awaitable[object]]) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        await read()
        times.append(time.perf_counter() - started)
    return median(times)


async def _a_year_of_visits(pool: asyncpg.Pool, visits: int) -> None:
    people = [uuid.uuid4() for _ in range(PEOPLE)]
    await pool.executemany(
        "INSERT INTO members (member_id, status, name, preferred_name, email, phone, address,"
        " postcode, requested_class, contact_methods, access_needs, applied_on,"
        " applied_position) VALUES ($1, 'admitted', $2, '', '', '', '', '', 'user', '{}', '',"
        " '2026-01-01', $3)",
        [(p, f"Person {i}", i) for i, p in enumerate(people)],
    )
    start, minutes_in_year = datetime(2026, 1, 1, 8, tzinfo=UTC), 365 * 24 * 60
    rows: list[tuple[object, ...]] = []
    for i in range(visits):
        starts = start + timedelta(minutes=157 * i % minutes_in_year)
        late = 20 if i % 40 == 0 else 0
        missed = i % 97 == 0
        arrived = None if missed else starts + timedelta(minutes=late)
        left = None if missed else starts + timedelta(minutes=60 + late)
        rows.append(
            (
                uuid.uuid4(),
                people[i % (PEOPLE // 2)],
                people[PEOPLE // 2 + i % (PEOPLE // 2)],
                "missed" if missed else "completed",
                starts.date(),
                starts.time(),
                60,
                starts,
                starts + timedelta(hours=1),
                [],
                "user",
                starts,
                arrived,
                left,
                1,
                i,
            )
        )
    await pool.copy_records_to_table(
        "care_visits",
        records=rows,
        columns=[
            "visit_id",
            "user_id",
            "pa_id",
            "state",
            "day",
            "start_time",
            "minutes",
            "starts_at",
            "ends_at",
            "tasks",
            "requested_by",
            "requested_at",
            "checked_in_at",
            "checked_out_at",
            "version",
            "requested_position",
        ],
    )
    await pool.execute("ANALYZE care_visits")
