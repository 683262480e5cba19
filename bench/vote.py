"""`coop bench vote`: 200 browsers voting at once on one ballot of 10,000 electors.

coop as deployed (docker-compose.yml), on loopback and a fresh database: a real
``coop serve`` per web replica (two, as compose runs them; COOP_RUN_WORKER=false)
beside a ``coop worker``, and 10,000
members imported from an old register, each with an account and a signed-in session
(started directly, as signing in would, so 10,000 argon2 checks are not what is
timed). 200 clients, each a keep-alive connection, work through the electorate:
each elector votes once (POST /ballots/{id}/vote with the CSRF token, as the
page's form does) and one in five changes their vote straight after. A vote's
latency is the POST until its response, which includes the route's wait for
the governance read model (read-your-writes). Then the ballot is closed and
counted, and every elector whose vote was accepted must be in the count with
their last vote.

The clients are plain HTTP/1.1 over asyncio streams, not httpx: on a small
machine the load generator would otherwise take as much CPU as the server.

Baselines, measured in the same run on the same server before the web process
starts: raw single-row INSERT commits from as many asyncpg connections as the
server's pool (the most the database can commit one at a time), and
``cast_vote`` called directly from as many threads (the command path without
HTTP, sessions or the read model).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx

from bench.append import _backends, _create_raw_table, _raw
from bench.common import cpu_seconds, median, print_header, rate, runs, scratch_database
from coop.application import Coop
from coop.domain.governance.ballots import BallotKind, Elector, Mark
from coop.domain.governance.rules import model_rules
from coop.domain.membership.member_details import ContactDetails, ContactMethod, MemberClass
from coop.domain.membership.members import imported_member_id
from coop.domain.membership.old_records import OldRecord
from coop.infra.db import create_pool, eventsourcing_env
from coop.infra.key_files import key_files
from coop.infra.sessions import start_session
from coop.projections.runner import ALL
from coop.projections.waiting import ProjectionWaiter
from coop.web.accounts.session_cookie import COOKIE

BENCH_SECRET = "coop bench secret"  # noqa: S105  (a throw-away scratch database)
CLIENTS = 200
CHANGES = 0.2  # the share of electors who change their vote straight after casting it
POOL = 16  # the server's COOP_DB_POOL_SIZE (the default); the baselines use as many
TARGET_RATE = 1_000.0  # accepted votes/s, from the issue
TARGET_P99 = 0.150  # seconds
ANSWERS = ("for", "against", "abstain")
ANSWER_KEYS = {"for": "votes_for", "against": "votes_against", "abstain": "abstentions"}
TRUSTEE = uuid4()
# Nobody signs in with it: sessions are started directly.
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$" + "x" * 60
ROOT = Path(__file__).resolve().parents[1]
_CLASSES = (MemberClass.USER, MemberClass.CARER, MemberClass.PA)
_CAST = "coop.domain.votes:Vote.Cast"
WARM_UP = 2_000  # votes over HTTP before timing: the server's pools and caches fill


# The co-op ---------------------------------------------------------------------------


def _register(electors: int) -> list[OldRecord]:
    rng = random.Random(2026)
    first = ("Grace", "Priya", "Ewan", "Siobhan", "Marcus", "Hannah", "Amira", "Tomasz")
    last = ("Okafor", "Raman", "McAllister", "Kelly", "Boateng", "Lewis", "Hassan", "Nowak")
    records = []
    for n in range(1, electors + 1):
        f, s = rng.choice(first), rng.choice(last)
        records.append(
            OldRecord(
                line=n + 1,
                number=n,
                member_class=_CLASSES[n % 3],
                details=ContactDetails(
                    name=f"{f} {s}",
                    preferred_name=f,
                    email=f"{f}.{s}.{n}@example.org".lower(),
                    phone="",
                    address=f"{rng.randint(1, 250)} Roundhay Road\nLeeds",
                    postcode="LS8 2AB",
                    contact_methods=(ContactMethod.EMAIL,),
                    access_needs="",
                ),
                entered_on=date(2010, 1, 1) + timedelta(days=n % 5000),
            )
        )
    return records


def _co_op(coop: Coop, electors: int) -> tuple[list[Elector], list[UUID]]:
    """Rules, members imported, an account each: the electors and their accounts, in order."""
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026 resolution 1")
    records = _register(electors)
    coop.import_members(records, source="register.csv", by=TRUSTEE)

    def account(r: OldRecord) -> UUID:
        return coop.open_account(
            name=r.details.name,
            email=r.details.email,
            password_hash=PASSWORD_HASH,
            roles=(),
            member_id=imported_member_id(r.number),
        ).subject

    with ThreadPoolExecutor(POOL) as pool:
        accounts = list(pool.map(account, records, chunksize=100))
    return [Elector(imported_member_id(r.number), str(r.member_class)) for r in records], accounts


def _ballot(coop: Coop, electors: list[Elector], title: str) -> UUID:
    now = datetime.now(UTC)
    ballot_id = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title=title,
        question=f"{title}?",
        opens_at=now + timedelta(hours=1),  # opened now by us, never by the scheduler
        closes_at=now + timedelta(hours=2),
        by=TRUSTEE,
    ).subject
    coop.open_ballot(ballot_id, electors)
    return ballot_id


async def _sessions(url: str, accounts: list[UUID]) -> list[str]:
    """A signed-in session per account, as signing in starts one."""
    pool = await create_pool(url, min_size=8, max_size=8)
    try:
        now = datetime.now(UTC)
        return list(await asyncio.gather(*(start_session(pool, a, now, 20) for a in accounts)))
    finally:
        await pool.close()


# The server -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _coop_serve(db_url: str, replicas: int) -> Iterator[tuple[list[int], list[int]]]:
    """coop as deployed (docker-compose.yml): web replicas, each a ``coop serve`` on a
    port of its own, and ``coop worker`` keeping the projections up to date beside them.

    Their ports, and the process ids whose CPU is coop's.
    """
    ports = [_free_port() for _ in range(replicas)]
    with tempfile.TemporaryDirectory(prefix="coop-bench-vote-") as d:
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "COOP_HOST": "127.0.0.1",
            "COOP_DATA_DIR": d,
            # The key shares this process wrote while building the co-op: every
            # process of a co-op reads the same key directory.
            "COOP_KEY_DIR": str(key_files().directory.resolve()),
            "COOP_SECRET_KEY": BENCH_SECRET,
            # The connections shared out, so that more replicas don't mean more of them.
            "COOP_DB_POOL_SIZE": str(max(4, POOL // replicas)),
            "COOP_WEB_PROCESSES": "1",
            "COOP_RUN_WORKER": "false",
        }
        log = Path(d) / "server.log"
        with log.open("wb") as out, contextlib.ExitStack() as running:
            serving = [
                running.enter_context(_running("serve", {**env, "COOP_PORT": str(p)}, out))
                for p in ports
            ]
            worker = running.enter_context(_running("worker", env, out))
            for serve, port in zip(serving, ports, strict=True):
                _wait_until_serving(serve, f"http://127.0.0.1:{port}/", log)
            yield ports, [*(s.pid for s in serving), worker.pid]


@contextlib.contextmanager
def _running(command: str, env: dict[str, str], out: Any) -> Iterator[subprocess.Popen[bytes]]:
    """``coop COMMAND`` until the block ends."""
    proc = subprocess.Popen(  # noqa: S603 (our own command, "serve" or "worker")
        [sys.executable, "-m", "coop.cli", command],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _wait_until_serving(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    with httpx.Client(timeout=2) as client:
        for _ in range(1200):  # a minute
            with contextlib.suppress(httpx.TransportError):
                if client.get(url).status_code == 200:
                    return
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.05)  # the pause between attempts
                break
    raise RuntimeError(f"coop serve did not start:\n{log.read_text()}")


async def _caught_up(url: str) -> None:
    """Until the server's projections have applied the whole log (its worker, not ours)."""
    pool = await create_pool(url, min_size=1, max_size=1)
    waiter = ProjectionWaiter(url, pool)
    try:
        await waiter.start()
        head = await pool.fetchval("SELECT coalesce(max(notification_id), 0) FROM coop_events")
        if not await waiter.wait_for(head, [p.name for p in ALL], timeout=300):
            raise RuntimeError("the server's projections did not catch up")
    finally:
        await waiter.stop()
        await pool.close()


