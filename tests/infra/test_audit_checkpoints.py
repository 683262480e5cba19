"""Signed checkpoints, on a real database through the real `coop audit` commands.

A checkpoint vouches for the log as it stood; later, the present log (or an
export, offline) must extend it, and anything else is named.
"""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from coop.application import Coop
from tests.infra.test_audit_chain import some_history
from tests.infra.test_audit_seals import OFF, coop_command, rechain
from tests.people import details

NOWHERE = "postgresql://nobody@127.0.0.1:1/none"


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The co-op's signing key, made as a trustee would, outside the database."""
    monkeypatch.setenv("COOP_DATA_DIR", str(tmp_path / "data"))
    key = tmp_path / "keys" / "coop.key"
    monkeypatch.setenv("COOP_AUDIT_KEY", str(key))
    made = coop_command(NOWHERE, "audit", "keygen", "--name", "example.coop/coop")
    assert made.returncode == 0, made.stderr
    assert "Public key (also in" in made.stdout
    return key


def checkpoint(db_url: str, reason: str = "daily") -> str:
    made = coop_command(db_url, "audit", "checkpoint", "--reason", reason)
    assert made.returncode == 0, made.stderr
    return made.stdout


def test_keygen_keeps_the_key_private_and_never_overwrites_it(keys: Path) -> None:
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    public = keys.with_name("coop.key.pub").read_text()
    assert public.startswith("example.coop/coop+")
    again = coop_command(NOWHERE, "audit", "keygen")
    assert again.returncode == 1 and "exists already: move it away first" in again.stderr
    assert keys.with_name("coop.key.pub").read_text() == public


def test_a_checkpoint_is_a_signed_note_published_as_a_file_and_later_logs_extend_it(
    coop: Coop, db_url: str, keys: Path, tmp_path: Path
) -> None:
    some_history(coop)
    note = checkpoint(db_url, "ballot counted")
    lines = note.splitlines()
    assert lines[:2] == ["example.coop/coop", "10"]
    assert (
        lines[3].startswith("head ")
        and lines[4] == "last 10"
        and lines[6] == "reason ballot counted"
    )
    assert lines[7] == "" and lines[8].startswith("— example.coop/coop ")
    published = tmp_path / "data" / "checkpoints" / "latest.txt"
    assert published.read_text() == note
    coop.apply_for_membership(details("Dee Fox"))  # the log goes on
    result = coop_command(db_url, "audit", "verify", "--checkpoint", str(published))
    assert result.returncode == 0, result.stderr
    assert "Audit chain intact: 12 events" in result.stdout
    assert "The log extends the checkpoint of 10 events" in result.stdout
    assert "(ballot counted), signed by example.coop/coop." in result.stdout
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT size, reason FROM audit_checkpoints").fetchall() == [
            (10, "ballot counted")
        ]


def test_a_rewrite_the_chain_alone_cannot_see_is_named_by_a_checkpoint(
    coop: Coop, db_url: str, keys: Path, tmp_path: Path
) -> None:
    some_history(coop)
    checkpoint(db_url)
    published = tmp_path / "data" / "checkpoints" / "latest.txt"
    with psycopg.connect(db_url, autocommit=True) as conn:
        for statement in OFF:
            conn.execute(statement)
        conn.execute("UPDATE coop_events SET state = state || ' '::bytea WHERE notification_id = 4")
        rechain(conn)
    # Without the app's secret (an outside auditor), only the checkpoint shows it.
    result = coop_command(db_url, "audit", "verify", "--checkpoint", str(published), secret=None)
    assert result.returncode == 1
    assert "Audit chain intact: 10 events" in result.stdout
    assert (
        "The log DIVERGES from the checkpoint of 10 events" in result.stderr
        and "event 10 has a different link from the one checkpointed" in result.stderr
    )


def test_cutting_off_the_newest_events_is_named_by_a_checkpoint(
    coop: Coop, db_url: str, keys: Path, tmp_path: Path
) -> None:
    some_history(coop)
    checkpoint(db_url)
    published = tmp_path / "data" / "checkpoints" / "latest.txt"
    with psycopg.connect(db_url, autocommit=True) as conn:
        for statement in OFF:
            conn.execute(statement)
        for table in ("audit_seals", "audit_chain", "coop_events"):
            conn.execute(f"DELETE FROM {table} WHERE notification_id > 8")
    plain = coop_command(db_url, "audit", "verify")
    assert plain.returncode == 0 and "8 events" in plain.stdout  # the chain alone is fooled
    result = coop_command(db_url, "audit", "verify", "--checkpoint", str(published))
    assert result.returncode == 1
    assert "the log has 8 events but the checkpoint covers 10" in result.stderr


