"""`coop bench pages`: the long lists a page at a time, on a co-op of 10,000 members.

Imports an old register of ``--rows`` members (10,000; the same file as
``coop bench import``, one save) into a scratch database, runs the real app in
process and signs in as a trustee. Then times, over HTTP (in process, no
network), the register of members' and the members list's first, middle and
last pages, a surname search of each, and the members list's htmx search: the
median (p50) and the 99th percentile (p99) of ``--repeats`` × 50 requests, and
each page's size, against the help page (a page that reads nothing) measured in
the same run. Issue 18's target: every page under 100 KB and 50 ms at p99.

Figures on a shared machine move with the neighbours' load: read the ratios.
Run: ``coop bench pages``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import msgspec

from bench.common import median, print_header, scratch_database
from bench.importing import TODAY, members_csv
from coop.application import Coop
from coop.domain.accounts import Role
from coop.domain.membership.csv_register import read_members_csv
from coop.infra.db import eventsourcing_env
from coop.infra.key_files import use_key_dir
from coop.web.accounts.passwords import hash_password
from coop.web.app import create_app
from coop.web.commands import caught_up
from coop.web.paging import PAGE_SIZE
from coop.web.services import services

PASSWORD = secrets.token_urlsafe(16)  # for this run's scratch account only
TRUSTEE_EMAIL = "bench.trustee@example.org"
TARGET_BYTES = 100_000
TARGET_P99 = 0.050  # seconds


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    print_header("pages (the register and the members list, a page at a time)", url)
    # A secret and a key directory of this run's own: the import's member ids are the
    # same every run, and another run's key files must be neither read nor left behind.
    keys = tempfile.TemporaryDirectory(prefix="coop-bench-keys-")
    settings = msgspec.structs.replace(
        settings, secret_key=secrets.token_urlsafe(32), key_dir=Path(keys.name)
    )
    use_key_dir(settings.keys)
    with keys, scratch_database(url, "pages") as db_url:
        import_members_and_a_trustee(db_url, settings, args.rows)
        return asyncio.run(_measure(settings, db_url, args.rows, max(args.repeats, 1) * 50))


def import_members_and_a_trustee(db_url: str, settings: Any, rows: int) -> None:
    """An old register of ``rows`` members imported in one save, and a trustee's account."""
    coop = Coop(eventsourcing_env(db_url, pool_size=2), secret_key=settings.secret_key)
    try:
        started = time.perf_counter()
        records, problems = read_members_csv(members_csv(rows, random.Random(2026)), today=TODAY)
        assert not problems, problems[:5]
        coop.import_members(records, source="bench.csv", by=uuid4())
        coop.open_account(
            name="Bench Trustee",
            email=TRUSTEE_EMAIL,
            password_hash=hash_password(PASSWORD),
            roles=(Role.MEMBER, Role.TRUSTEE),
        )
        print(f"  {rows:,} members imported in {time.perf_counter() - started:,.0f} s", flush=True)
    finally:
        coop.close()


async def signed_in_trustee(client: httpx.AsyncClient) -> None:
    """Sign ``client`` in as the trustee import_members_and_a_trustee made."""
    await client.get("/")
    signed = await client.post(
        "/sign-in",
        data={
            "email": TRUSTEE_EMAIL,
            "password": PASSWORD,
            "_csrf_token": client.cookies["csrftoken"],
        },
    )
    assert signed.status_code == 303, signed.text


async def _measure(settings: Any, db_url: str, rows: int, requests: int) -> int:
    app: Any = create_app(settings, db_url)
    async with app.lifespan():
        started = time.perf_counter()
        await caught_up(services(app), "accounts", "members")
        print(f"  read models caught up in {time.perf_counter() - started:,.0f} s\n", flush=True)
        last = max(1, -(-rows // PAGE_SIZE))
        middle = max(1, last // 2)
        pages: list[tuple[str, dict[str, Any], bool]] = [  # path, query, asked by htmx
            ("/register", {}, False),
            ("/register", {"page": middle}, False),
            ("/register", {"page": last}, False),
            ("/register", {"q": "Patel"}, False),
            ("/trustees/members", {}, False),
            ("/trustees/members", {"page": middle}, False),
            ("/trustees/members", {"page": last}, False),
            ("/trustees/members", {"q": "Patel"}, False),
            ("/trustees/members", {"q": "Patel"}, True),
            ("/trustees/members", {"q": "Patel", "class": "carer", "status": "current"}, True),
        ]
        logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request drowns all
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench.local") as client:
            await signed_in_trustee(client)
            baseline, _ = await _times(client, "/help", {}, {}, requests)
            print(f"  {requests} requests a page: p50, p99, size, × the help page's p50")
            print(f"    {'/help':<62} {_ms(baseline)}")
            met = True
            for path, params, htmx in pages:
                headers = {"hx-request": "true"} if htmx else {}
                times, size = await _times(client, path, params, headers, requests)
                ok = size < TARGET_BYTES and p99(times) < TARGET_P99
                met = met and ok
                label = str(httpx.URL(path, params=params)) + (" (htmx)" if htmx else "")
                print(
                    f"    {label:<62} {_ms(times)} {size / 1024:6,.1f} KB"
                    f"  ×{median(times) / median(baseline):,.1f}{'' if ok else '  MISSED'}",
                    flush=True,
                )
            print(
                f"\n  target: every page < {TARGET_BYTES // 1000} KB and p99 <"
                f" {TARGET_P99 * 1000:.0f} ms: {'met' if met else 'NOT met'}"
            )
    return 0 if met else 1


async def _times(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, Any],
    headers: dict[str, str],
    requests: int,
) -> tuple[list[float], int]:
    """Seconds for each of ``requests`` requests of one page, and the page's size."""
    times, size = [], 0
    for _ in range(requests):
        t0 = time.perf_counter()
        response = await client.get(path, params=params, headers=headers)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (path, params, response.status_code)
        size = len(response.content)
    return times, size


def p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98] if len(times) > 1 else times[0]


def _ms(times: list[float]) -> str:
    return f"p50 {median(times) * 1000:6,.1f} ms  p99 {p99(times) * 1000:6,.1f} ms"
