"""Members vote while PostgreSQL restarts and web and worker processes are SIGKILLed:
no answer is a 500, every vote is done exactly once, each member's last accepted vote
is the one counted, the projections catch up, and the audit chain verifies.

The real processes (bench/faults.py): the embedded PostgreSQL as ``coop serve`` starts
it, two ``coop serve`` processes and ``coop worker``. ``coop bench faults`` is the
larger run.
"""

from __future__ import annotations

from pathlib import Path

from bench.faults import under_faults


def test_votes_under_restarts_and_kills_are_each_done_once_and_counted(tmp_path: Path) -> None:
    found = under_faults(tmp_path, voters=30, rounds=3, faults=5, gap=2.5, patience=60)
    assert found.problems == []
    assert found.restarts == 2 and found.kills == 3
    assert found.accepted == found.requests == 90
    # The faults were felt: some votes had to be sent again.
    assert found.retried > 0, found.answers