def test_a_checkpoint_is_never_made_of_a_broken_log(coop: Coop, db_url: str, keys: Path) -> None:
    some_history(coop)
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO coop_events (originator_id, originator_version, topic, state)"
            " VALUES (gen_random_uuid(), 1, 'x', '{}')"
        )
    made = coop_command(db_url, "audit", "checkpoint")
    assert made.returncode == 1
    assert "no checkpoint made: the log is broken at notification id 11" in made.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM audit_checkpoints").fetchone() == (0,)


def test_bad_checkpoint_files_are_refused_with_a_specific_message(
    coop: Coop, db_url: str, keys: Path, tmp_path: Path
) -> None:
    some_history(coop)
    note = checkpoint(db_url)
    path = tmp_path / "bad.txt"

    def verify_with(text: str, *extra: str) -> tuple[int, str]:
        path.write_text(text)
        result = coop_command(db_url, "audit", "verify", "--checkpoint", str(path), *extra)
        return result.returncode, result.stderr

    assert verify_with("hello\n") == (
        2,
        "coop audit verify: not a coop checkpoint: expected 7 lines of text, a blank line, "
        "then signatures\n",
    )
    code, said = verify_with(note.replace("\n10\n", "\n11\n", 1))
    assert code == 2 and "not signed by example.coop/coop" in said and "altered since" in said
    other = tmp_path / "other.key"
    assert (
        coop_command(NOWHERE, "audit", "keygen", "--key", str(other), "--name", "x/coop").returncode
        == 0
    )
    code, said = verify_with(note, "--public-key", str(other) + ".pub")
    assert code == 2 and "the checkpoint is of another log (example.coop/coop), not x/coop" in said
    imposter = tmp_path / "imposter.key"
    coop_command(NOWHERE, "audit", "keygen", "--key", str(imposter), "--name", "example.coop/coop")
    code, said = verify_with(note, "--public-key", str(imposter) + ".pub")
    assert code == 2 and "signed by another key, or altered since" in said