# The browsers ----------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection: what a browser sends, without the browser."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, head: str, body: bytes = b"") -> tuple[int, list[str], bytes]:
        """Send one request; its status, header lines and body."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(
            f"{head}Host: 127.0.0.1\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
        )
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = [h.lower() for h in lines[1:] if h]
        length = next((int(h[15:]) for h in headers if h.startswith("content-length:")), 0)
        assert not any(h.startswith("transfer-encoding:") for h in headers), "chunked"
        content = await self.reader.readexactly(length) if length else b""
        if "connection: close" in headers:
            await self.close()
        return int(lines[0].split()[1]), headers, content

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


@dataclass
class Voting:
    """One run's record: every POST's latency and status, each elector's last accepted vote."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    last: dict[int, str] = field(default_factory=dict)  # elector's index: answer
    seconds: float = 0.0

    @property
    def accepted(self) -> int:
        return self.statuses[303]

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s != 303) + len(self.failures)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def _csrf(port: int) -> str:
    """A CSRF token from the site's cookie, as any page sets it."""
    conn = Connection(port)
    try:
        status, headers, _ = await conn.request("GET / HTTP/1.1\r\n")
    finally:
        await conn.close()
    assert status == 200
    cookie = next(h for h in headers if h.startswith("set-cookie: csrftoken="))
    return cookie.split("=", 1)[1].split(";", 1)[0]


