"""`coop bench append`: events/s through the command path, against raw INSERT commits.

Two commands are driven, by 1 writer thread and by 32 concurrent ones:

* ``apply_for_membership``: one read (is the e-mail claimed?) then one save of
  two events (Member.Applied + Claim.Made).
* ``change_password``: the app's existing single-event command: one read (the
  account, fast-forwarded from the cache) then one save of one event. Each
  writer changes its own account, so writers never conflict.

The baseline, measured in the same run on the same server, is the best the
server can do for comparable rows: autocommit single-row INSERTs (uuid, bigint,
text topic, bytea state of a real Member.Applied's size) into a plain table,
from 1 asyncpg connection and from 32.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import msgspec

from bench.common import CPU, cpu_seconds, median, print_header, rate, runs, scratch_database
from bench.people import applicant
from coop.application import Coop
from coop.domain.accounts import Role
from coop.domain.membership.members import Member
from coop.infra.db import eventsourcing_env
from coop.infra.eventstore.group_commit import GroupCommitRecorder

WRITERS = (1, 32)
# A writer holds one connection at a time (its read, then its insert if it leads).
POOL_SIZE = max(WRITERS)
TARGET = 0.3  # from the issue: 32 concurrent writers ≥ 0.3 × raw 32-connection rate

_RAW_TABLE = (
    "CREATE TABLE bench_raw (originator_id uuid NOT NULL, originator_version bigint NOT NULL,"
    " topic text, state bytea, PRIMARY KEY (originator_id, originator_version))"
)
_RAW_INSERT = (
    "INSERT INTO bench_raw (originator_id, originator_version, topic, state)"
    " VALUES ($1, $2, $3, $4)"
)


class CountingRecorder(GroupCommitRecorder):
    """The app's recorder, counting how many saves share each group commit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = self.saves = 0

    def _take_group(self) -> list[Any]:
        group = super()._take_group()
        # Only the leader calls this, holding the queue's lock: plain ints are safe.
        self.groups += 1
        self.saves += len(group)
        return group


@dataclass
class Run:
    """One timed run: events saved, seconds, failures, and CPU spent on each side."""

    events: int
    seconds: float
    client_cpu: float
    server_cpu: float | None
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.events / self.seconds


@dataclass
class Figures:
    """One measurement over its repeats; for the app, also its group sizes."""

    rates: list[float] = field(default_factory=list)
    cpu: CPU = field(default_factory=CPU)
    groups: int = 0
    saves: int = 0
    errors: int = 0

    def add(self, run: Run) -> None:
        self.rates.append(run.rate)
        self.cpu.add(run.client_cpu, run.server_cpu, run.events)
        self.errors += run.errors


# Raw baseline ----------------------------------------------------------------------


async def _raw(url: str, connections: int, seconds: float, topic: str, state: bytes) -> Run:
    """Single-row autocommit INSERTs from ``connections`` connections, one task each."""
    conns = await asyncio.gather(*(asyncpg.connect(url) for _ in range(connections)))
    try:

        async def insert_until(conn: asyncpg.Connection, deadline: float) -> int:
            done = 0
            while time.perf_counter() < deadline:
                await conn.execute(_RAW_INSERT, uuid4(), 1, topic, state)
                done += 1
            return done

        pids = [c.get_server_pid() for c in conns]
        server, client = cpu_seconds(pids), time.process_time()
        start = time.perf_counter()
        counts = await asyncio.gather(*(insert_until(c, start + seconds) for c in conns))
        elapsed, client = time.perf_counter() - start, time.process_time() - client
        return Run(sum(counts), elapsed, client, _less(cpu_seconds(pids), server))
    finally:
        await asyncio.gather(*(c.close() for c in conns))


# The app's command path ---------------------------------------------------------------


def _less(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


def _threads(
    writers: int,
    seconds: float,
    command: Callable[[int], int],
    pids: Sequence[int] = (),
) -> Run:
    """``writers`` threads each loop ``command(writer)`` (→ events saved) until time is up.

    ``pids`` are the server backends serving them, whose CPU time is counted.
    """
    events = [0] * writers
    errors = [0] * writers
    gate = threading.Barrier(writers + 1)

    def loop(w: int) -> None:
        gate.wait()
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            try:
                events[w] += command(w)
            except Exception:
                # A benchmark reports failures rather than dying on the first.
                errors[w] += 1

    threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in range(writers)]
    for t in threads:
        t.start()
    server, client = cpu_seconds(pids), time.process_time()
    gate.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed, client = time.perf_counter() - start, time.process_time() - client
    return Run(sum(events), elapsed, client, _less(cpu_seconds(pids), server), sum(errors))


class Commands:
    """The two commands, made repeatable: fresh e-mails, one account per writer."""

    def __init__(self, coop: Coop, accounts: list[UUID]) -> None:
        self.coop = coop
        self._accounts = accounts
        self._rngs = [random.Random(w) for w in range(len(accounts))]
        self.by_name = {
            "single": self.phone_only,
            "apply": self.apply,
            "read": self.change_password,
        }

    def phone_only(self, w: int) -> int:
        """An application with no e-mail: no claim, no read, exactly one event."""
        self.coop.apply_for_membership(
            msgspec.structs.replace(applicant(next(_SERIAL), self._rngs[w]), email="")
        )
        return 1  # Member.Applied

    def apply(self, w: int) -> int:
        self.coop.apply_for_membership(applicant(next(_SERIAL), self._rngs[w]))
        return 2  # Member.Applied + Claim.Made

    def change_password(self, w: int) -> int:
        self.coop.change_password(self._accounts[w], f"$argon2id$v=19${next(_SERIAL)}")
        return 1


