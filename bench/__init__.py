"""Benchmarks (not tests): they print figures, medians over repeats, and ratios.

Run through the CLI, e.g. ``coop bench append``, ``coop bench project``, ``coop bench import``,
``coop bench vote``, ``coop bench matching``, ``coop bench money``, ``coop bench staff``, ``coop bench faults`` or ``coop bench care``.
Each benchmark works in a scratch database of its own on the configured server, except
``matching``, which works in memory (``money`` does both).
"""

from __future__ import annotations

import argparse
from typing import Any


def run_benchmark(which: str, url: str, settings: Any, args: argparse.Namespace) -> int:
    """Run the benchmark called ``which`` against the server at ``url``; the exit code."""
    # Imported on demand: each benchmark pulls in only what it needs.
    if which == "append":
        from bench import append

        return append.run(url, settings, args)
    if which == "project":
        from bench import project

        return project.run(url, settings, args)
    if which == "import":
        from bench import importing

        return importing.run(url, settings, args)
    if which == "vote":
        from bench import vote

        return vote.run(url, settings, args)
    if which == "matching":  # pure: needs no database
        from bench import care_matching

        return care_matching.run(args)
    if which == "money":  # closes a year's books in memory, then through the command
        from bench import money

        return money.run(args, url)
    if which == "staff":  # the care pages for PAs and the office, on the demo co-op
        from bench import care_staff

        return care_staff.run(url, settings, args)
    if which == "faults":  # its own embedded PostgreSQL, restarted under load
        from bench import faults

        return faults.run(url, settings, args)
    if which == "care":  # 200 clients booking over HTTP on a co-op with a year of visits
        from bench import care

        return care.run(url, settings, args)
    if which == "record":  # the governance record of a co-op with many decisions
        from bench import record

        return record.run(url, settings, args)
    raise ValueError(
        f"There is no benchmark called {which!r}."
        " Known: append, project, import, vote, matching, money, staff, faults, care, record."
    )