async def _vote_all(ports: list[int], ballot_id: UUID, tokens: list[str], seed: int) -> Voting:
    """CLIENTS connections work through the electorate until everyone has voted.

    The connections are shared evenly between the web replicas, as the proxy in
    front of them shares them out.
    """
    csrf = await _csrf(ports[0])
    path = f"POST /ballots/{ballot_id}/vote HTTP/1.1\r\n"
    form = "Content-Type: application/x-www-form-urlencoded\r\n"
    queue = list(range(len(tokens)))
    random.Random(seed).shuffle(queue)
    voting = Voting()

    async def vote(conn: Connection, elector: int, answer: str) -> None:
        head = f"{path}{form}Cookie: {COOKIE}={tokens[elector]}; csrftoken={csrf}\r\n"
        started = time.perf_counter()
        try:
            status, _, _ = await conn.request(head, f"answer={answer}&_csrf_token={csrf}".encode())
        except (OSError, asyncio.IncompleteReadError) as e:
            voting.failures.append(repr(e))
            await conn.close()
            return
        voting.latencies.append(time.perf_counter() - started)
        voting.statuses[status] += 1
        if status == 303:
            voting.last[elector] = answer

    async def client(c: int) -> None:
        rng, conn = random.Random(seed * 1000 + c), Connection(ports[c % len(ports)])
        try:
            while queue:
                elector, answer = queue.pop(), rng.choice(ANSWERS)
                await vote(conn, elector, answer)
                if rng.random() < CHANGES:
                    await vote(conn, elector, rng.choice([a for a in ANSWERS if a != answer]))
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(c) for c in range(CLIENTS)))
    voting.seconds = time.perf_counter() - started
    return voting


# The count -------------------------------------------------------------------------------


