"""Participatory budgeting files in the pabulib format (pabulib.org): read and write.

    META
    key;value
    description;Surplus 2026
    num_projects;2
    num_votes;3
    budget;1000.00
    vote_type;approval
    class_weights;user:1/2,carer:1/4,pa:1/4      (coop's own key; optional)
    PROJECTS
    project_id;cost;name
    respite;250.00;Respite breaks for carers
    training;200;PA training fund
    VOTES
    voter_id;vote;class                          (class: coop's own column; optional)
    1;respite;carer
    2;training,respite;pa
    3;;user

Amounts are in currency units, with at most two decimal places; coop counts in
hundredths (pence). Other columns and keys are kept in ``meta`` or ignored.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from coop.domain.counting.ballot_file import MalformedFile, decode
from coop.domain.counting.equal_shares import Project, Voter

SECTIONS = ("META", "PROJECTS", "VOTES")
APPROVALS = ("approval", "choose-1")
ONE_CLASS = "voter"


@dataclass(frozen=True)
class PbElection:
    """A pabulib file's contents, ready for ``equal_shares`` (amounts in hundredths)."""

    meta: dict[str, str]
    projects: tuple[Project, ...]
    voters: tuple[Voter, ...]
    approvals: dict[str, frozenset[str]]
    budget: int
    weights: dict[str, Fraction]
    currency: str


def read_pabulib(data: bytes) -> PbElection:
    """Parse a .pb file's bytes (UTF-8, or Latin-1 failing that)."""
    return parse_pabulib(decode(data))


def parse_pabulib(text: str) -> PbElection:
    """Parse pabulib text; a malformed file raises MalformedFile naming the line."""
    sections = _sections(text)
    meta: dict[str, str] = {}
    for number, row in sections["META"][1:]:
        if len(row) < 2:
            raise MalformedFile(number, f"a META line is key;value, not {';'.join(row)!r}")
        meta[row[0].strip()] = row[1].strip()
    budget_line = next((n for n, row in sections["META"] if row and row[0] == "budget"), 0)
    if "budget" not in meta:
        raise MalformedFile(sections["META"][0][0], "META has no budget")
    budget = _hundredths(budget_line, meta["budget"], "the budget")
    if meta.get("vote_type", "approval") not in APPROVALS:
        line = next(n for n, row in sections["META"] if row and row[0] == "vote_type")
        raise MalformedFile(
            line, f"vote_type {meta['vote_type']!r}: equal shares counts approval votes only"
        )
    projects = _projects(sections["PROJECTS"])
    voters, approvals = _votes(sections["VOTES"], {p.id for p in projects})
    weights = _weights(meta, voters, sections["META"])
    return PbElection(meta, projects, voters, approvals, budget, weights, meta.get("currency", ""))


def write_pabulib(
    projects: Sequence[Project],
    voters: Sequence[Voter],
    approvals: Mapping[str, frozenset[str]],
    budget: int,
    weights: Mapping[str, Fraction],
    description: str,
    currency: str = "GBP",
) -> str:
    """A .pb file of the ballots (amounts in pence written as currency units).

    Voters are written in the order given, numbered from 1: for a secret ballot, pass
    its published papers, already shuffled, and nothing ties a line to a member.
    """
    rows: list[list[str]] = [
        ["META"],
        ["key", "value"],
        ["description", description],
        ["num_projects", str(len(projects))],
        ["num_votes", str(len(voters))],
        ["budget", _units(budget)],
        ["vote_type", "approval"],
        ["rule", "equalshares/add1"],
        ["currency", currency],
        ["class_weights", ",".join(f"{c}:{w}" for c, w in weights.items())],
        ["PROJECTS"],
        ["project_id", "cost", "name"],
        *([p.id, _units(p.cost), p.title] for p in projects),
        ["VOTES"],
        ["voter_id", "vote", "class"],
    ]
    order = {p.id: n for n, p in enumerate(projects)}
    for n, v in enumerate(voters, start=1):
        chosen = sorted(approvals.get(v.id, frozenset()), key=lambda pid: order[pid])
        rows.append([str(n), ",".join(chosen), v.member_class])
    return "".join(_csv_line(row) for row in rows)


def _sections(text: str) -> dict[str, list[tuple[int, list[str]]]]:
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: list[tuple[int, list[str]]] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        if raw.strip() in SECTIONS:
            current = sections.setdefault(raw.strip(), [(number, [])])
            continue
        if current is None:
            raise MalformedFile(number, f"expected META, PROJECTS or VOTES, not {raw.strip()!r}")
        current.append((number, next(csv.reader([raw], delimiter=";"))))
    for name in SECTIONS:
        if name not in sections:
            raise MalformedFile(0, f"the file has no {name} section")
        if len(sections[name]) < 2:
            raise MalformedFile(sections[name][0][0], f"{name} has no header line")
    return sections


