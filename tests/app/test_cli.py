"""The coop command on a real database: clear messages and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys

import asyncpg

from tests.conftest import SECRET


def coop_cli(
    db_url: str, *args: str, secret: str | None = SECRET
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("COOP_SECRET_KEY", None)
    if secret:
        env["COOP_SECRET_KEY"] = secret
    return subprocess.run(
        [sys.executable, "-m", "coop.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_a_trustee_account_is_opened_with_a_generated_password(db_url: str) -> None:
    result = coop_cli(db_url, "accounts", "add-trustee", "Grace Okafor", "Grace.Okafor@example.org")
    assert result.returncode == 0, result.stderr
    assert "Trustee account opened for Grace Okafor <grace.okafor@example.org>" in result.stdout
    again = coop_cli(db_url, "accounts", "add-trustee", "Grace Okafor", "grace.okafor@example.org")
    assert again.returncode == 1 and "already an account with this email" in again.stderr


async def test_a_bad_trustee_email_is_refused_and_stores_nothing(db_url: str) -> None:
    result = coop_cli(db_url, "accounts", "add-trustee", "Grace Okafor", "not-an-email")
    assert (
        result.returncode == 2 and "Enter an email address in the correct format" in result.stderr
    )
    conn = await asyncpg.connect(db_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM coop_events") == 0
    finally:
        await conn.close()


async def test_a_real_server_needs_a_secret_key(db_url: str) -> None:
    result = coop_cli(db_url, "serve", secret=None)
    assert result.returncode == 2 and "Set COOP_SECRET_KEY" in result.stderr


async def test_rebuilding_an_unknown_projection_names_the_known_ones(db_url: str) -> None:
    result = coop_cli(db_url, "projections", "rebuild", "memebrs")
    assert result.returncode == 1 and "Known: members, accounts" in result.stderr


async def test_the_meetings_and_advocacy_read_models_rebuild_from_the_command_line(
    db_url: str,
) -> None:
    for name in ("meetings", "advocacy"):
        result = coop_cli(db_url, "projections", "rebuild", name)
        assert result.returncode == 0, result.stderr
        assert f"Rebuilt {name}" in result.stdout


async def test_verifying_a_malformed_export_cannot_check_and_says_so(db_url: str, tmp_path) -> None:
    export = tmp_path / "chain.jsonl"
    export.write_text('{"not": "an event"}\n')
    result = coop_cli(db_url, "audit", "verify", "--file", str(export))
    assert result.returncode == 2 and "could not check the chain" in result.stderr
