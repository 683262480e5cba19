"""`coop bench matching`: finding PAs for a week of 4,000 visits among 150 PAs, pure.

No database: the domain's matching on snapshots, as the command layer will
build them from the diaries. A seeded, realistic week in Leeds: 150 PAs on
early, late, day and long shifts six days a week, with skills (most do
personal care, fewer medication, driving or the hoist), some on leave; five
confirmed visits each already; 800 users with 5 open requests each, on different
days, starting from 07:00 to 20:00, preferred PAs, a PA or two they do not want, and
PAs who know them. Times are the median of ``--repeats`` runs (default 3):
ranking one request against every PA (snapshots built inside the timing),
and filling the whole week. Then every proposed assignment is checked against
every rule by brute force.

Run: ``coop bench matching`` or ``python -m bench.care_matching``.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from uuid import UUID

from bench.common import median
from coop.domain.care.availability import (
    Availability,
    AvailabilityException,
    ExceptionKind,
    WeeklyPattern,
    Window,
    is_available,
)
from coop.domain.care.matching import OpenRequest, PaProfile, WeekPlan, fill_week, rank
from coop.domain.care.rota import Booked
from coop.domain.care.tasks import Task, missing_skills
from coop.domain.care.times import visit_interval, wall_span

PAS, USERS, PER_USER = 150, 800, 5
BUFFER = 15  # the model rules' travel buffer
MONDAY = date(2026, 3, 9)
SHIFTS = ((7, 16), (13, 22), (8, 20), (7, 22))
TARGET_RANK = 0.200  # seconds, from the issue


def _pas(rng: random.Random) -> list[PaProfile]:
    pas = []
    for n in range(PAS):
        start, end = rng.choice(SHIFTS)
        days = sorted(rng.sample(range(7), 6))
        windows = tuple(Window(d, start * 60, end * 60) for d in days)
        skills = {Task.PERSONAL_CARE} if rng.random() < 0.8 else set()
        for task, share in ((Task.MEDICATION, 0.6), (Task.DRIVING, 0.4), (Task.HOIST, 0.25)):
            if rng.random() < share:
                skills.add(task)
        leave: tuple[AvailabilityException, ...] = ()
        if rng.random() < 0.1:
            span = wall_span(MONDAY + timedelta(days=rng.randrange(7)), 0, 24 * 60)
            leave = (AvailabilityException(id=UUID(int=n), kind=ExceptionKind.LEAVE, span=span),)
        held = []
        for k, weekday in enumerate(days[:5]):
            interval = visit_interval(MONDAY + timedelta(days=weekday), clock(start), 60)
            if not any(e.span.overlaps(interval) for e in leave):
                held.append(Booked(UUID(int=10_000 + n * 10 + k), interval))
        pas.append(
            PaProfile(
                pa_id=UUID(int=n + 1),
                name=f"PA {n + 1}",
                skills=frozenset(skills),
                availability=Availability(
                    patterns=(WeeklyPattern(starts_on=date(2026, 1, 5), windows=windows),),
                    exceptions=leave,
                ),
                held=tuple(held),
            )
        )
    return pas


def _requests(rng: random.Random, pas: list[PaProfile]) -> list[OpenRequest]:
    ids = [p.pa_id for p in pas]
    requests = []
    for u in range(USERS):
        user_id = UUID(int=1_000_000 + u)
        tasks = {Task.MEALS}
        if rng.random() < 0.7:
            tasks.add(Task.PERSONAL_CARE)
        if rng.random() < 0.3:
            tasks.add(Task.MEDICATION)
        if rng.random() < 0.05:
            tasks.add(Task.HOIST)
        picked = rng.sample(ids, 6)
        for k, day in enumerate(rng.sample(range(7), PER_USER)):
            start = rng.randrange(7 * 60, 20 * 60, 15)
            requests.append(
                OpenRequest(
                    visit_id=UUID(int=2_000_000 + u * 10 + k),
                    user_id=user_id,
                    user=f"User {u + 1}",
                    interval=visit_interval(
                        MONDAY + timedelta(days=day),
                        clock(*divmod(start, 60)),
                        rng.choice((30, 45, 60, 90, 120)),
                    ),
                    tasks=tuple(sorted(tasks)),
                    preferred=tuple(picked[:2]),
                    not_wanted=frozenset(picked[2:3]),
                    known={p: rng.randint(1, 40) for p in picked[3:]},
                )
            )
    return requests


def _broken(requests: list[OpenRequest], pas: list[PaProfile], plan: WeekPlan) -> int:
    """Assignments that break a rule, found by brute force (should be 0)."""
    by_id = {r.visit_id: r for r in requests}
    profiles = {p.pa_id: p for p in pas}
    diaries: dict[UUID, list[tuple[datetime, datetime]]] = {
        p.pa_id: [(b.interval.start, b.interval.end) for b in p.held] for p in pas
    }
    bad = 0
    for a in plan.assignments:
        r, p = by_id[a.visit_id], profiles[a.pa_id]
        ok = (
            a.pa_id not in r.not_wanted
            and not missing_skills(r.tasks, p.skills)
            and is_available(p.availability, r.interval)
        )
        bad += not ok
        diaries[a.pa_id].append((r.interval.start, r.interval.end))
    gap = timedelta(minutes=BUFFER)
    for diary in diaries.values():
        diary.sort()
        bad += sum(1 for (_, end), (start, _) in itertools.pairwise(diary) if start < end + gap)
    return bad


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    """Pure: no database (``url`` and ``settings`` are not used). Print the medians; exit 1 if ranking misses its target or a rule is broken."""
    repeats = max(1, getattr(args, "repeats", 3))
    rng = random.Random(15)
    pas = _pas(rng)
    requests = _requests(rng, pas)
    print("coop bench matching")
    print(f"  {len(pas)} PAs, {len(requests):,} open requests in the week of {MONDAY}")
    rank_times, fill_times = [], []
    for n in range(repeats):
        request = requests[n * 997 % len(requests)]
        began = time.perf_counter()
        ranking = rank(request, pas, buffer_minutes=BUFFER)
        rank_times.append(time.perf_counter() - began)
    for _ in range(repeats):
        began = time.perf_counter()
        plan = fill_week(requests, pas, buffer_minutes=BUFFER)
        fill_times.append(time.perf_counter() - began)
    broken = _broken(requests, pas, plan)
    print(
        f"  rank one request:   median {median(rank_times) * 1000:,.1f} ms"
        f"  [{' '.join(f'{t * 1000:.1f}' for t in rank_times)}]"
        f"  ({len(ranking.candidates)} could take it, {len(ranking.excluded)} left out)"
    )
    print(
        f"  fill the week:      median {median(fill_times):,.2f} s"
        f"  [{' '.join(f'{t:.2f}' for t in fill_times)}]"
        f"  ({len(plan.assignments):,} placed, {len(plan.unfilled):,} unfilled)"
    )
    reasons = Counter(u.reason for u in plan.unfilled)
    for reason, count in reasons.most_common():
        print(f"    unfilled: {count:,} × {reason}")
    print(f"  broken rules in the proposal (brute-force scan): {broken}")
    return 0 if broken == 0 and median(rank_times) < TARGET_RANK else 1


if __name__ == "__main__":
    raise SystemExit(run(argparse.Namespace(repeats=3)))