def _columns(header: tuple[int, list[str]], needed: Sequence[str]) -> dict[str, int]:
    number, names = header
    columns = {name.strip(): i for i, name in enumerate(names)}
    for name in needed:
        if name not in columns:
            raise MalformedFile(number, f"the header has no {name} column: {';'.join(names)!r}")
    return columns


def _field(number: int, row: list[str], column: int, what: str) -> str:
    if column >= len(row):
        raise MalformedFile(number, f"the line has no {what}: {';'.join(row)!r}")
    return row[column].strip()


def _projects(lines: list[tuple[int, list[str]]]) -> tuple[Project, ...]:
    columns = _columns(lines[1], ("project_id", "cost"))
    projects: dict[str, Project] = {}
    for number, row in lines[2:]:
        pid = _field(number, row, columns["project_id"], "project_id")
        if not pid or pid in projects:
            raise MalformedFile(number, f"each project needs an id of its own, not {pid!r}")
        cost = _hundredths(number, _field(number, row, columns["cost"], "cost"), "a cost")
        if cost <= 0:
            raise MalformedFile(number, f"project {pid}'s cost must be more than 0")
        name = (
            row[columns["name"]].strip() if "name" in columns and columns["name"] < len(row) else ""
        )
        projects[pid] = Project(id=pid, title=name or pid, cost=cost)
    return tuple(projects.values())


def _votes(
    lines: list[tuple[int, list[str]]], known: set[str]
) -> tuple[tuple[Voter, ...], dict[str, frozenset[str]]]:
    columns = _columns(lines[1], ("voter_id", "vote"))
    voters: list[Voter] = []
    approvals: dict[str, frozenset[str]] = {}
    for number, row in lines[2:]:
        vid = _field(number, row, columns["voter_id"], "voter_id")
        if not vid or vid in approvals:
            raise MalformedFile(number, f"each voter needs an id of their own, not {vid!r}")
        vote = _field(number, row, columns["vote"], "vote")
        chosen = frozenset(p.strip() for p in vote.split(",") if p.strip())
        if unknown := chosen - known:
            raise MalformedFile(number, f"the vote names no project called {min(unknown)!r}")
        member_class = ONE_CLASS
        if "class" in columns:
            member_class = _field(number, row, columns["class"], "class") or ONE_CLASS
        voters.append(Voter(id=vid, member_class=member_class))
        approvals[vid] = chosen
    return tuple(voters), approvals


def _weights(
    meta: dict[str, str], voters: Sequence[Voter], lines: list[tuple[int, list[str]]]
) -> dict[str, Fraction]:
    """coop's class_weights; without them, weights in proportion to the classes' sizes."""
    if "class_weights" not in meta or not meta["class_weights"]:
        sizes: dict[str, int] = {}
        for v in voters:
            sizes[v.member_class] = sizes.get(v.member_class, 0) + 1
        return {c: Fraction(n, len(voters)) for c, n in sizes.items()} or {ONE_CLASS: Fraction(1)}
    number = next(n for n, row in lines if row and row[0] == "class_weights")
    weights: dict[str, Fraction] = {}
    for part in meta["class_weights"].split(","):
        member_class, _, weight = part.partition(":")
        try:
            weights[member_class.strip()] = Fraction(weight.strip())
        except (ValueError, ZeroDivisionError):
            raise MalformedFile(number, f"a class weight is class:fraction, not {part!r}") from None
    return weights


def _hundredths(number: int, text: str, what: str) -> int:
    """'757327.73' -> 75732773: exact, or refused."""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise MalformedFile(number, f"{what} must be a number, not {text!r}") from None
    hundredths = amount * 100
    if not amount.is_finite() or hundredths != hundredths.to_integral_value():
        raise MalformedFile(number, f"{what} must have at most two decimal places, not {text!r}")
    return int(hundredths)


def _units(hundredths: int) -> str:
    whole, part = divmod(hundredths, 100)
    return f"{whole}.{part:02d}" if part else str(whole)


def _csv_line(row: list[str]) -> str:
    return ";".join(_cell(cell) for cell in row) + "\n"


def _cell(text: str) -> str:
    if any(ch in text for ch in ';"\n\r'):
        return '"' + text.replace('"', '""').replace("\n", " ").replace("\r", " ") + '"'
    return text
