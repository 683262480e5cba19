"""`coop bench care`: 200 clients booking care at once, on a co-op with a year of visits.

The co-op (``bench.care_year``): 150 PAs, 300 users and ``--visits`` delivered
visits (200,000, a year) built first. Then coop as deployed (``coop serve``
replicas and a ``coop worker``, as ``bench.vote`` starts them) on loopback, and
200 clients, each a keep-alive connection with the bearer tokens of the JSON
API, for ``--load-seconds``: a user asks for a visit next week from a named PA
(start times on the quarter hour, so requests overlap and clash), the PA
accepts, and then sometimes the user moves it or cancels it. A command's
latency is its request until its response, which includes the route's wait
for the care read model (read-your-writes). Refusals by the rules (409: the
PA or the user already has a visit then) are counted apart from errors.

Then: a scan of every visit for broken invariants (a PA with two visits closer
than the travel buffer, a user with two overlapping visits, a confirmed visit
outside its PA's availability); the p99 of the PA's week rota, the user's
upcoming visits and the day board, through the JSON API (the HTML pages are
not on this branch); the time to build a PA's iCalendar feed of a year of
visits; and, as the baseline, raw single-row asyncpg commits in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from bench.append import _create_raw_table, _raw
from bench.care_year import CoOp, build
from bench.common import median, print_header, rate, runs, scratch_database
from bench.vote import Connection, _caught_up, _coop_serve
from coop.clock import UK
from coop.domain.care.availability import Availability, WeeklyPattern, is_available
from coop.domain.care.times import Interval, monday_of
from coop.infra.api_tokens import issue_api_token
from coop.infra.db import create_pool
from coop.projections.care.calendar import calendar
from coop.projections.care.feeds import FeedKind, FeedOwner, feed_visits

CLIENTS = 200
POOL = 16  # connections for the raw baseline, as the server's pool
BUFFER = timedelta(minutes=15)  # the model rules' travel buffer
TARGETS = {"rate": 500.0, "p99": 150.0, "read_p99": 50.0, "feed": 100.0}
RESCHEDULE, CANCEL = 0.3, 0.15  # of accepted visits, the share moved, and cancelled


@dataclass
class Load:
    """Every command's latency and answer."""

    latencies: list[float] = field(default_factory=list)
    answers: Counter[tuple[str, int]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def accepted(self) -> int:
        return sum(n for (_, s), n in self.answers.items() if s in (200, 201))

    @property
    def refused(self) -> int:
        return sum(n for (_, s), n in self.answers.items() if s == 409)

    @property
    def errors(self) -> int:
        return sum(n for (_, s), n in self.answers.items() if s not in (200, 201, 409)) + len(
            self.failures
        )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


class Client:
    """One keep-alive connection speaking the JSON API with bearer tokens."""

    def __init__(self, port: int, load: Load) -> None:
        self.conn, self.load = Connection(port), load

    async def send(self, what: str, method: str, path: str, token: str, body: Any = None) -> Any:
        data = b"" if body is None else json.dumps(body).encode()
        head = (
            f"{method} {path} HTTP/1.1\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\n"
        )
        started = time.perf_counter()
        try:
            status, _, content = await self.conn.request(head, data)
        except (OSError, asyncio.IncompleteReadError) as e:
            self.load.failures.append(f"{what}: {e!r}")
            await self.conn.close()
            return None
        self.load.latencies.append(time.perf_counter() - started)
        self.load.answers[what, status] += 1
        if status not in (200, 201, 409) and len(self.load.failures) < 5:
            self.load.failures.append(f"{what}: {status} {content[:200]!r}")
        return json.loads(content) if status in (200, 201) else None


def _slot(rng: random.Random, week: date) -> dict[str, Any]:
    day = week + timedelta(days=rng.randrange(7))
    minute = rng.randrange(8 * 60, 21 * 60, 15)
    return {
        "day": day.isoformat(),
        "start": f"{minute // 60:02d}:{minute % 60:02d}:00",
        "minutes": 60,
    }


async def _book(
    ports: list[int], co_op: CoOp, tokens: dict[UUID, str], week: date, seconds: float, seed: int
) -> Load:
    """CLIENTS clients request, accept, move and cancel visits next week for ``seconds``."""
    load = Load()
    stop = time.perf_counter() + seconds

    async def client(c: int) -> None:
        rng, api = random.Random(seed * 1000 + c), Client(ports[c % len(ports)], load)
        try:
            while time.perf_counter() < stop:
                user, pa = rng.choice(co_op.users), rng.choice(co_op.pas)
                asked = await api.send(
                    "request", "POST", "/api/care/visits", tokens[user],
                    {"user_id": str(user), **_slot(rng, week), "tasks": ["personal_care"], "pa_id": str(pa)},
                )  # fmt: skip
                if asked is None:
                    continue
                visit = f"/api/care/visits/{asked['visit_id']}"
                if await api.send("accept", "POST", f"{visit}/accept", tokens[pa]) is None:
                    continue
                roll = rng.random()
                if roll < RESCHEDULE:
                    await api.send(
                        "reschedule", "POST", f"{visit}/reschedule", tokens[user], _slot(rng, week)
                    )
                elif roll < RESCHEDULE + CANCEL:
                    await api.send(
                        "cancel", "POST", f"{visit}/cancel", tokens[user], {"reason": ""}
                    )
        finally:
            await api.conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(c) for c in range(CLIENTS)))
    load.seconds = time.perf_counter() - started
    return load


