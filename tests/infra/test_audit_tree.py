"""Stored subtree hashes: checkpoints and proofs start from them, and never trust them.

A log of a few hundred events has subtrees of 256 leaves and more, the ones coop
keeps. Each test holds what coop makes from them to what it makes from scratch.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import asyncpg
import psycopg
import pytest

from coop.application import Coop
from coop.infra.audit_checkpoints import parse_note
from coop.infra.audit_tree import stored_path
from tests.infra.test_audit_checkpoints import checkpoint, keys  # noqa: F401  (a fixture)
from tests.infra.test_audit_seals import OFF, coop_command
from tests.people import details

pytestmark = pytest.mark.usefixtures("keys")  # the co-op's signing key


def members_apply(coop: Coop, first: int, count: int) -> None:
    for n in range(first, first + count):
        coop.apply_for_membership(details(f"Member Number{n}"))


def events(db_url: str) -> int:
    with psycopg.connect(db_url) as conn:
        (count,) = conn.execute("SELECT count(*) FROM coop_events").fetchone() or (0,)
    return int(count)


def stored(db_url: str) -> list[tuple[int, int]]:
    with psycopg.connect(db_url) as conn:
        return conn.execute("SELECT height, index FROM audit_tree ORDER BY 1, 2").fetchall()


def tamper(db_url: str, height: int, index: int) -> None:
    """What anyone holding the database can do: the table is coop's cache, not the log."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE audit_tree SET hash = sha256(hash) WHERE height = %s AND index = %s",
            (height, index),
        )


def prove(db_url: str, event: int, published: Path, tmp_path: Path) -> str:
    proved = coop_command(db_url, "audit", "prove", str(event), "--checkpoint", str(published))
    assert proved.returncode == 0, proved.stderr
    proof = tmp_path / f"proof-{event}.json"
    proof.write_text(proved.stdout)
    checked = coop_command(
        db_url, "audit", "check-inclusion", str(proof), "--checkpoint", str(published)
    )
    assert checked.returncode == 0, checked.stderr
    assert f"Event {event} " in checked.stdout
    return proved.stdout


def path_from_the_table(db_url: str, event: int, note: str) -> object:
    made = parse_note(note)

    async def find() -> object:
        conn = await asyncpg.connect(db_url)
        try:
            return await stored_path(conn, event, made.size, made.last, made.root)
        finally:
            await conn.close()

    return asyncio.run(find())


def test_the_next_checkpoint_goes_on_from_the_last_and_signs_the_root_from_scratch(
    coop: Coop,
    db_url: str,
    tmp_path: Path,
) -> None:
    members_apply(coop, 0, 160)
    first = checkpoint(db_url)
    size = events(db_url)
    assert size > 256 and f"\n{size}\n" in first
    assert (8, 0) in stored(db_url)  # a block of 256 kept as it was verified
    members_apply(coop, 160, 160)
    since = checkpoint(db_url)
    whole = coop_command(db_url, "audit", "checkpoint", "--full")
    assert whole.returncode == 0, whole.stderr
    # Only the events since the first were read, yet the root is the whole log's.
    assert since.splitlines()[1:5] == whole.stdout.splitlines()[1:5]
    assert since.splitlines()[1] == str(events(db_url))
    assert {(8, 0), (8, 1), (9, 0)} <= set(stored(db_url))
    published = tmp_path / "data" / "checkpoints" / "latest.txt"
    result = coop_command(db_url, "audit", "verify", "--checkpoint", str(published))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no stored subtree differs from the log's


def test_an_inclusion_proof_comes_from_the_table_and_says_the_same_as_from_the_links(
    coop: Coop,
    db_url: str,
    tmp_path: Path,
) -> None:
    members_apply(coop, 0, 300)
    note = checkpoint(db_url)
    published = tmp_path / "data" / "checkpoints" / "latest.txt"
    for event in (1, 5, 300, events(db_url)):  # in both blocks, and in the ragged end
        assert path_from_the_table(db_url, event, note) is not None
        from_table = prove(db_url, event, published, tmp_path)
        assert len(json.loads(from_table)["path"]) <= 10  # log2 of the log's size
        for height, index in ((8, 0), (8, 1), (9, 0)):  # one on each event's path
            tamper(db_url, height, index)
        assert path_from_the_table(db_url, event, note) is None  # not trusted: no root
        assert prove(db_url, event, published, tmp_path) == from_table  # from the links
        checkpoint(db_url)  # which puts the table right
    outside = coop_command(db_url, "audit", "prove", "999999", "--checkpoint", str(published))
    assert outside.returncode == 1
    assert "event 999999 is not among the first" in outside.stderr


def test_a_tampered_subtree_is_named_by_verify_and_never_signed_into_a_checkpoint(
    coop: Coop,
    db_url: str,
    tmp_path: Path,
) -> None:
    members_apply(coop, 0, 280)
    checkpoint(db_url)
    first = tmp_path / "data" / "checkpoints" / "checkpoint-1.txt"
    tamper(db_url, 8, 1)
    tamper(db_url, 9, 0)  # on the way to the checkpoint's root: the next one cannot use it
    result = coop_command(db_url, "audit", "verify", "--checkpoint", str(first))
    assert result.returncode == 0, result.stderr  # the log itself is intact
    assert "The log extends the checkpoint" in result.stdout
    assert result.stderr.splitlines() == [
        "Warning: the stored subtree over leaves 256 to 511 (height 8) was altered in the "
        "database (coop recomputes it; it is never trusted without a signed root)",
        "Warning: the stored subtree over leaves 0 to 511 (height 9) was altered in the "
        "database (coop recomputes it; it is never trusted without a signed root)",
    ]
    members_apply(coop, 280, 10)
    since = checkpoint(db_url)
    whole = coop_command(db_url, "audit", "checkpoint", "--full")
    assert since.splitlines()[1:5] == whole.stdout.splitlines()[1:5]
    again = coop_command(db_url, "audit", "verify", "--checkpoint", str(first))
    assert again.returncode == 0 and again.stderr == ""  # put right by the checkpoint


def test_the_next_checkpoint_is_never_made_of_a_log_broken_since_the_last(
    coop: Coop,
    db_url: str,
) -> None:
    members_apply(coop, 0, 140)
    checkpoint(db_url)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO coop_events (originator_id, originator_version, topic, state)"
            " VALUES (gen_random_uuid(), 1, 'x', '{}')"
        )
    inserted = events(db_url)
    made = coop_command(db_url, "audit", "checkpoint")
    assert made.returncode == 1
    assert f"no checkpoint made: the log is broken at notification id {inserted}" in made.stderr


def test_no_checkpoint_is_made_of_a_log_cut_back_since_the_last(
    coop: Coop, db_url: str, tmp_path: Path
) -> None:
    members_apply(coop, 0, 5)
    checkpoint(db_url)
    last = events(db_url)
    with psycopg.connect(db_url, autocommit=True) as conn:
        for statement in OFF:
            conn.execute(statement)
        for table in ("audit_seals", "audit_chain", "coop_events"):
            conn.execute(f"DELETE FROM {table} WHERE notification_id > %s", (last - 2,))
    made = coop_command(db_url, "audit", "checkpoint")
    assert made.returncode == 1
    assert f"no checkpoint made: event {last}, the last of the checkpoint of {last} events" in (
        made.stderr
    )
    assert "is no longer in the log as it was (removed or changed)" in made.stderr
