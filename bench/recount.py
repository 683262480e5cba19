"""Recount real ballot files and time it (a benchmark, not a test): medians over repeats.

    .venv/bin/python -m bench.recount mes DIR [--max-voters 4000] [--max-projects 30]
        [--repeats 3] [--oracle SECONDS] [--only NAME ...]
    .venv/bin/python -m bench.recount stv DIR [--repeats 3]

DIR is searched for .pb (pabulib) or .blt files. For Equal Shares, only approval
instances within the size limits are counted; --oracle also counts each with the
unit-by-unit Add1 kept in tests/domain/counting/equal_shares_oracle.py (skipping any that takes
longer than SECONDS) and says whether the results are identical, field for field.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import msgspec

from coop.domain.counting.ballot_file import MalformedFile
from coop.domain.counting.blt import read_blt
from coop.domain.counting.equal_shares import equal_shares
from coop.domain.counting.pabulib import PbElection, read_pabulib
from coop.domain.counting.stv import count_stv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recount")
    parser.add_argument("method", choices=["mes", "stv"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-voters", type=int, default=4000)
    parser.add_argument("--max-projects", type=int, default=30)
    parser.add_argument("--oracle", type=int, default=0, metavar="SECONDS")
    parser.add_argument("--only", nargs="*", default=None, metavar="NAME")
    args = parser.parse_args(argv)
    if args.method == "stv":
        return _stv(args)
    return _mes(args)


def _timed(repeats: int, count: Any) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``repeats`` runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = count()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _stv(args: argparse.Namespace) -> int:
    files = sorted(args.folder.rglob("*.blt"))
    worst = 0.0
    for path in files:
        election = read_blt(path.read_bytes())
        candidates, ballots = election.count_input()
        wall, _, result = _timed(
            args.repeats,
            lambda c=candidates, b=ballots, s=election.seats: count_stv(c, b, s),
        )
        worst = max(worst, wall)
        print(f"{path.name}\t{len(ballots)} papers\t{len(result.stages)} stages\t{wall:.3f}s")
    print(f"{len(files)} files; slowest {worst:.3f}s (median of {args.repeats})")
    return 0


def _mes(args: argparse.Namespace) -> int:
    files = sorted(args.folder.rglob("*.pb"))
    if args.only:
        files = [p for p in files if p.name in set(args.only)]
    counted = differ = 0
    for path in files:
        try:
            election = read_pabulib(path.read_bytes())
        except MalformedFile:
            continue  # not approval votes, or not readable: not an instance for this count
        if len(election.voters) > args.max_voters or len(election.projects) > args.max_projects:
            continue
        wall, cpu, result = _timed(args.repeats, lambda e=election: _count(e))
        line = (
            f"{path.name}\t{len(election.voters)} voters\t{len(election.projects)} projects"
            f"\tAdd1 {result.add1_rounds}\t{wall:.3f}s wall\t{cpu:.3f}s CPU"
        )
        if args.oracle:
            same, seconds = _compare(election, result, args.oracle)
            line += f"\toracle {'identical' if same else 'DIFFERENT' if same is not None else 'too slow'}"
            line += f" ({seconds:.1f}s)" if seconds is not None else ""
            differ += same is False
        print(line, flush=True)
        counted += 1
    print(f"{counted} instances" + (f"; {differ} differ from the oracle" if args.oracle else ""))
    return 1 if differ else 0


def _count(election: PbElection) -> Any:
    return equal_shares(
        election.projects, election.voters, election.approvals, election.budget, election.weights
    )


def _compare(election: PbElection, result: Any, seconds: int) -> tuple[bool | None, float | None]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.domain.counting import equal_shares_oracle as oracle

    def give_up(signum: int, frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        start = time.process_time()
        old = oracle.equal_shares(
            election.projects,  # type: ignore[arg-type]
            election.voters,  # type: ignore[arg-type]
            election.approvals,
            election.budget,
            election.weights,
        )
        took = time.process_time() - start
    except TimeoutError:
        return None, None
    finally:
        signal.alarm(0)
    plain = msgspec.to_builtins(result, enc_hook=repr)
    return plain == msgspec.to_builtins(old, enc_hook=repr), took


if __name__ == "__main__":
    sys.exit(main())
