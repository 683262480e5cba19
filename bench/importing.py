"""`coop bench import`: importing the old register (10,000 members) from a CSV file.

Times each step of what `coop import-members` does on a fresh database: read the
file, check it against coop, import it (one save: all or nothing), then what
the register needs (the members projection catching up). Then the same file
again, which must change nothing. The baseline, in the same run on the same
server, is raw asyncpg: the same number of event rows, of the same sizes,
inserted in one transaction into a plain table.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import resource
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar
from uuid import uuid4

import asyncpg

from bench.common import print_header, rate, scratch_database
from coop.application import Coop
from coop.domain.membership.csv_register import read_members_csv
from coop.domain.membership.old_records import ImportReport
from coop.infra.db import eventsourcing_env
from coop.infra.sealing import master_key
from coop.projections.membership.members import members
from coop.projections.runner import catch_up

T = TypeVar("T")

BENCH_SECRET = "coop bench secret"  # noqa: S105  (a throw-away scratch database)
TARGET = 30.0  # seconds for 10,000 rows, from the issue
TODAY = date(2026, 11, 23)

_FIRST = (
    "Grace", "Priya", "Ewan", "Siobhán", "Marcus", "Hannah", "Amira", "Tomasz", "Ifeoma",
    "Zoë", "José", "Łukasz", "Aoife", "Dafydd", "Chloé", "Mohammed", "Ruth", "Kwame",
)  # fmt: skip
_LAST = (
    "Okafor", "Raman", "McAllister", "Kelly", "Boateng", "Lewis", "Hassan", "Nowak", "Evans",
    "Wójcik", "Ní Bhriain", "O'Brien", "Müller", "Patel", "Shaw", "Brontë", "Ahmed", "Clarke",
)  # fmt: skip
_STREETS = (
    "Roundhay Road", "Chapeltown Road", "Harehills Lane", "Gledhow Valley Road",
    "Kirkstall Road", "Otley Road", "Dewsbury Road", "Tong Road", "York Road",
)  # fmt: skip
_CLASSES = ("user", "User", "carer", "Carer", "PA", "Personal Assistant")
_METHODS = ("", "", "email", "email; large print", "letter", "Easy Read; letter", "phone", "BSL")
_NEEDS = ("", "", "", "Large print, please.", "Phone, don't write: I use a screen reader.")
_HEADER = (
    "membership_number", "name", "preferred_name", "email", "phone", "address", "postcode",
    "member_class", "contact_methods", "access_needs", "date_entered", "amount_paid", "loans",
    "deposits", "date_ceased", "how_ceased", "share",
)  # fmt: skip


def members_csv(rows: int, rng: random.Random) -> bytes:
    """An old register of ``rows`` members, as Excel saves it (CSV UTF-8, BOM, CRLF)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(_HEADER)
    for n in range(1, rows + 1):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        email = f"{first}.{last}.{n}@example.org".replace(" ", "").replace("'", "")
        email = email if rng.random() < 0.75 else ""
        phone = f"0113 496 {rng.randrange(10_000):04d}" if rng.random() < 0.6 else ""
        methods = rng.choice(_METHODS)
        if ("email" in methods and not email) or ("phone" in methods and not phone):
            methods = ""
        entered = date(2005, 1, 1) + timedelta(days=rng.randrange(7000))
        ceased = how = share = ""
        if rng.random() < 0.12:
            end = entered + timedelta(days=rng.randrange(1, max(2, (TODAY - entered).days)))
            ceased, how = f"{end:%d/%m/%Y}", rng.choice(("withdrawal", "death", "cessation"))
            share = rng.choice(("repaid", "cancelled", ""))
        writer.writerow(
            [
                n,
                f"{first} {last}",
                first if rng.random() < 0.3 else "",
                email,
                phone,
                f"{rng.randint(1, 250)} {rng.choice(_STREETS)}\nLeeds",
                f"LS{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                rng.choice(_CLASSES),
                methods,
                rng.choice(_NEEDS),
                f"{entered:%d/%m/%Y}" if rng.random() < 0.7 else entered.isoformat(),
                rng.choice(("£1", "1.00", "1.00", "0.50", "")),
                rng.choice(("", "", "", "£250.00", "1,000")),
                rng.choice(("", "", "", "", "£50")),
                ceased,
                how,
                share,
            ]
        )
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    print_header("import", url)
    rows = args.rows
    data = members_csv(rows, random.Random(2026))
    print(f"  {rows:,} members in a {len(data) / 1024 / 1024:.1f} MB CSV file\n", flush=True)
    with scratch_database(url, "import") as db_url:
        coop = Coop(eventsourcing_env(db_url, pool_size=2), secret_key=BENCH_SECRET)
        try:
            return _measure(coop, db_url, data, rows)
        finally:
            coop.close()


