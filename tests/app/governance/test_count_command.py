"""``coop count``: anyone can recount a published ballot file, with no database at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FILES = Path(__file__).parents[2] / "domain" / "counting" / "ballot_files"


def coop_count(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "COOP_SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "-m", "coop.cli", "count", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_stv_recount_prints_the_count_sheet() -> None:
    result = coop_count("stv", str(FILES / "trustees_2026.blt"))
    assert result.returncode == 0, result.stderr
    assert "quota 5" in result.stdout
    assert "4. Exclusion of Chen Wei (pa)" in result.stdout
    assert "Elected: Amira Hassan (user), Bill Okafor (carer)" in result.stdout


def test_an_stv_recount_as_json_gives_the_elected_numbers_their_stages_and_the_stage_count() -> (
    None
):
    result = coop_count("stv", str(FILES / "trustees_2026.blt"), "--json")
    assert result.returncode == 0, result.stderr
    counted = json.loads(result.stdout)
    assert (counted["elected"], counted["elected_at_stage"], counted["stages"]) == (
        [1, 2],
        [1, 4],
        4,
    )


def test_reserved_seats_are_counted_from_the_classes_in_brackets() -> None:
    result = coop_count("stv", str(FILES / "trustees_2026.blt"), "--json", "--reserved", "pa=1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["elected"] == [1, 3]


def test_an_equal_shares_recount_prints_the_steps_and_as_json_the_selection() -> None:
    steps = coop_count("mes", str(FILES / "surplus_2026.pb"))
    assert steps.returncode == 0, steps.stderr
    assert "Budget 757327.73 GBP" in steps.stdout
    counted = json.loads(coop_count("mes", str(FILES / "surplus_2026.pb"), "--json").stdout)
    assert set(counted) == {"selected", "total_cost", "add1_rounds"}
    assert set(counted["selected"]) <= {"respite-2", "T7", "x9b"}


def test_a_malformed_file_is_refused_naming_its_line_and_exits_non_zero() -> None:
    blt = coop_count("stv", str(FILES / "papers_with_a_bad_candidate.blt"))
    assert blt.returncode == 1
    assert "line 4: there is no candidate 4" in blt.stderr
    pb = coop_count("mes", str(FILES / "malformed_cost.pb"), "--json")
    assert pb.returncode == 1 and "line 7:" in pb.stderr and not pb.stdout


def test_a_missing_file_is_refused_plainly() -> None:
    result = coop_count("stv", "no-such-file.blt")
    assert result.returncode == 1 and "cannot read no-such-file.blt" in result.stderr
