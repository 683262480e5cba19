"""`coop worker` opens and closes ballots on time, with no web process running at all."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg

from coop.application import Coop
from coop.domain.governance.ballots import BallotKind
from coop.domain.governance.rules import model_rules
from coop.domain.membership.member_details import MemberClass
from tests.conftest import SECRET
from tests.people import details

TRUSTEE = uuid4()


async def _topics(pool: asyncpg.Pool, ballot: UUID) -> list[str]:
    rows = await pool.fetch(
        "SELECT topic FROM coop_events WHERE originator_id = $1 ORDER BY originator_version",
        ballot,
    )
    return [r["topic"].rsplit(".", 1)[1] for r in rows]


async def test_the_worker_alone_opens_a_ballot_and_counts_it_on_time(
    coop: Coop, db_url: str, pool: asyncpg.Pool
) -> None:
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026 resolution 1")
    for name, cls in [("Amira Hassan", MemberClass.USER), ("Priya Raman", MemberClass.CARER)]:
        member = coop.apply_for_membership(details(name, requested_class=cls)).subject
        coop.admit(member, by=TRUSTEE, minute_reference="BM-1")
    now = datetime.now(UTC)  # the worker runs on the real clock
    ballot = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Adopt the new rota policy",
        question="Adopt it?",
        opens_at=now + timedelta(seconds=3),
        closes_at=now + timedelta(seconds=8),
        by=TRUSTEE,
    ).subject
    env = {**os.environ, "DATABASE_URL": db_url, "COOP_SECRET_KEY": SECRET}
    env.pop("COOP_SMTP_HOST", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "coop.cli", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        opened_seen = False
        deadline = time.monotonic() + 60
        while (topics := await _topics(pool, ballot))[-1] != "Counted":
            assert time.monotonic() < deadline, f"the worker did not count the ballot: {topics}"
            if topics[-1] == "Opened":
                opened_seen = True
                assert datetime.now(UTC) >= now + timedelta(seconds=3)  # not before its time
            await asyncio.sleep(0.1)
        assert datetime.now(UTC) >= now + timedelta(seconds=8)  # and not closed early
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    assert topics == ["Drafted", "Opened", "Closed", "Counted"]
    assert opened_seen
    assert "opening and closing ballots on time" in out
    assert worker.returncode == 0, err
    counted = coop.repository.get(ballot)
    assert sorted(counted.electors.values()) == ["carer", "user"]  # the members of the day