def _lost(coop: Coop, ballot_id: UUID, electors: list[Elector], voting: Voting) -> int:
    """Close and count; the accepted votes missing from the count (or counted wrong)."""
    coop.close_ballot(ballot_id)
    result: dict[str, Any] = coop.repository.get(ballot_id).result
    expected = Counter((electors[i].member_class, a) for i, a in voting.last.items())
    counted = Counter[tuple[str, str]]()
    for c in result["classes"]:
        for answer, key in ANSWER_KEYS.items():
            counted[c["member_class"], answer] = int(c[key])
    turnout = sum(int(n) for n in result["turnout"].values())
    wrong = sum(((expected - counted) + (counted - expected)).values())
    return max(wrong, len(voting.last) - turnout)


# The baselines ---------------------------------------------------------------------------


def _commands(coop: Coop, ballot_id: UUID, electors: list[Elector], seconds: float) -> Voting:
    """``cast_vote`` straight from POOL threads for ``seconds``: the command path alone."""
    queue = list(range(len(electors)))
    random.Random(7).shuffle(queue)
    voting = Voting()
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def loop() -> None:
        while time.perf_counter() < stop:
            try:
                member = electors[queue.pop()].member_id
            except IndexError:
                return
            started = time.perf_counter()
            try:
                coop.cast_vote(ballot_id, member, Mark(answer="for"), cast_by=member)
            except Exception as e:
                with lock:
                    voting.failures.append(repr(e))
                continue
            with lock:
                voting.latencies.append(time.perf_counter() - started)
                voting.statuses[303] += 1

    threads = [threading.Thread(target=loop) for _ in range(POOL)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    voting.seconds = time.perf_counter() - started
    return voting


def _raw_rates(db_url: str, coop: Coop, repeats: int, seconds: float) -> list[float]:
    """Single-row INSERT commits/s from POOL asyncpg connections, rows of a real vote's size."""
    with coop.datastore.transaction(commit=False) as curs:
        curs.execute("SELECT topic, state FROM coop_events WHERE topic = %s LIMIT 1", (_CAST,))
        row = curs.fetchone()
    assert row is not None, "the vote benchmark casts votes before it measures raw inserts"
    asyncio.run(_create_raw_table(db_url))
    return [
        asyncio.run(_raw(db_url, POOL, seconds, row["topic"], bytes(row["state"]))).rate
        for _ in range(repeats)
    ]


# The benchmark ---------------------------------------------------------------------------


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    print_header("vote", url)
    with scratch_database(url, "vote") as db_url:
        coop = Coop(eventsourcing_env(db_url, pool_size=POOL), secret_key=BENCH_SECRET)
        try:
            return _measure(coop, db_url, args.rows, args.repeats, args.seconds, args.processes)
        finally:
            coop.close()


def _measure(
    coop: Coop, db_url: str, size: int, repeats: int, seconds: float, processes: int
) -> int:
    started = time.perf_counter()
    electors, accounts = _co_op(coop, size)
    tokens = asyncio.run(_sessions(db_url, accounts))
    ballots = [_ballot(coop, electors, f"Ballot {n + 1}") for n in range(repeats + 1)]
    print(
        f"  {size:,} members with accounts and sessions in"
        f" {time.perf_counter() - started:.1f} s; {CLIENTS} clients shared by {processes} web"
        f" replica(s), each a coop serve; {repeats} runs,"
        f" each a ballot that all {size:,} vote on ({CHANGES:.0%} change their vote)\n",
        flush=True,
    )
    # The baselines first, while no web process competes for the machine.
    commands = _commands(coop, ballots[-1], electors, seconds)
    raw = _raw_rates(db_url, coop, repeats, seconds)

    runs_: list[Voting] = []
    cpu: list[tuple[float, float | None, float | None]] = []
    with _coop_serve(db_url, processes) as (ports, coop_processes):
        asyncio.run(_caught_up(db_url))
        asyncio.run(_vote_all(ports, ballots[-1], tokens[:WARM_UP], seed=repeats))
        for n in range(repeats):
            backends = asyncio.run(_backends(db_url))
            before = (time.process_time(), cpu_seconds(coop_processes), cpu_seconds(backends))
            voting = asyncio.run(_vote_all(ports, ballots[n], tokens, seed=n))
            after = (time.process_time(), cpu_seconds(coop_processes), cpu_seconds(backends))
            cpu.append(_spent(before, after, voting.accepted + voting.errors))
            runs_.append(voting)
            print(f"  run {n + 1}: {_line(voting)}", flush=True)
    lost = [_lost(coop, ballots[n], electors, v) for n, v in enumerate(runs_)]
    _report(runs_, lost, commands, raw, cpu)
    return 0


def _spent(
    before: tuple[float, float | None, float | None],
    after: tuple[float, float | None, float | None],
    requests: int,
) -> tuple[float, float | None, float | None]:
    """CPU µs per request: this process (the clients), the web process, PostgreSQL."""
    per = 1e6 / max(requests, 1)
    server = None if after[1] is None or before[1] is None else (after[1] - before[1]) * per
    pg = None if after[2] is None or before[2] is None else (after[2] - before[2]) * per
    return (after[0] - before[0]) * per, server, pg


def _line(v: Voting) -> str:
    return (
        f"{v.accepted:,} accepted in {v.seconds:.1f} s = {rate(v.accepted / v.seconds)},"
        f" p50 {v.percentile(0.5) * 1000:.0f} ms, p99 {v.percentile(0.99) * 1000:.0f} ms,"
        f" {v.errors} errors"
    )


def _report(
    voting: list[Voting],
    lost: list[int],
    commands: Voting,
    raw: list[float],
    cpu: list[tuple[float, float | None, float | None]],
) -> None:
    rates = [v.accepted / v.seconds for v in voting]
    p50s = [v.percentile(0.5) * 1000 for v in voting]
    p99s = [v.percentile(0.99) * 1000 for v in voting]
    errors, lost_votes = sum(v.errors for v in voting), sum(lost)
    command_rate = commands.accepted / commands.seconds

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    print()
    print(
        f"vote over HTTP     {rate(median(rates)):>9} {runs(rates)}"
        f"  target ≥ {rate(TARGET_RATE)}: {verdict(median(rates) >= TARGET_RATE)}"
    )
    print(
        f"  latency          p50 {median(p50s):,.0f} ms {runs(p50s)}, p99 {median(p99s):,.0f} ms"
        f" {runs(p99s)}  target p99 ≤ {TARGET_P99 * 1000:.0f} ms:"
        f" {verdict(median(p99s) <= TARGET_P99 * 1000)}"
    )
    statuses = Counter[int]()
    for v in voting:
        statuses.update(v.statuses)
    print(
        f"  errors           {errors}  target 0: {verdict(errors == 0)}"
        f"  (answers: {dict(sorted(statuses.items()))})"
    )
    for v in voting:
        for failure in v.failures[:3]:
            print(f"    {failure}")
    print(
        f"  lost votes       {lost_votes} {lost}  target 0: {verdict(lost_votes == 0)}"
        "  (each count against every elector's last accepted vote)"
    )
    print(
        "  CPU per request  "
        f"clients {median([c[0] for c in cpu]):,.0f} µs, coop (web and worker) "
        f"{_maybe([c[1] for c in cpu])}, PostgreSQL {_maybe([c[2] for c in cpu])}"
    )
    print(
        f"cast_vote direct   {rate(command_rate):>9}  ({POOL} threads, no HTTP;"
        f" p50 {commands.percentile(0.5) * 1000:.1f} ms, p99"
        f" {commands.percentile(0.99) * 1000:.1f} ms, {commands.errors} errors)"
        f"  ratio HTTP/direct {median(rates) / command_rate:.2f}"
    )
    print(
        f"raw asyncpg        {rate(median(raw)):>9} {runs(raw)}  ({POOL} connections,"
        f" single-row INSERT commits)  ratio HTTP/raw {median(rates) / median(raw):.2f}"
    )


def _maybe(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{median(known):,.0f} µs" if len(known) == len(values) and known else "?"
