"""`coop bench mes`: Equal Shares with Add1, timed against the unit-by-unit count it replaced.

Pure: no database. First a co-op of ``--voters`` members (300) in three classes
voting on 30 options for a £60,000 surplus (seeded, so every run counts the same
ballots); then, with ``--pabulib DIR`` (pabulib_files' pb_files folder), the real
participatory budgets named in ``REAL`` (Warszawa 2020's districts of up to 4,000 voters
and 30 projects, the largest such instances of Łódź and Gdynia, and Łódź 2022 Stary
Widzew, where the unit-by-unit count raised the shares 767 times) that are in it.
For each: the median wall and CPU seconds of ``--repeats`` counts, the Add1 raises, and
the unit-by-unit count (tests/domain/counting/equal_shares_oracle.py) once, with the
ratio and whether every field of the two results is the same. An oracle count taking
longer than ``--oracle-seconds`` is given up. Exit 1 if any result differs.

Timings taken while other work shares the machine are noisy: compare the ratios.

Run: ``coop bench mes [--pabulib DIR]`` or ``python -m bench.mes``.
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import msgspec

from coop.domain.counting.equal_shares import MesResult, Project, Voter, equal_shares
from coop.domain.counting.pabulib import read_pabulib

REAL = (
    "Poland_Warszawa_2020_Ursus.pb",
    "Poland_Warszawa_2020_Wesola.pb",
    "Poland_Warszawa_2020_Zoliborz.pb",
    "Poland_Lodz_2022_Baluty-Doly.pb",
    "Poland_Lodz_2024_Karolew-Retkinia_Wschod.pb",
    "Poland_Lodz_2023_Chojny.pb",
    "Poland_Lodz_2022_Stary_Widzew.pb",
    "Poland_Gdynia_2020_Chwarzno-Wiczlino__small.pb",
)
WEIGHTS = {"user": Fraction(1, 2), "carer": Fraction(1, 4), "pa": Fraction(1, 4)}

Count = Callable[[], MesResult]


def co_op(
    voters: int, seed: int = 14
) -> tuple[list[Project], list[Voter], dict[str, frozenset[str]]]:
    """A co-op's reinvestment ballot: options for each class and for everyone, approved
    mostly by the class they are for, some by everyone."""
    rng = random.Random(seed)
    classes = rng.choices(list(WEIGHTS), weights=[2, 1, 2], k=voters)
    members = [Voter(f"m{n}", c) for n, c in enumerate(classes)]
    options = [Project(f"o{n}", f"Option {n}", rng.randrange(500, 20_000) * 100) for n in range(30)]
    meant = {o.id: rng.choice([*WEIGHTS, "all"]) for o in options}
    approvals = {
        m.id: frozenset(
            o.id
            for o in options
            if rng.random() < (0.45 if meant[o.id] in (m.member_class, "all") else 0.06)
        )
        for m in members
    }
    return options, members, approvals


def run(url: str, settings: Any, args: argparse.Namespace) -> int:
    """Pure: no database (``url`` and ``settings`` are not used)."""
    repeats = max(1, getattr(args, "repeats", 3))
    patience = int(getattr(args, "oracle_seconds", 600))
    print("coop bench mes (medians; ratio = unit-by-unit CPU / this count's CPU)")
    differ = 0
    options, members, approvals = co_op(getattr(args, "voters", 300))
    differ += _report(
        f"co-op of {len(members)} voters, {len(options)} options",
        lambda: equal_shares(options, members, approvals, 6_000_000, WEIGHTS),
        lambda: _oracle().equal_shares(options, members, approvals, 6_000_000, WEIGHTS),
        repeats,
        patience,
    )
    folder = getattr(args, "pabulib", None)
    for name in REAL if folder else ():
        path = Path(folder) / name
        if not path.exists():
            print(f"{name}: not in {folder}")
            continue
        e = read_pabulib(path.read_bytes())
        differ += _report(
            f"{name} ({len(e.voters)} voters, {len(e.projects)} projects)",
            lambda e=e: equal_shares(e.projects, e.voters, e.approvals, e.budget, e.weights),
            lambda e=e: _oracle().equal_shares(
                e.projects, e.voters, e.approvals, e.budget, e.weights
            ),
            repeats,
            patience,
        )
    if differ:
        print(f"{differ} result(s) DIFFER from the unit-by-unit count")
    return 1 if differ else 0


def _report(label: str, count: Count, oracle: Count, repeats: int, patience: int) -> int:
    """Print one instance's line; 1 if its result differs from the oracle's."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = count()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert result is not None
    cpu = statistics.median(cpus)
    line = (
        f"{label}: Add1 {result.add1_rounds} raises, {statistics.median(walls):.3f}s wall, "
        f"{cpu:.3f}s CPU"
    )
    old, took = _give_up_after(patience, oracle)
    if old is None:
        print(f"{line}; unit-by-unit gave up after {patience}s", flush=True)
        return 0
    same = msgspec.to_builtins(result, enc_hook=repr) == msgspec.to_builtins(old, enc_hook=repr)
    print(
        f"{line}; unit-by-unit {took:.3f}s CPU, ratio {took / cpu:.1f}; "
        f"{'identical' if same else 'DIFFERENT'}",
        flush=True,
    )
    return 0 if same else 1


def _give_up_after(seconds: int, count: Count) -> tuple[MesResult | None, float]:
    def give_up(signum: int, frame: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        start = time.process_time()
        result = count()
        return result, time.process_time() - start
    except TimeoutError:
        return None, float(seconds)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _oracle() -> Any:
    """The unit-by-unit count, kept with the tests (the repository's root on the path)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.domain.counting import equal_shares_oracle

    return equal_shares_oracle


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.mes")
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pabulib", type=Path, default=None)
    parser.add_argument("--oracle-seconds", type=int, default=600)
    sys.exit(run("", None, parser.parse_args()))
