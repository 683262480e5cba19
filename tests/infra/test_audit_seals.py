"""Seals: an event written, changed or re-chained by anyone but coop fails verify, at its place.

Each attack is made the way someone holding only the database could make it:
plain SQL, with the append-only triggers switched off, recomputing the chain's
links exactly as the database would (audit_chain.link) so that the chain alone
still checks out.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import subprocess
from pathlib import Path
from unittest import mock
from uuid import uuid4

import asyncpg
import psycopg
import pytest

from coop.application import Coop
from coop.cli import main
from coop.clock import FixedClock
from coop.commands.governance.loop_voting import LoopVoting
from coop.domain.governance.ballots import Mark
from coop.infra.audit_chain import GENESIS, ChainedEvent, link
from coop.infra.audit_seals import SEALS_MIGRATION, seal_key, start_sealing
from tests.app.governance.test_ballots import amira_changes_her_mind
from tests.app.governance.test_loop_voting import _in_thread, _opened
from tests.conftest import SECRET
from tests.infra.test_audit_chain import some_history
from tests.people import details

OFF = [
    "ALTER TABLE coop_events DISABLE TRIGGER coop_events_append_only",
    "ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_append_only",
    "ALTER TABLE audit_seals DISABLE TRIGGER audit_seals_append_only",
]


def rechain(conn: psycopg.Connection) -> None:
    """Recompute every link from the events as they now stand: the chain alone verifies."""
    rows = conn.execute(
        "SELECT notification_id, originator_id, originator_version, topic, state"
        " FROM coop_events ORDER BY notification_id"
    ).fetchall()
    head, previous = GENESIS, 0
    conn.execute("DELETE FROM audit_chain")
    for n, originator, version, topic, state in rows:
        head = link(head, ChainedEvent(n, originator, version, topic, bytes(state), None, None))
        conn.execute(
            "INSERT INTO audit_chain (notification_id, previous_id, link) VALUES (%s, %s, %s)",
            (n, previous, head),
        )
        previous = n


def coop_command(
    db_url: str, *args: str, secret: str | None = SECRET
) -> subprocess.CompletedProcess[str]:
    """The `coop` command run in this process (as coop_cli, without a Python start-up each)."""
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("COOP_SECRET_KEY", None)
    if secret:
        env["COOP_SECRET_KEY"] = secret
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, env, clear=True),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = main(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def verify(db_url: str) -> tuple[int, str]:
    result = coop_command(db_url, "audit", "verify")
    return result.returncode, result.stdout + result.stderr


def test_every_event_coop_writes_is_sealed_and_verifies(coop: Coop, db_url: str) -> None:
    some_history(coop)
    code, said = verify(db_url)
    assert code == 0, said
    assert "Audit chain intact: 10 events" in said and "Every event sealed by coop." in said
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM audit_seals").fetchone() == (10,)


def test_without_the_secret_verify_says_the_seals_were_not_checked(coop: Coop, db_url: str) -> None:
    some_history(coop)
    result = coop_command(db_url, "audit", "verify", secret=None)
    assert result.returncode == 0
    assert "Seals not checked (COOP_SECRET_KEY not set)" in result.stdout


def test_an_event_added_with_a_plain_insert_is_caught_at_its_position(
    coop: Coop, db_url: str
) -> None:
    some_history(coop)
    with psycopg.connect(db_url, autocommit=True) as conn:
        # No trigger to get past: the chain trigger even links it.
        (slipped,) = conn.execute(
            "INSERT INTO coop_events (originator_id, originator_version, topic, state)"
            " VALUES (%s, 1, 'coop.domain.membership:Member.Applied', '{}')"
            " RETURNING notification_id",
            (uuid4(),),
        ).fetchone()
    coop.apply_for_membership(details("Dee Fox"))  # coop goes on, sealing its own events
    code, said = verify(db_url)
    assert code == 1
    assert f"BROKEN at notification id {slipped}: it has no seal: coop did not write it" in said
    assert "The 10 events before it verify" in said


def test_an_altered_payload_is_caught_at_its_position(coop: Coop, db_url: str) -> None:
    some_history(coop)
    with psycopg.connect(db_url, autocommit=True) as conn:
        for statement in OFF:
            conn.execute(statement)
        conn.execute("UPDATE coop_events SET state = state || ' '::bytea WHERE notification_id = 4")
    code, said = verify(db_url)
    assert code == 1 and "BROKEN at notification id 4" in said


def test_a_consistent_rewrite_of_the_chain_from_some_event_on_is_caught_at_that_event(
    coop: Coop, db_url: str
) -> None:
    some_history(coop)
    with psycopg.connect(db_url, autocommit=True) as conn:
        for statement in OFF:
            conn.execute(statement)
        conn.execute("UPDATE coop_events SET state = state || ' '::bytea WHERE notification_id = 6")
        rechain(conn)
    chain_only = coop_command(db_url, "audit", "verify", secret=None)
    assert chain_only.returncode == 0  # the hole this closes: the chain alone is fooled
    code, said = verify(db_url)
    assert code == 1
    assert "BROKEN at notification id 6: its seal does not match" in said
    assert "The 5 events before it verify" in said


def test_a_deleted_event_is_caught_where_it_was_even_after_re_chaining(
    coop: Coop, db_url: str
) -> None:
    some_history(coop)
    with psycopg.connect(db_url, autocommit=True) as conn:
        for statement in OFF:
            conn.execute(statement)
        conn.execute("DELETE FROM coop_events WHERE notification_id = 7")
        rechain(conn)
    code, said = verify(db_url)
    assert code == 1 and "BROKEN at notification id 8: its seal does not match" in said


def test_removing_every_seal_does_not_make_the_log_look_old(coop: Coop, db_url: str) -> None:
    some_history(coop)
    with psycopg.connect(db_url, autocommit=True) as conn:
        for statement in OFF:
            conn.execute(statement)
        conn.execute("DELETE FROM audit_seals")
    code, said = verify(db_url)
    assert code == 1 and "BROKEN at notification id 1: it has no seal" in said


def test_a_log_from_before_sealing_is_covered_by_one_history_seal(coop: Coop, db_url: str) -> None:
    coop.recorder.seal_key = b""  # type: ignore[attr-defined]  # as coop was before seals
    some_history(coop)
    code, said = verify(db_url)
    assert code == 1 and "BROKEN at notification id 1: it has no seal" in said
    # Only the process that created the seals table seals history at start-up...
    assert asyncio.run(start_sealing(db_url, SECRET, ["0022_other.sql"])) is None
    assert asyncio.run(start_sealing(db_url, SECRET, [SEALS_MIGRATION])) == 10
    # ...and never twice, even by hand.
    again = coop_command(db_url, "audit", "seal-history")
    assert again.returncode == 1 and "the log is sealed already" in again.stderr
    code, said = verify(db_url)
    assert code == 0, said
    assert "events up to 10, from before sealing began, through its history seal" in said
    # Afterwards, an event slipped in before a sealed one is still caught.
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO coop_events (originator_id, originator_version, topic, state)"
            " VALUES (%s, 1, 'x', '{}')",
            (uuid4(),),
        )
    coop.recorder.seal_key = seal_key(SECRET)  # type: ignore[attr-defined]
    coop.apply_for_membership(details("Dee Fox"))
    code, said = verify(db_url)
    assert code == 1 and "BROKEN at notification id 11: it has no seal" in said


def test_an_export_carries_the_seals_and_verifies_offline(
    coop: Coop, db_url: str, tmp_path: Path
) -> None:
    some_history(coop)
    export = tmp_path / "log.jsonl"
    assert coop_command(db_url, "audit", "export", str(export)).returncode == 0
    nowhere = "postgresql://nobody@127.0.0.1:1/none"
    ok = coop_command(nowhere, "audit", "verify", "--file", str(export))
    assert ok.returncode == 0 and "Every event sealed by coop." in ok.stdout
    # Whoever edits the file cannot seal: an event without its seal is caught.
    lines = [json.loads(line) for line in export.read_text().splitlines()]
    lines[2]["seal"] = None
    export.write_text("".join(json.dumps(line) + "\n" for line in lines))
    broken = coop_command(nowhere, "audit", "verify", "--file", str(export))
    assert broken.returncode == 1 and "BROKEN at notification id 3: it has no seal" in broken.stderr


@pytest.mark.parametrize("secret", ["another-secret-entirely"])
def test_seals_made_with_another_secret_do_not_verify(coop: Coop, db_url: str, secret: str) -> None:
    some_history(coop)
    result = coop_command(db_url, "audit", "verify", secret=secret)
    assert result.returncode == 1
    assert "BROKEN at notification id 1: its seal does not match" in result.stderr


async def test_votes_cast_on_the_event_loop_are_sealed_too(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, db_url: str
) -> None:
    desk = LoopVoting(coop, pool, _in_thread)
    electors, ballot = _opened(coop, clock)
    for member, answer in amira_changes_her_mind(electors):
        await desk.cast(ballot, member, Mark(answer=answer), cast_by=member)
    unsealed = await pool.fetchval(
        "SELECT count(*) FROM coop_events e LEFT JOIN audit_seals s USING (notification_id)"
        " WHERE s.seal IS NULL"
    )
    assert unsealed == 0
    code, said = await asyncio.to_thread(verify, db_url)
    assert code == 0 and "Every event sealed by coop." in said