def _measure(coop: Coop, db_url: str, data: bytes, rows: int) -> int:
    by = uuid4()
    (records, problems), read_s = _timed(lambda: read_members_csv(data, today=TODAY))
    assert not problems, problems[:5]
    dry, check_s = _timed(lambda: coop.check_import(records))
    assert dry.imported == rows and not dry.problems, dry.problems[:5]
    done, import_s = _timed(lambda: coop.import_members(records, source="bench.csv", by=by))
    assert done.imported == rows and done.position is not None
    events, state = asyncio.run(_stored(db_url))
    project_s = asyncio.run(_catch_up(db_url))
    total = read_s + check_s + import_s

    def again() -> ImportReport:
        found, _ = read_members_csv(data, today=TODAY)
        return coop.import_members(found, source="bench.csv", by=by)

    second, again_s = _timed(again)
    assert second.imported == 0 and second.already_there == rows
    assert asyncio.run(_stored(db_url))[0] == events, "the second import changed the log"
    raw_s = asyncio.run(_raw(db_url, events, state))

    print(f"import read CSV      {read_s:6.2f} s  {rate(rows / read_s):>10} rows")
    print(f"import check         {check_s:6.2f} s  {rate(rows / check_s):>10} rows (the dry run)")
    print(
        f"import save          {import_s:6.2f} s  {rate(rows / import_s):>10} rows"
        f"  ({events:,} events in one transaction: {rate(events / import_s)} events)"
    )
    verdict = "met" if total < TARGET * rows / 10_000 else "MISSED"
    print(
        f"import total         {total:6.2f} s  {rate(rows / total):>10} rows"
        f"  target < {TARGET * rows / 10_000:g} s: {verdict}"
    )
    print(f"register catch-up    {project_s:6.2f} s  {rate(events / project_s):>10} events")
    print(
        f"import again         {again_s:6.2f} s  imported 0, {rows:,} already in coop; log unchanged"
    )
    print(
        f"raw asyncpg insert   {raw_s:6.2f} s  {rate(events / raw_s):>10} events"
        f"  (the same {events:,} rows and bytes, one transaction)"
        f"  ratio save/raw {import_s / raw_s:.1f}x"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n  peak memory of this process: {peak:,.0f} MB")
    return 0


async def _stored(url: str) -> tuple[int, list[tuple[str, int]]]:
    """How many events the log holds, and each one's topic and stored size."""
    conn = await asyncpg.connect(url)
    try:
        found = await conn.fetch("SELECT topic, length(state) AS size FROM coop_events")
    finally:
        await conn.close()
    return len(found), [(r["topic"], r["size"]) for r in found]


async def _catch_up(url: str) -> float:
    conn, reader = await asyncpg.connect(url), await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        await catch_up(conn, master_key(BENCH_SECRET), [members], reader=reader)
        return time.perf_counter() - started
    finally:
        await reader.close()
        await conn.close()


async def _raw(url: str, events: int, state: list[tuple[str, int]]) -> float:
    """Seconds to insert rows like the import's events, in one transaction, with asyncpg."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "CREATE TABLE bench_raw (originator_id uuid, originator_version bigint, topic text,"
            " state bytea, PRIMARY KEY (originator_id, originator_version))"
        )
        rows = [(uuid4(), 1, topic, random.randbytes(size)) for topic, size in state]
        started = time.perf_counter()
        async with conn.transaction():
            await conn.executemany(
                "INSERT INTO bench_raw (originator_id, originator_version, topic, state)"
                " VALUES ($1, $2, $3, $4)",
                rows,
            )
        return time.perf_counter() - started
    finally:
        await conn.close()
