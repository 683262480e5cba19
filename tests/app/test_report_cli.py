"""``coop report agm`` on a real database: the pack written with a progress bar, and a
bad year or a year with nothing in it refused with a specific message, signing nothing."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import asyncpg

from coop.application import Coop
from coop.clock import FixedClock
from coop.infra.audit_checkpoints import generate_key, parse_note
from tests.conftest import SECRET
from tests.projections.reports.agm_world import a_year_at_the_coop


def report(db_url: str, key: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "COOP_SECRET_KEY": SECRET,
        "COOP_AUDIT_KEY": str(key),
        "COOP_DATA_DIR": str(key.parent),
    }
    return subprocess.run(
        [sys.executable, "-m", "coop.cli", "report", "agm", *args],
        env=env,
        capture_output=True,
        timeout=120,
        cwd=key.parent,
    )


async def checkpoints(db_url: str) -> int:
    conn = await asyncpg.connect(db_url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM audit_checkpoints"))
    finally:
        await conn.close()


async def test_the_pack_is_written_signed_with_a_progress_bar(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, db_url: str, tmp_path: Path
) -> None:
    await a_year_at_the_coop(coop, clock, pool)
    key = tmp_path / "signing_key"
    unsigned = await asyncio.to_thread(report, db_url, key, "--year", "2026")
    assert unsigned.returncode == 1
    assert "coop report agm: no signing key at" in unsigned.stderr.decode()
    assert "coop audit keygen" in unsigned.stderr.decode()
    assert not (tmp_path / "agm-pack-2026.pdf").exists() and await checkpoints(db_url) == 0
    generate_key(key, "coop.example.org/coop")
    out = tmp_path / "tables.zip"
    done = await asyncio.to_thread(
        report, db_url, key, "--year", "2026", "--format", "csv", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "Wrote the AGM pack for 2026 (csv, " in done.stdout.decode()
    bar = done.stderr.decode()
    assert "[######" in bar and "1/7 members" in bar and "6/7 signed by checkpoint" in bar
    assert bar.rstrip().endswith("7/7 made the csv file")
    tables = zipfile.ZipFile(io.BytesIO(out.read_bytes()))
    note = tables.read("agm-2026/checkpoint.txt").decode()
    assert parse_note(note).reason == "AGM pack 2026"
    assert (tmp_path / "checkpoints" / "latest.txt").read_text() == note  # published too
    pdf = await asyncio.to_thread(report, db_url, key, "--year", "2026")
    assert pdf.returncode == 0 and (tmp_path / "agm-pack-2026.pdf").read_bytes()[:4] == b"%PDF"


async def test_a_bad_year_is_refused_naming_what_is_wrong(db_url: str, tmp_path: Path) -> None:
    key = tmp_path / "signing_key"
    generate_key(key, "coop.example.org/coop")
    for year, message in [
        ("26", "Enter the year as 4 figures"),
        ("twenty", "Enter the year as 4 figures"),
        ("1999", "Enter a year from 2000 to"),
        ("2999", "Enter a year from 2000 to"),
    ]:
        done = await asyncio.to_thread(report, db_url, key, "--year", year)
        assert done.returncode == 2, year
        assert f"coop report agm: {message}" in done.stderr.decode(), year
    assert await checkpoints(db_url) == 0


async def test_a_year_with_nothing_in_it_is_refused_and_nothing_is_signed(
    db_url: str, tmp_path: Path
) -> None:
    key = tmp_path / "signing_key"
    generate_key(key, "coop.example.org/coop")
    done = await asyncio.to_thread(report, db_url, key, "--year", "2019")
    assert done.returncode == 1
    assert "coop report agm: coop has nothing for 2019" in done.stderr.decode()
    assert not (tmp_path / "agm-pack-2019.pdf").exists()
    assert await checkpoints(db_url) == 0
