"""Equal Shares on real participatory budgets, exactly as the unit-by-unit Add1 counts them.

The Warszawa 2020 districts with at most 4,000 voters and 30 projects (Ursus, Wesoła,
Żoliborz), and Łódź 2022's Stary Widzew (29 projects, 2,503 voters, 767 raises: the
unit-by-unit count took a minute), from pabulib's library, which is not kept here. To run:

    git clone https://github.com/pabulib/pabulib_files /data/pabulib
    COOP_PABULIB=/data/pabulib/pb_files .venv/bin/pytest -q tests/domain/counting/test_equal_shares_real.py

Each district's count is checked against the unit-by-unit count's result, recorded below
(a few seconds each). With COOP_PABULIB_ORACLE=1 as well, the unit-by-unit count
(tests/domain/counting/equal_shares_oracle.py) is rerun and every field of the two results
compared: minutes, so not in CI.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

import msgspec
import pytest

from coop.domain.counting.equal_shares import MesResult, equal_shares
from coop.domain.counting.pabulib import PbElection, read_pabulib
from tests.domain.counting import equal_shares_oracle as oracle


class Counted(NamedTuple):
    """The unit-by-unit count's result (amounts in grosze, as coop counts pabulib's złoty)."""

    add1_rounds: int
    raised_budget: int
    total_cost: int
    selected: str  # the projects' ids in the order chosen, spaced


REAL = {
    "Poland_Warszawa_2020_Ursus.pb": Counted(
        364,
        315194300,
        190499400,
        (
            "2138 1295 2135 1296 1392 2103 2125 35 1414 1046 121 34 107 1216 33 2086 364 "
            "108 2064 2061 2137 1292 106 1077 283 1123 616"
        ),
    ),
    "Poland_Warszawa_2020_Wesola.pb": Counted(
        323,
        131687500,
        79583000,
        "680 1410 629 1655 1379 1587 1652 1247 889 878 1891 1250 2150 901 1406",
    ),
    "Poland_Warszawa_2020_Zoliborz.pb": Counted(
        487,
        337407600,
        164657500,
        (
            "2000 185 497 965 1959 860 600 904 524 1886 941 704 1470 290 599 2052 1366 710 "
            "1157 1246 1883 691 511 1866 988 516"
        ),
    ),
    "Poland_Lodz_2022_Stary_Widzew.pb": Counted(
        767,
        252552700,
        53360000,
        (
            "W070SW W158SW W055SW W102SW W022SW W057SW W002SW W003SW W131SW W177SW W176SW "
            "W084SW W034SW W058SW W092SW W125SW W165SW"
        ),
    ),
}

FOLDER = os.environ.get("COOP_PABULIB")
NEEDS_DATA = pytest.mark.skipif(
    not FOLDER, reason="set COOP_PABULIB to pabulib_files' pb_files folder"
)
NEEDS_TIME = pytest.mark.skipif(
    not os.environ.get("COOP_PABULIB_ORACLE"),
    reason="set COOP_PABULIB_ORACLE=1 to rerun the unit-by-unit count (minutes)",
)


def district(name: str) -> PbElection:
    return read_pabulib((Path(FOLDER or ".") / name).read_bytes())


def count(election: PbElection) -> MesResult:
    return equal_shares(
        election.projects, election.voters, election.approvals, election.budget, election.weights
    )


@NEEDS_DATA
@pytest.mark.parametrize("name", sorted(REAL))
def test_a_real_district_gets_the_unit_by_unit_result(name: str) -> None:
    result = count(district(name))
    assert (
        Counted(
            result.add1_rounds,
            int(result.raised_budget),
            result.total_cost,
            " ".join(p.id for p in result.selected),
        )
        == REAL[name]
    )
    assert result.raised_budget == Fraction(REAL[name].raised_budget)


@NEEDS_DATA
@NEEDS_TIME
@pytest.mark.parametrize("name", sorted(REAL))
def test_a_real_district_gets_every_field_of_the_unit_by_unit_result(name: str) -> None:
    election = district(name)
    old = oracle.equal_shares(
        election.projects,  # type: ignore[arg-type]
        election.voters,  # type: ignore[arg-type]
        election.approvals,
        election.budget,
        election.weights,
    )
    new = count(election)
    assert msgspec.to_builtins(new, enc_hook=repr) == msgspec.to_builtins(old, enc_hook=repr)
