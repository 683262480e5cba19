"""Ballot files: BLT and pabulib read as other tools write them, and written so they recount alike."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop.domain.counting.ballot_file import MalformedFile
from coop.domain.counting.blt import parse_blt, read_blt, write_blt
from coop.domain.counting.equal_shares import Project, Voter, equal_shares
from coop.domain.counting.pabulib import parse_pabulib, read_pabulib, write_pabulib
from coop.domain.counting.stv import Candidate, count_stv

FILES = Path(__file__).parent / "ballot_files"
WEIGHTS = {"user": Fraction(1, 2), "carer": Fraction(1, 4), "pa": Fraction(1, 4)}


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


# BLT


def test_a_blt_file_with_quoted_names_counts_as_the_worked_example() -> None:
    election = read_blt(read("trustees_2026.blt"))
    candidates, ballots = election.count_input()
    result = count_stv(candidates, ballots, election.seats)

    assert election.title == "Trustee election 2026"
    assert candidates[0].name == "Amira Hassan (user)"
    assert [c.member_class for c in candidates] == ["user", "carer", "pa", "user"]
    assert result.elected == ("1", "2") and len(result.stages) == 4


def test_a_latin1_blt_file_with_bare_names_ids_and_a_withdrawn_candidate_is_read() -> None:
    election = read_blt(read("latin1_ward.blt"))
    candidates, ballots = election.count_input()

    assert election.names[:2] == ("Grégoire Dupont", "Zoë Li")
    assert election.title == "Latin-1 ward" and election.withdrawn == {3}
    assert [c.id for c in candidates] == ["1", "2"]
    assert sorted(ballots) == [("1", "2"), ("1", "2"), ("2",)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("3\n", "line 1: expected the numbers of candidates and seats"),
        ("2 1\n1 1 2\n0\nA\nB\n", "line 2: a paper is its number, the candidates, then 0"),
        ("2 1\n1.5 1 0\n0\nA\nB\n", "line 2: the number of papers must be a whole number"),
        ("2 1\n1 x 0\n0\nA\nB\n", "line 2: expected a candidate's number, not 'x'"),
        ("2 1\n1 1 0\n0\nA\n", "expected 2 candidates' names"),
        ("2 1\n1 1 0\n", "the papers end without the closing 0 line"),
        ("2 1\n1 1 0\n0\nA\nB\nTitle\nmore\n", "line 7: unexpected text after the title"),
    ],
)
def test_a_malformed_blt_file_is_refused_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(MalformedFile, match=message):
        parse_blt(text)


def test_a_paper_naming_a_candidate_who_does_not_exist_is_refused_with_its_line() -> None:
    with pytest.raises(MalformedFile, match="line 4: there is no candidate 4: there are 3"):
        read_blt(read("papers_with_a_bad_candidate.blt"))


CANDIDATES = [
    Candidate("c-amira", 'Amira "Mimi" Hassan', "user"),
    Candidate("c-bill", "Bill Okafor", "carer"),
    Candidate("c-chen", "Chen Wei", "pa"),
    Candidate("c-dana", "Dana Reid", "user"),
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.permutations([c.id for c in CANDIDATES]).flatmap(
            lambda p: st.integers(0, len(p)).map(lambda k: tuple(p[:k]))
        ),
        max_size=30,
    ),
    st.integers(1, 3),
)
def test_a_written_blt_file_recounts_to_the_same_result(
    ballots: list[tuple[str, ...]], seats: int
) -> None:
    """Writer, then reader, then count: the same sheet (invalid papers are not written).

    The file numbers the candidates; coop's ids are not in it, and a tie settled by lot
    draws on the id, so the recount is given the ids back by number.
    """
    original = count_stv(CANDIDATES, ballots, seats, lot_seed="agm")
    election = parse_blt(write_blt(CANDIDATES, ballots, seats, "AGM 2026"))
    candidates, papers = election.count_input()
    ids = {str(n): c.id for n, c in enumerate(CANDIDATES, start=1)}
    recount = count_stv(
        [Candidate(ids[c.id], c.name, c.member_class) for c in candidates],
        [tuple(ids[c] for c in paper) for paper in papers],
        election.seats,
        lot_seed="agm",
    )
    assert election.title == "AGM 2026"
    assert candidates[0].name == "Amira 'Mimi' Hassan (user)"
    assert [c.member_class for c in candidates] == [c.member_class for c in CANDIDATES]
    assert (recount.elected, recount.quota, recount.valid) == (
        original.elected,
        original.quota,
        original.valid,
    )
    assert recount.invalid == 0
    assert [
        (s.heading.split(" of ")[0], s.totals, s.elected, s.excluded) for s in recount.stages
    ] == [(s.heading.split(" of ")[0], s.totals, s.elected, s.excluded) for s in original.stages]


# pabulib


def test_a_pabulib_file_with_a_decimal_budget_alphanumeric_ids_and_quotes_is_read() -> None:
    election = read_pabulib(read("surplus_2026.pb"))

    assert election.budget == 75732773
    assert [(p.id, p.cost) for p in election.projects] == [
        ("respite-2", 25000050),
        ("T7", 50000000),
        ("x9b", 999),
    ]
    assert election.projects[0].title == "Respite breaks; weekends"
    assert election.approvals["v3"] == {"T7", "respite-2"} and election.approvals["v4"] == set()
    assert election.weights == {"voter": 1} and election.currency == "GBP"


def test_a_budget_written_with_one_decimal_place_is_exact() -> None:
    election = read_pabulib(read("budget_with_one_decimal.pb"))
    assert election.budget == 40000000
    result = equal_shares(
        election.projects, election.voters, election.approvals, election.budget, election.weights
    )
    assert result.total_cost <= election.budget


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed_cost.pb", "line 7: a cost must have at most two decimal places, not '12.345'"),
        ("unknown_project.pb", "line 11: the vote names no project called 'zz'"),
    ],
)
def test_a_malformed_pabulib_file_is_refused_naming_the_line(name: str, message: str) -> None:
    with pytest.raises(MalformedFile, match=message):
        read_pabulib(read(name))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("PROJECTS\nproject_id;cost\n", "the file has no META section"),
        (
            "META\nkey;value\nbudget;x\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n",
            "line 3: the budget must be a number",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n",
            "line 4: vote_type 'cumulative'",
        ),
        ("hello\nMETA\n", "line 1: expected META, PROJECTS or VOTES"),
        (
            "META\nkey;value\nbudget;10\nPROJECTS\nid;cost\nVOTES\nvoter_id;vote\n",
            "line 5: the header has no project_id column",
        ),
    ],
)
def test_a_pabulib_file_missing_what_it_needs_is_refused(text: str, message: str) -> None:
    with pytest.raises(MalformedFile, match=message):
        parse_pabulib(text)


OPTIONS = [
    Project("opt-respite", "Respite breaks; weekends", 25050),
    Project("opt-training", "PA training fund", 20000),
    Project("opt-pay", 'PA pay "+50p" an hour', 60000),
]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(WEIGHTS)), st.frozensets(st.sampled_from([p.id for p in OPTIONS]))
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(0, 100_000),
)
def test_a_written_pabulib_file_recounts_to_the_same_allocation(
    papers: list[tuple[str, frozenset[str]]], budget: int
) -> None:
    voters = [Voter(str(n), member_class) for n, (member_class, _) in enumerate(papers, start=1)]
    approvals = {v.id: chosen for v, (_, chosen) in zip(voters, papers, strict=True)}
    original = equal_shares(OPTIONS, voters, approvals, budget, WEIGHTS)
    election = parse_pabulib(write_pabulib(OPTIONS, voters, approvals, budget, WEIGHTS, "AGM"))
    recount = equal_shares(
        election.projects, election.voters, election.approvals, election.budget, election.weights
    )
    assert recount == original


def test_names_given_only_as_alternative_name_comments_are_taken_as_the_names() -> None:
    """As in the Glasgow 2007 files: the names as "# ALTERNATIVE NAME n:" lines, then the title."""
    election = read_blt(read("names_in_comments.blt"))
    assert election.names == ("Gary Barton (Ind)", "Ruth Simpson (Lab)")
    assert election.title == "Calton ward"