# Unique across every Commands object, so e-mails (hence claims) never repeat.
# next() on a count is atomic under the GIL.
_SERIAL = itertools.count(1)


@contextlib.contextmanager
def _coop(db_url: str, secret_key: str, pool_size: int) -> Iterator[Coop]:
    """The app as the web front runs it, but with the counting recorder."""
    env = eventsourcing_env(db_url, pool_size=pool_size)
    env["APPLICATION_RECORDER_TOPIC"] = f"{__name__}:CountingRecorder"
    coop = Coop(env, secret_key=secret_key)
    try:
        assert isinstance(coop.recorder, CountingRecorder)
        coop.recorder.datastore.pool.wait(timeout=30)  # every connection open before timing
        yield coop
    finally:
        coop.close()


# The benchmark ---------------------------------------------------------------------


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    print_header("append", url)
    with scratch_database(url, "append") as db_url:
        return _measure(db_url, settings.secret_key or "bench", args.repeats, args.seconds)


def _measure(db_url: str, secret_key: str, repeats: int, seconds: float) -> int:
    asyncio.run(_create_raw_table(db_url))
    with _coop(db_url, secret_key, pool_size=2) as coop:
        accounts = [
            coop.open_account(
                name=f"Writer {w}",
                email=f"writer.{w}@example.org",
                password_hash="$argon2id$v=19$m=65536,t=3,p=4$" + "x" * 60,
                roles=(Role.MEMBER,),
            ).subject
            for w in range(max(WRITERS))
        ]
        # The raw rows carry a real Member.Applied's topic and state, so sizes match.
        sample = Member(details=applicant(0, random.Random(0)), applied_on=date(2026, 1, 5))
        stored = coop.mapper.to_stored_event(sample.collect_events()[0])
        topic, state = stored.topic, stored.state
    print(
        f"  {repeats} repeats x {seconds:g} s per measurement;"
        f" raw rows carry {len(state)} bytes of state (a real Member.Applied's)\n",
        flush=True,
    )

    warm_up = min(1.0, seconds)
    asyncio.run(_raw(db_url, max(WRITERS), warm_up, topic, state))
    raw = {n: Figures() for n in WRITERS}
    app = {(cmd, n): Figures() for cmd in ("single", "apply", "read") for n in WRITERS}
    for _ in range(repeats):
        # Raw and app take turns, so drift (table growth, checkpoints, the neighbours'
        # load) touches every figure alike. Their connections are never open at once:
        # 32 + 32 of them could exceed a shared server's max_connections.
        for n in WRITERS:
            raw[n].add(asyncio.run(_raw(db_url, n, seconds, topic, state)))
        with _coop(db_url, secret_key, pool_size=POOL_SIZE) as coop:
            recorder = coop.recorder
            assert isinstance(recorder, CountingRecorder)
            commands = Commands(coop, accounts)
            pids = asyncio.run(_backends(db_url))
            # Warm the new app up: prepared statements, the accounts in its cache.
            for command in commands.by_name.values():
                _threads(max(WRITERS), warm_up / 2, command)
            for n in WRITERS:
                for cmd, command in commands.by_name.items():
                    recorder.groups = recorder.saves = 0
                    figures = app[cmd, n]
                    figures.add(_threads(n, seconds, command, pids))
                    figures.groups += recorder.groups
                    figures.saves += recorder.saves

    _report(raw, app)
    return 0


async def _backends(url: str) -> list[int]:
    """The server processes of every other connection to this database (the app's pool)."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return [r["pid"] for r in rows]


async def _create_raw_table(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(_RAW_TABLE)
    finally:
        await conn.close()


def _label(n: int) -> str:
    return f"{n:2d} writer{'s' if n > 1 else ' '}"


def _report(raw: dict[int, Figures], app: dict[tuple[str, int], Figures]) -> None:
    names = {
        "single": "apply_for_membership by phone (1 event/command, no read): the single-event command",
        "apply": "apply_for_membership with e-mail (2 events/command: Member.Applied + Claim.Made)",
        "read": "change_password (1 event/command after reading the account)",
    }
    for cmd in ("single", "apply", "read"):
        print(names[cmd])
        for n in WRITERS:
            a, r = app[cmd, n], raw[n]
            ratio = median(a.rates) / median(r.rates)
            verdict = ""
            if n == max(WRITERS):
                verdict = f"  target ≥ {TARGET:.2f}: {'met' if ratio >= TARGET else 'MISSED'}"
            print(
                f"append {_label(n)}  app {rate(median(a.rates)):>9} {runs(a.rates)}"
                f"  raw {rate(median(r.rates)):>9} {runs(r.rates)}  ratio {ratio:.2f}{verdict}"
            )
        for n in WRITERS:
            a = app[cmd, n]
            per_group = a.saves / a.groups if a.groups else 0.0
            errors = f"; {a.errors} commands FAILED" if a.errors else ""
            print(
                f"  {_label(n)}: {per_group:5.2f} saves per group commit;"
                f" CPU per event: app {a.cpu}, raw {raw[n].cpu}{errors}"
            )
        print()
    print("  app = events/s saved through Coop commands; raw = single-row INSERT commits/s")
    print("  CPU per event: this process (client) and its PostgreSQL backends (server)")
