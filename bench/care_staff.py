"""`coop bench staff`: the care pages for PAs and the office, on the demo co-op's year of care.

Builds the demo co-op (``coop demo``'s two years: about a year of visits
through the real commands) in a scratch database, runs the real app in
process, and signs in as the demo's PA Ewan and its coordinator Joy. Then:

- ranking the PAs for one open request, as the office's visit page does:
  reading the snapshots from the read model, and ``rank`` itself (pure);
- each staff page's time to answer over HTTP (in process, no network), the
  median and the slowest of ``--repeats`` × 10 requests, against the help page
  (a page that reads nothing) measured in the same run.

Figures on a shared machine move with the neighbours' load: read the ratios.
Run: ``coop bench staff``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import time
from datetime import datetime, timedelta
from typing import Any

import httpx

from bench.common import median, print_header, scratch_database
from coop.application import Coop
from coop.demo.story import build_demo
from coop.domain.care.matching import rank
from coop.infra.db import eventsourcing_env
from coop.projections.accounts.queries import account_by_email
from coop.projections.care.matching import open_requests, pa_profiles
from coop.projections.care.staff import travel_buffer_minutes
from coop.web.accounts.passwords import hash_password
from coop.web.app import create_app
from coop.web.commands import caught_up
from coop.web.services import services

PASSWORD = secrets.token_urlsafe(16)  # for this run's scratch accounts only
PA_EMAIL, COORDINATOR_EMAIL = "ewan.mcallister@example.org", "joy.adeyemi@example.org"
TARGET_RANK = 0.200  # seconds, from issue 15


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    print_header("staff (the care pages for PAs and the office, on the demo co-op)", url)
    settings = settings.with_secret()
    with scratch_database(url, "staff") as db_url:
        coop = Coop(eventsourcing_env(db_url, pool_size=2), secret_key=settings.secret_key)
        try:
            started = time.perf_counter()
            build_demo(coop)
            print(f"  demo co-op built in {time.perf_counter() - started:,.0f} s", flush=True)
            return asyncio.run(_measure(coop, settings, db_url, max(args.repeats, 1)))
        finally:
            coop.close()


async def _measure(coop: Coop, settings: Any, db_url: str, repeats: int) -> int:
    app = create_app(settings, db_url)
    async with app.lifespan():
        s = services(app)
        await caught_up(s, "accounts", "members", "care", "rules")
        for email in (PA_EMAIL, COORDINATOR_EMAIL):
            account = await account_by_email(s.pool, email)
            assert account is not None, email
            await s.run(coop.change_password, account.account_id, hash_password(PASSWORD))
        await caught_up(s, "accounts")
        visits = await s.pool.fetch(
            "SELECT visit_id FROM care_visits WHERE state = 'requested' AND starts_at > now()"
            " ORDER BY starts_at LIMIT 1"
        )
        assert visits, "the demo has no open request"
        visit_id = visits[0]["visit_id"]
        ok = await _ranking(s, visit_id, repeats)
        pages = {
            "PA": (PA_EMAIL, ["/pa/rota", "/pa/requests", "/pa/availability"]),
            "office": (
                COORDINATOR_EMAIL,
                [
                    "/office/care/day",
                    f"/office/care/visits/{visit_id}",
                    "/office/care/fill",
                    "/office/care/book",
                    "/office/care/pas",
                ],
            ),
        }
        for who, (email, paths) in pages.items():
            await _pages(app, who, email, paths, repeats)
    return 0 if ok else 1


async def _ranking(s: Any, visit_id: Any, repeats: int) -> bool:
    """Rank one open request's PAs: the reads, then ``rank``, median of ``repeats`` × 10."""
    buffer = await travel_buffer_minutes(s.pool)
    reads, ranks, candidates = [], [], 0
    for _ in range(repeats * 10):
        t0 = time.perf_counter()
        request = next(
            r
            for r in await open_requests(s.pool, *_around(await _starts(s, visit_id)))
            if r.visit_id == visit_id
        )
        pas = await pa_profiles(s.pool, request.interval)
        t1 = time.perf_counter()
        ranking = rank(request, pas, buffer_minutes=buffer)
        t2 = time.perf_counter()
        reads.append(t1 - t0)
        ranks.append(t2 - t1)
        candidates = len(ranking.candidates)
    total = median([a + b for a, b in zip(reads, ranks, strict=True)])
    print(f"  ranking one open request ({len(pas)} PAs, {candidates} could take it):")
    print(f"    read model {median(reads) * 1000:,.1f} ms + rank {median(ranks) * 1000:,.2f} ms")
    print(
        f"    = {total * 1000:,.1f} ms median (target {TARGET_RANK * 1000:,.0f} ms:"
        f" {'met' if total <= TARGET_RANK else 'NOT met'})",
        flush=True,
    )
    return total <= TARGET_RANK


async def _starts(s: Any, visit_id: Any) -> datetime:
    starts: datetime = await s.pool.fetchval(
        "SELECT starts_at FROM care_visits WHERE visit_id = $1", visit_id
    )
    return starts


def _around(starts_at: datetime) -> tuple[datetime, datetime]:
    return starts_at, starts_at + timedelta(minutes=1)


async def _pages(app: Any, who: str, email: str, paths: list[str], repeats: int) -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request drowns the figures
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.local") as client:
        await client.get("/")
        signed = await client.post(
            "/sign-in",
            data={
                "email": email,
                "password": PASSWORD,
                "_csrf_token": client.cookies["csrftoken"],
            },
        )
        assert signed.status_code == 303, signed.text
        baseline = await _times(client, "/help", repeats)
        print(f"  pages as the {who} ({repeats * 10} requests each; median, slowest, × help page):")
        print(f"    {'/help':<55} {_ms(baseline)}")
        for path in paths:
            times = await _times(client, path, repeats)
            ratio = median(times) / median(baseline)
            print(f"    {path:<55} {_ms(times)}  ×{ratio:,.1f}", flush=True)


async def _times(client: httpx.AsyncClient, path: str, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats * 10):
        t0 = time.perf_counter()
        response = await client.get(path)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (path, response.status_code)
    return times


def _ms(times: list[float]) -> str:
    return f"{median(times) * 1000:6,.1f} ms, slowest {max(times) * 1000:6,.1f} ms"
