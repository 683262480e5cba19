"""Ballot files in the BLT format (OpenSTV, eSTV, the Scottish council data): read and write.

    4 2                 candidates, seats
    -4                  (optional) withdrawn candidates, negated
    5 1 2 0             five papers ranking candidate 1, then 2; each line ends with 0
    1 3 0
    0                   the end of the papers
    "Amira Hassan"      the candidates' names, in number order, quoted or not
    "Bill Okafor"
    "Chen Wei"
    "Dana Reid"
    "Trustee election 2026"   the title

A paper may start with an id in brackets, "(17) 1 3 2 0"; lines starting with "#" are
comments (names given only as "# ALTERNATIVE NAME 3: …" comments, as in some published
files, are taken as the names). Candidate numbers are 1-based, as in the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from coop.domain.counting.ballot_file import MalformedFile, decode
from coop.domain.counting.stv import Ballot, Candidate, InvalidRanking, check_ranking


@dataclass(frozen=True)
class BltElection:
    """A BLT file's contents: papers as (how many, candidate numbers in order)."""

    seats: int
    names: tuple[str, ...]
    papers: tuple[tuple[int, tuple[int, ...]], ...]
    withdrawn: frozenset[int]
    title: str

    def count_input(self) -> tuple[list[Candidate], list[Ballot]]:
        """Candidates (id = their number) and one ranking per paper, withdrawn ones left out.

        A name ending in a bracketed word, "Amira Hassan (user)", gives the candidate's
        class, so that reserved seats can be counted; otherwise the class is "".
        """
        candidates = [
            Candidate(str(n), name, _bracketed(name))
            for n, name in enumerate(self.names, start=1)
            if n not in self.withdrawn
        ]
        ballots = [
            tuple(str(c) for c in ranking if c not in self.withdrawn)
            for weight, ranking in self.papers
            for _ in range(weight)
        ]
        return candidates, ballots


def read_blt(data: bytes) -> BltElection:
    """Parse a BLT file's bytes (UTF-8, or Latin-1 failing that)."""
    return parse_blt(decode(data))


def parse_blt(text: str) -> BltElection:
    """Parse BLT text; a malformed file raises MalformedFile naming the line."""
    lines = _lines(text)
    number, header = _next(lines, "the file is empty: expected the numbers of candidates and seats")
    fields = header.split()
    if len(fields) != 2 or not all(f.isdigit() for f in fields):
        raise MalformedFile(number, f"expected the numbers of candidates and seats, not {header!r}")
    count, seats = int(fields[0]), int(fields[1])
    if count < 1 or seats < 1:
        raise MalformedFile(number, "there must be at least one candidate and one seat")
    withdrawn: set[int] = set()
    papers: list[tuple[int, tuple[int, ...]]] = []
    number, line = _next(lines, "the papers end without the closing 0 line")
    if line.startswith("-"):
        withdrawn = {-_candidate(number, f, count, negative=True) for f in line.split()}
        number, line = _next(lines, "the papers end without the closing 0 line")
    while line != "0":
        papers.append(_paper(number, line, count))
        number, line = _next(lines, "the papers end without the closing 0 line")
    rest = list(lines)
    named = _named_in_comments(text)
    if len(rest) < count and len(named) == count:
        # Some published files (Glasgow 2007) give the names only as comments,
        # "# ALTERNATIVE NAME 3: Fiacra Fullerton (Sol)", and then the title.
        rest = [(0, f'"{name}"') for name in named] + rest
    if len(rest) < count:
        raise MalformedFile(0, f"the file ends too soon: expected {count} candidates' names")
    names = [_unquote(line) for _, line in rest[:count]]
    lines = iter(rest[count:])
    title = _unquote(next(lines, (0, ""))[1])
    if (extra := next(lines, None)) is not None:
        raise MalformedFile(extra[0], f"unexpected text after the title: {extra[1]!r}")
    return BltElection(seats, tuple(names), tuple(papers), frozenset(withdrawn), title)


def write_blt(
    candidates: Sequence[Candidate], ballots: Sequence[Ballot], seats: int, title: str
) -> str:
    """A BLT file of ``ballots`` (rankings of candidate ids), for any STV program to recount.

    Identical rankings are written once with their number, most common first, so the
    file keeps no trace of the order papers were cast in (for a secret ballot, pass its
    published papers). Invalid rankings are left out: the published result counts them.
    Each name carries the candidate's class in brackets, "Amira Hassan (user)".
    """
    numbers = {c.id: n for n, c in enumerate(candidates, start=1)}
    valid: Counter[tuple[int, ...]] = Counter()
    for ranking in ballots:
        try:
            check_ranking(ranking, candidates)
        except InvalidRanking:
            continue
        valid[tuple(numbers[c] for c in ranking)] += 1
    lines = [f"{len(candidates)} {seats}"]
    for numbered, weight in sorted(valid.items(), key=lambda item: (-item[1], item[0])):
        lines.append(" ".join(str(x) for x in (weight, *numbered, 0)))
    lines.append("0")
    for c in candidates:
        label = f"{c.name} ({c.member_class})" if c.member_class else c.name
        lines.append(_quote(label))
    lines.append(_quote(title))
    return "\n".join(lines) + "\n"


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield number, line


def _named_in_comments(text: str) -> list[str]:
    found = [
        line.strip().partition(":")[2].strip()
        for line in text.splitlines()
        if line.strip().upper().startswith("# ALTERNATIVE NAME")
    ]
    return found


def _next(lines: Iterator[tuple[int, str]], missing: str) -> tuple[int, str]:
    item = next(lines, None)
    if item is None:
        raise MalformedFile(0, f"the file ends too soon: {missing}")
    return item


def _paper(number: int, line: str, count: int) -> tuple[int, tuple[int, ...]]:
    fields = line.split()
    if fields[0].startswith("("):  # a paper id, "(17)"
        if not fields[0].endswith(")"):
            raise MalformedFile(number, f"a paper's id must be in brackets, not {fields[0]!r}")
        fields = fields[1:]
    if len(fields) < 2 or fields[-1] != "0":
        raise MalformedFile(number, f"a paper is its number, the candidates, then 0: {line!r}")
    if not fields[0].isdigit() or int(fields[0]) < 1:
        raise MalformedFile(
            number, f"the number of papers must be a whole number, not {fields[0]!r}"
        )
    return int(fields[0]), tuple(_candidate(number, f, count) for f in fields[1:-1])


def _candidate(number: int, field: str, count: int, *, negative: bool = False) -> int:
    digits = field[1:] if negative and field.startswith("-") else field
    if not digits.isdigit():
        raise MalformedFile(number, f"expected a candidate's number, not {field!r}")
    if not 1 <= int(digits) <= count:
        raise MalformedFile(number, f"there is no candidate {digits}: there are {count}")
    return -int(digits) if negative else int(digits)


def _unquote(line: str) -> str:
    if len(line) >= 2 and line[0] == line[-1] == '"':
        return line[1:-1]
    return line


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def _bracketed(name: str) -> str:
    if name.endswith(")") and "(" in name:
        return name[name.rindex("(") + 1 : -1].strip()
    return ""
