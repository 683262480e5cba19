"""The tamper-evident chain: written with every event, refused changes, verify names the break."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import psycopg
import pytest

from coop.application import Coop
from tests.app.test_cli import coop_cli
from tests.people import details


def some_history(coop: Coop) -> None:
    ids = [
        coop.apply_for_membership(details(n)).subject for n in ("Ann Lee", "Bob Roy", "Cat Ward")
    ]
    coop.admit(ids[0], by=uuid4(), minute_reference="B1")
    coop.refuse(ids[1], by=uuid4(), reason="Not eligible", minute_reference="B1")


def test_every_event_gets_a_link_in_the_same_transaction(coop: Coop, db_url: str) -> None:
    some_history(coop)
    with psycopg.connect(db_url) as conn:
        events = conn.execute("SELECT notification_id FROM coop_events ORDER BY 1").fetchall()
        links = conn.execute(
            "SELECT notification_id, previous_id FROM audit_chain ORDER BY 1"
        ).fetchall()
    assert [e[0] for e in events] == [link[0] for link in links]
    assert [p for _, p in links] == [0] + [e[0] for e in events[:-1]]


def test_verify_passes_on_an_untouched_log(coop: Coop, db_url: str) -> None:
    some_history(coop)
    result = coop_cli(db_url, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert "Audit chain intact: 10 events, head " in result.stdout


def test_altering_one_stored_event_is_caught_at_exactly_that_event(coop: Coop, db_url: str) -> None:
    some_history(coop)
    with psycopg.connect(db_url, autocommit=True) as conn:
        before = conn.execute("SELECT state FROM coop_events WHERE notification_id = 3").fetchone()
        # Someone with full control of the database gets past the append-only trigger
        # and flips one bit of one stored event.
        conn.execute("ALTER TABLE coop_events DISABLE TRIGGER coop_events_append_only")
        conn.execute(
            "UPDATE coop_events SET state = set_byte(state, 20, get_byte(state, 20) # 1)"
            " WHERE notification_id = 3"
        )
        after = conn.execute("SELECT state FROM coop_events WHERE notification_id = 3").fetchone()
    assert before != after
    result = coop_cli(db_url, "audit", "verify")
    assert result.returncode == 1
    assert "BROKEN at notification id 3" in result.stderr
    assert "The 2 events before it verify" in result.stderr


def test_a_deleted_event_is_caught(coop: Coop, db_url: str) -> None:
    some_history(coop)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE coop_events DISABLE TRIGGER coop_events_append_only")
        conn.execute("DELETE FROM coop_events WHERE notification_id = 10")
    result = coop_cli(db_url, "audit", "verify")
    assert result.returncode == 1 and "BROKEN at notification id 10" in result.stderr


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_chain SET link = sha256(link) WHERE notification_id = 1",
        "DELETE FROM audit_chain WHERE notification_id = 1",
        "TRUNCATE audit_chain",
        "UPDATE coop_events SET topic = 'x' WHERE notification_id = 1",
        "DELETE FROM coop_events",
        "TRUNCATE coop_events CASCADE",
    ],
)
def test_the_log_and_the_chain_refuse_changes(coop: Coop, db_url: str, statement: str) -> None:
    some_history(coop)
    with (
        psycopg.connect(db_url) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"),
    ):
        conn.execute(statement)


def test_an_export_verifies_offline_and_catches_edits(
    coop: Coop, db_url: str, tmp_path: Path
) -> None:
    some_history(coop)
    export = tmp_path / "chain.jsonl"
    assert coop_cli(db_url, "audit", "export", str(export)).returncode == 0
    ok = coop_cli("postgresql://nobody@127.0.0.1:1/none", "audit", "verify", "--file", str(export))
    assert ok.returncode == 0 and "10 events" in ok.stdout
    lines = export.read_text().splitlines()
    lines[4] = lines[4].replace('"originator_version": 1', '"originator_version": 2')
    export.write_text("\n".join(lines) + "\n")
    broken = coop_cli(
        "postgresql://nobody@127.0.0.1:1/none", "audit", "verify", "--file", str(export)
    )
    assert broken.returncode == 1 and "BROKEN at notification id 5" in broken.stderr