async def _reads(
    ports: list[int], co_op: CoOp, tokens: dict[UUID, str], week: date, count: int
) -> dict[str, list[float]]:
    """``count`` of each read, from 10 clients at a time: their latencies."""
    loads = {name: Load() for name in ("week", "upcoming", "board")}
    rng = random.Random(5)

    async def client(c: int) -> None:
        apis = {name: Client(ports[c % len(ports)], load) for name, load in loads.items()}
        for _ in range(count // 10):
            pa, user = rng.choice(co_op.pas), rng.choice(co_op.users)
            day = week + timedelta(days=rng.randrange(7))
            await apis["week"].send(
                "week", "GET", f"/api/care/pas/{pa}/week?monday={week}", tokens[pa]
            )
            await apis["upcoming"].send(
                "upcoming", "GET", f"/api/care/users/{user}/visits", tokens[user]
            )
            await apis["board"].send(
                "board", "GET", f"/api/care/day-board?day={day}", tokens[co_op.coordinator]
            )
        for api in apis.values():
            await api.conn.close()

    await asyncio.gather(*(client(c) for c in range(10)))
    for name, load in loads.items():
        assert load.errors == 0, (name, load.failures)
    return {name: load.latencies for name, load in loads.items()}


# The scan ------------------------------------------------------------------------------

_HELD = "('confirmed', 'checked in', 'checked out', 'completed', 'missed')"


async def _broken(db_url: str) -> dict[str, int]:
    """Every visit in the read model checked against the invariants the diaries keep."""
    conn = await asyncpg.connect(db_url)
    try:
        pa_clashes = await conn.fetchval(
            "SELECT count(*) FROM (SELECT starts_at, max(ends_at) OVER (PARTITION BY pa_id"
            " ORDER BY starts_at, visit_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS"
            f" before FROM care_visits WHERE pa_id IS NOT NULL AND state IN {_HELD}) q"
            " WHERE starts_at < before + $1::interval",
            BUFFER,
        )
        user_clashes = await conn.fetchval(
            "SELECT count(*) FROM (SELECT starts_at, max(ends_at) OVER (PARTITION BY user_id"
            " ORDER BY starts_at, visit_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS"
            " before FROM care_visits WHERE state <> 'cancelled') q WHERE starts_at < before"
        )
        patterns = {
            r[0]: Availability(patterns=msgspec.json.decode(r[1], type=tuple[WeeklyPattern, ...]))
            for r in await conn.fetch("SELECT pa_id, patterns::text FROM care_pas")
        }
        outside = sum(
            not is_available(patterns[r[0]], Interval(r[1], r[2]))
            for r in await conn.fetch(
                f"SELECT pa_id, starts_at, ends_at FROM care_visits WHERE state IN {_HELD}"
            )
        )
        total = await conn.fetchval("SELECT count(*) FROM care_visits")
    finally:
        await conn.close()
    return {"visits": total, "PA double-booked": pa_clashes, "user overlaps": user_clashes,
            "outside availability": outside}  # fmt: skip


async def _feed_times(db_url: str, pa: UUID, repeats: int) -> tuple[list[float], int]:
    """Building a PA's feed of a year of visits, as the feed route does: ms each, and its size."""
    pool = await create_pool(db_url, min_size=1, max_size=2)
    try:
        owner, since = FeedOwner(pa, FeedKind.PA, "PA"), datetime.now(UTC) - timedelta(days=400)
        times, events = [], 0
        for _ in range(repeats):
            started = time.perf_counter()
            visits = await feed_visits(pool, owner, since)
            calendar(owner.name, visits, datetime.now(UTC))
            times.append((time.perf_counter() - started) * 1000)
            events = len(visits)
        return times, events
    finally:
        await pool.close()


async def _tokens(db_url: str, co_op: CoOp) -> dict[UUID, str]:
    """A bearer token per member (and the coordinator), issued as POST /api/tokens does."""
    pool = await create_pool(db_url, min_size=2, max_size=8)
    try:
        now, people = (
            datetime.now(UTC),
            [*co_op.accounts.items(), (co_op.coordinator, co_op.coordinator)],
        )
        made = await asyncio.gather(*(issue_api_token(pool, a, now, 12) for _, a in people))
        return {member: token for (member, _), (token, _) in zip(people, made, strict=True)}
    finally:
        await pool.close()


# The benchmark ---------------------------------------------------------------------------


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    print_header("care", url)
    with scratch_database(url, "care") as db_url:
        return _measure(db_url, args)


def _measure(db_url: str, args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    started = time.perf_counter()
    co_op = build(db_url, args.visits, now, POOL)
    print(
        f"  {len(co_op.pas)} PAs, {len(co_op.users)} users, {co_op.visits:,} delivered visits"
        f" ({co_op.events:,} events appended in bulk; people, skills, patterns and plans through"
        f" the commands), read models caught up, in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    tokens = asyncio.run(_tokens(db_url, co_op))
    asyncio.run(_create_raw_table(db_url))
    raw = [asyncio.run(_raw_rate(db_url, args.seconds)) for _ in range(args.repeats)]
    feed, feed_events = asyncio.run(_feed_times(db_url, co_op.pas[0], 20))
    week = monday_of(now.astimezone(UK).date()) + timedelta(days=7)
    loads: list[Load] = []
    with _coop_serve(db_url, args.processes) as (ports, _):
        asyncio.run(_caught_up(db_url))
        asyncio.run(_book(ports, co_op, tokens, week + timedelta(days=14), 3, seed=99))  # warm up
        for n in range(args.repeats):
            load = asyncio.run(
                _book(ports, co_op, tokens, week + timedelta(days=7 * n), args.load_seconds, seed=n)
            )
            loads.append(load)
            print(f"  run {n + 1}: {_line(load)}", flush=True)
        # The reads are timed at the co-op's size alone: first the worker catches up
        # with the views no booking waited for (it says how far behind the load it was).
        caught_up = time.perf_counter()
        asyncio.run(_caught_up(db_url))
        print(f"  every view caught up {time.perf_counter() - caught_up:.1f} s after the load")
        reads = asyncio.run(_reads(ports, co_op, tokens, week, 500))
    broken = asyncio.run(_broken(db_url))
    _report(loads, reads, broken, feed, feed_events, raw)
    return 0


async def _raw_rate(db_url: str, seconds: float) -> float:
    measured = await _raw(db_url, POOL, seconds, "bench:Raw", b"x" * 300)
    return measured.rate


def _line(load: Load) -> str:
    return (
        f"{load.accepted:,} accepted in {load.seconds:.1f} s = {rate(load.accepted / load.seconds)},"
        f" p50 {percentile(load.latencies, 0.5) * 1000:.0f} ms,"
        f" p99 {percentile(load.latencies, 0.99) * 1000:.0f} ms, {load.refused:,} refused by the"
        f" rules, {load.errors} errors"
    )


def _report(
    loads: list[Load],
    reads: dict[str, list[float]],
    broken: dict[str, int],
    feed: list[float],
    feed_events: int,
    raw: list[float],
) -> None:
    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    rates = [ld.accepted / ld.seconds for ld in loads]
    p50s = [percentile(ld.latencies, 0.5) * 1000 for ld in loads]
    p99s = [percentile(ld.latencies, 0.99) * 1000 for ld in loads]
    errors = sum(ld.errors for ld in loads)
    answers = Counter[tuple[str, int]]()
    for ld in loads:
        answers.update(ld.answers)
    print()
    print(
        f"commands over HTTP {rate(median(rates)):>9} {runs(rates)}  target ≥ {rate(TARGETS['rate'])}: {verdict(median(rates) >= TARGETS['rate'])}"
    )
    print(
        f"  latency          p50 {median(p50s):,.0f} ms {runs(p50s)}, p99 {median(p99s):,.0f} ms {runs(p99s)}  target p99 ≤ {TARGETS['p99']:.0f} ms: {verdict(median(p99s) <= TARGETS['p99'])}"
    )
    print(f"  errors           {errors}  target 0: {verdict(errors == 0)}")
    print(f"  answers          {dict(sorted(answers.items()))}")
    for ld in loads:
        for failure in ld.failures[:3]:
            print(f"    {failure}")
    wrong = sum(v for k, v in broken.items() if k != "visits")
    print(
        f"invariants         {wrong} broken of {broken['visits']:,} visits {broken}  target 0: {verdict(wrong == 0)}"
    )
    for name, label in (
        ("week", "PA's week rota"),
        ("upcoming", "user's upcoming"),
        ("board", "day board"),
    ):
        p99 = percentile(reads[name], 0.99) * 1000
        print(
            f"read {label:<16} p50 {percentile(reads[name], 0.5) * 1000:.1f} ms, p99 {p99:.1f} ms ({len(reads[name])} reads, JSON API)  target p99 ≤ {TARGETS['read_p99']:.0f} ms: {verdict(p99 <= TARGETS['read_p99'])}"
        )
    print(
        f"PA's feed          {median(feed):.1f} ms median, {max(feed):.1f} ms worst of {len(feed)}, {feed_events:,} visits  target ≤ {TARGETS['feed']:.0f} ms: {verdict(median(feed) <= TARGETS['feed'])}"
    )
    print(
        f"raw asyncpg        {rate(median(raw)):>9} {runs(raw)}  ({POOL} connections, single-row INSERT commits)  ratio HTTP commands/raw {median(rates) / median(raw):.2f}"
    )