def test_an_export_and_a_checkpoint_verify_offline_and_an_inclusion_proof_needs_no_log(
    coop: Coop, db_url: str, keys: Path, tmp_path: Path
) -> None:
    some_history(coop)
    checkpoint(db_url)
    published = tmp_path / "data" / "checkpoints" / "latest.txt"
    public = str(keys) + ".pub"
    export = tmp_path / "log.jsonl"
    assert coop_command(db_url, "audit", "export", str(export)).returncode == 0
    offline = coop_command(
        NOWHERE, "audit", "verify", "--file", str(export), "--checkpoint", str(published),
        "--public-key", public, secret=None,
    )  # fmt: skip
    assert offline.returncode == 0, offline.stderr
    assert "The log extends the checkpoint of 10 events" in offline.stdout
    # A member holds the entry of the refusal and its audit path.
    entries = [json.loads(line) for line in export.read_text().splitlines()]
    (refusal,) = [e["notification_id"] for e in entries if e["topic"].endswith("Member.Refused")]
    proved = coop_command(db_url, "audit", "prove", str(refusal), "--checkpoint", str(published))
    assert proved.returncode == 0, proved.stderr
    proof = tmp_path / "proof.json"
    proof.write_text(proved.stdout)
    assert len(json.loads(proved.stdout)["path"]) <= 4  # log2(10) hashes, not the whole log
    checked = coop_command(
        NOWHERE, "audit", "check-inclusion", str(proof), "--checkpoint", str(published),
        "--public-key", public, secret=None,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert f"Event {refusal} (coop.domain.membership:Member.Refused) is in the log of 10" in (
        checked.stdout
    )
    forged = json.loads(proved.stdout)
    forged["entry"]["topic"] = "coop.domain.membership:Member.Admitted"
    proof.write_text(json.dumps(forged))
    checked = coop_command(
        NOWHERE, "audit", "check-inclusion", str(proof), "--checkpoint", str(published),
        "--public-key", public, secret=None,
    )  # fmt: skip
    assert checked.returncode == 1 and "the entry's link does not match its contents" in (
        checked.stderr
    )


def test_an_external_auditor_cosigns_a_checkpoint(
    coop: Coop, db_url: str, keys: Path, tmp_path: Path
) -> None:
    some_history(coop)
    checkpoint(db_url)
    published = tmp_path / "data" / "checkpoints" / "latest.txt"
    auditor = tmp_path / "auditor.key"
    made = coop_command(
        NOWHERE, "audit", "keygen", "--key", str(auditor), "--name", "auditors.example"
    )
    assert made.returncode == 0
    wanted = ["--checkpoint", str(published), "--cosigner", str(auditor) + ".pub"]
    before = coop_command(db_url, "audit", "verify", *wanted)
    assert before.returncode == 2 and "not cosigned by auditors.example" in before.stderr
    cosigned = coop_command(NOWHERE, "audit", "cosign", str(published), "--key", str(auditor))
    assert cosigned.returncode == 0, cosigned.stderr
    assert published.read_text().count("\n— ") == 2
    after = coop_command(db_url, "audit", "verify", *wanted)
    assert after.returncode == 0 and "The log extends the checkpoint" in after.stdout


def test_changing_the_signing_key_is_on_record_and_old_checkpoints_still_check(
    coop: Coop, db_url: str, keys: Path, tmp_path: Path
) -> None:
    some_history(coop)
    checkpoint(db_url)
    old_checkpoint = tmp_path / "old.txt"
    old_checkpoint.write_text((tmp_path / "data" / "checkpoints" / "latest.txt").read_text())
    old_public = keys.with_name("coop.key.pub").read_text().strip()
    rotated = coop_command(
        db_url, "audit", "rotate-key", "--reason", "the office laptop was stolen"
    )
    assert rotated.returncode == 0, rotated.stderr
    assert "the last checkpoint with the old key covers 12 events" in rotated.stdout
    with psycopg.connect(db_url) as conn:
        (state,) = conn.execute(
            "SELECT convert_from(state, 'UTF8') FROM coop_events WHERE topic LIKE %s",
            ("%SigningKeys.Rotated",),
        ).fetchone()
    assert old_public in state and "the office laptop was stolen" in state
    (retired,) = [
        p for p in keys.parent.iterdir() if p.name.endswith(".pub") and "retired" in p.name
    ]
    assert retired.read_text().strip() == old_public
    # An old checkpoint is checked with the old key (which the record names)...
    with_old = coop_command(
        db_url, "audit", "verify", "--checkpoint", str(old_checkpoint), "--public-key", old_public
    )
    assert with_old.returncode == 0 and "The log extends the checkpoint of 10 events" in (
        with_old.stdout
    )
    # ...not with the new one, and the newest checkpoint is signed with the new key.
    with_new = coop_command(db_url, "audit", "verify", "--checkpoint", str(old_checkpoint))
    assert with_new.returncode == 2 and "signed by another key" in with_new.stderr
    latest = tmp_path / "data" / "checkpoints" / "latest.txt"
    assert "first with the new signing key" in latest.read_text()
    newest = coop_command(db_url, "audit", "verify", "--checkpoint", str(latest))
    assert newest.returncode == 0 and "Every event sealed by coop." in newest.stdout


def test_the_stand_alone_script_in_docs_checks_an_export_against_a_checkpoint(
    coop: Coop, db_url: str, keys: Path, tmp_path: Path
) -> None:
    some_history(coop)
    checkpoint(db_url)
    coop.apply_for_membership(details("Dee Fox"))
    export = tmp_path / "chain.jsonl"
    assert coop_command(db_url, "audit", "export", str(export)).returncode == 0
    published = str(tmp_path / "data" / "checkpoints" / "latest.txt")
    public = keys.with_name("coop.key.pub").read_text().strip()
    script = [sys.executable, str(Path(__file__).parents[2] / "docs" / "check_export.py")]
    ok = subprocess.run([*script, str(export), published, public], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == "The export (12 events) extends the checkpoint of 10 events.\n"
    lines = export.read_text().splitlines()
    export.write_text("\n".join(lines[:8]) + "\n")  # cut short
    cut = subprocess.run([*script, str(export), published], capture_output=True, text=True)
    assert cut.returncode == 1
    assert "DIVERGES: the export has 8 events, the checkpoint covers 10" in cut.stderr
