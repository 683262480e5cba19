"""Benchmarks (not tests): they print figures, medians over repeats, and ratios.

Run through the CLI as ``coop bench NAME``, NAME one of ``BENCHMARKS``. Each works in a
scratch database of its own on the configured server, except ``matching`` and ``mes``,
which work in memory (``money`` does both), and ``faults``, which runs its own embedded PostgreSQL.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

# Name: (module in bench/, what it measures). Imported on demand: each benchmark pulls
# in only what it needs.
BENCHMARKS: dict[str, tuple[str, str]] = {
    "append": ("append", "events appended, one writer and many, against raw INSERTs"),
    "project": ("project", "the projections catching up on a log of --events"),
    "import": ("importing", "importing a membership spreadsheet of --rows members"),
    "vote": ("vote", "concurrent votes over HTTP, with the count checked"),
    "matching": ("care_matching", "finding a PA and filling a week, in memory"),
    "money": ("money", "closing a year's books in memory, then through the command"),
    "staff": ("care_staff", "the care pages for PAs and the office, on the demo co-op"),
    "faults": ("faults", "votes while PostgreSQL restarts and processes are killed"),
    "care": ("care", "200 clients booking over HTTP on a co-op with a year of visits"),
    "care-reports": ("care_reports", "the care report's reads over a year of visits"),
    "pages": ("pages", "the register and the members list a page at a time, 10,000 members"),
    "record": ("record", "the governance record of a co-op with many decisions"),
    "agm": ("agm", "the AGM pack's figures and files for a year of --visits visits"),
    "audit": ("audit", "verify, checkpoint and prove inclusion on a log of 2,000,000 events"),
    "mes": ("mes", "Equal Shares with Add1 against the unit-by-unit count, co-op and real"),
    "renders": ("renders", "the 10,000-member register's PDF made by the worker, pages meanwhile"),
}


def run_benchmark(which: str, url: str, settings: Any, args: argparse.Namespace) -> int:
    """Run the benchmark called ``which`` against the server at ``url``; the exit code."""
    if which not in BENCHMARKS:
        raise ValueError(f"There is no benchmark called {which!r}. Known: {', '.join(BENCHMARKS)}.")
    module = importlib.import_module(f"bench.{BENCHMARKS[which][0]}")
    result: int = module.run(url, settings, args)
    return result
