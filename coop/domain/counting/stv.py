"""Counting a trustee election by single transferable vote, under the Scottish STV rules.

The rules are those of the Scottish Local Government Elections Order 2007 (SSI 2007/42),
Schedule 1, rules 45-52, plus one co-op rule of our own, reserved seats:

- 45, 46: each valid paper is worth one vote to its first preference; the quota is
  floor(valid papers / (seats + 1)) + 1.
- 47: a candidate whose votes equal or exceed the quota is deemed elected.
- 48: a surplus (votes above the quota) moves by the weighted inclusive Gregory method:
  every paper the candidate holds goes on to its next continuing preference at
  surplus × (the paper's value when received) / (the candidate's votes), calculated to
  five decimal places, any remainder ignored (truncated). The candidate keeps the quota;
  what papers with no further preference would have carried is recorded as
  non-transferable, and what truncation cut off as lost to truncation.
- 49: the largest surplus moves first. Equal surpluses: first the candidate with more
  votes at the most recent preceding stage at which they differed; equal at every stage:
  by lot.
- 50: with no surplus to move, the candidate with the fewest votes is excluded; all their
  papers move in one stage, each at the value it had when received (one for first
  preferences).
- 51: equal lowest: exclude the one with fewer votes at the most recent preceding stage
  at which they differed; equal at every stage: by lot.
- 52(1): when the continuing candidates are no more than the vacancies, they are deemed
  elected, at the end of the stage that brought them there (there is no stage of its own);
  52(2): the last vacancies filled so, no further transfer is made, surpluses included.
  The Order has no other early-election rule (unlike Northern Ireland's and Ireland's,
  which elect the last candidate once the others together cannot catch up): Scottish
  counts go on excluding until continuing candidates and vacancies are as many.

Where three or more are tied, looking back narrows the group to those highest (or lowest)
at that stage and keeps looking back among them. The lot is deterministic: among those
still tied, the one with the smallest SHA-256 of ``"{lot_seed}|{stage}|{candidate id}"``
is drawn, and the sheet records the seed. Candidates reaching the quota at the same stage
are elected in order of votes, ties broken as for surpluses.

Reserved seats (``reserved = {"pa": 1}``: at least one PA among the trustees):

- guarded: a candidate whose class has no reserved seat left unfilled cannot be elected
  once the vacancies left only just cover the reserved seats still unfilled; such
  candidates are excluded together in a "guarded" stage, papers moving as in rule 50;
- protected: while a class has no more continuing candidates than its unfilled reserved
  seats, they are never excluded; rule 52 then deems them elected at the end.

A reservation larger than the class's number of candidates is cut down to that number.

Votes are integers in units of 0.00001 (``SCALE`` units per paper): no floats anywhere.
Plain-English account with a worked example: docs/counting.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from hashlib import sha256
from types import MappingProxyType
from typing import Literal

SCALE = 100_000
NO_RESERVED: Mapping[str, int] = MappingProxyType({})

Ballot = tuple[str, ...]
StageKind = Literal["first preferences", "surplus", "exclusion", "guarded"]


class InvalidRanking(ValueError):
    """A ranking names someone who is not standing, or names a candidate twice."""


@dataclass(frozen=True)
class Candidate:
    """Someone standing for trustee, in a member class (user, carer, PA...)."""

    id: str
    name: str
    member_class: str


@dataclass(frozen=True)
class Stage:
    """One stage of the count and everyone's votes after it (in units of 0.00001)."""

    number: int
    kind: StageKind
    heading: str
    description: str
    subjects: tuple[str, ...]
    totals: Mapping[str, int]
    non_transferable: int
    truncation_loss: int
    transfer_values: tuple[tuple[int, int], ...] = ()  # (value when received, value moved on)
    elected: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StvResult:
    """The whole count: who was elected, in order, and every stage."""

    candidates: tuple[Candidate, ...]
    seats: int
    reserved: Mapping[str, int]
    lot_seed: str
    quota: int
    valid: int
    invalid: int
    elected: tuple[str, ...]
    stages: list[Stage]


def format_votes(units: int) -> str:
    """Votes to five decimal places, e.g. 123456 -> '1.23456'."""
    return f"{units // SCALE}.{units % SCALE:05d}"


def check_ranking(ranking: Sequence[str], candidates: Sequence[Candidate]) -> None:
    """Refuse a ranking that is empty, names a non-candidate or repeats a candidate."""
    names = {c.id: c.name for c in candidates}
    if not ranking:
        raise InvalidRanking("Put at least one candidate first.")
    seen: set[str] = set()
    for place, cid in enumerate(ranking, start=1):
        if cid not in names:
            raise InvalidRanking(f"Preference {place} is not a candidate in this election.")
        if cid in seen:
            raise InvalidRanking(
                f"Preference {place} repeats {names[cid]}: rank each candidate only once."
            )
        seen.add(cid)


def count_stv(
    candidates: Sequence[Candidate],
    ballots: Sequence[Ballot],
    seats: int,
    reserved: Mapping[str, int] = NO_RESERVED,
    lot_seed: str = "",
) -> StvResult:
    """Count ``ballots`` for ``seats`` trustees by Scottish STV, honouring ``reserved`` seats."""
    if seats < 1:
        raise ValueError("An election needs at least one seat.")
    if len({c.id for c in candidates}) != len(candidates):
        raise ValueError("Each candidate needs a different id.")
    if any(n < 0 for n in reserved.values()):
        raise ValueError("Reserved seats cannot be negative.")
    if sum(reserved.values()) > seats:
        raise ValueError(f"More seats are reserved than the {seats} to be filled.")
    papers: Counter[Ballot] = Counter()
    invalid = 0
    for ballot in ballots:
        try:
            check_ranking(ballot, candidates)
        except InvalidRanking:
            invalid += 1
        else:
            papers[tuple(ballot)] += 1
    count = _Count(candidates, papers, seats, reserved, lot_seed)
    count.run()
    return StvResult(
        candidates=tuple(candidates),
        seats=seats,
        reserved=MappingProxyType(count.reserved),
        lot_seed=lot_seed,
        quota=count.quota,
        valid=count.valid,
        invalid=invalid,
        elected=tuple(count.elected),
        stages=count.stages,
    )


def count_sheet_rows(result: StvResult) -> list[list[str]]:
    """The count sheet: a row per candidate, a column per stage, then the outcome."""
    stages = result.stages
    header = ["Candidate", *(f"{s.number}. {s.heading}" for s in stages), "Outcome"]
    rows = [header]
    for c in result.candidates:
        cells = [format_votes(s.totals[c.id]) for s in stages]
        rows.append([c.name, *cells, _outcome(c.id, stages)])
    rows.append(["Non-transferable", *(format_votes(s.non_transferable) for s in stages), ""])
    rows.append(["Lost to truncation", *(format_votes(s.truncation_loss) for s in stages), ""])
    totals = [sum(s.totals.values()) + s.non_transferable + s.truncation_loss for s in stages]
    rows.append(["Total", *(format_votes(t) for t in totals), ""])
    return rows


def _outcome(cid: str, stages: Sequence[Stage]) -> str:
    for s in stages:
        if cid in s.elected:
            return f"Elected at stage {s.number}"
        if cid in s.excluded:
            verb = "Guarded out" if s.kind == "guarded" else "Excluded"
            return f"{verb} at stage {s.number}"
    return ""


class _Count:
    """The state of one count; ``run`` performs it stage by stage."""

    def __init__(
        self,
        candidates: Sequence[Candidate],
        papers: Counter[Ballot],
        seats: int,
        reserved: Mapping[str, int],
        seed: str,
    ) -> None:
        self.candidates = {c.id: c for c in candidates}
        self.papers = papers
        self.seed = seed
        self.valid = sum(papers.values())
        self.quota = self.valid // (seats + 1) + 1  # rule 46
        self.threshold = self.quota * SCALE
        self.vacancies = seats
        self.status = {c.id: "continuing" for c in candidates}
        self.votes = {c.id: 0 for c in candidates}
        self.parcels: dict[str, Counter[tuple[Ballot, int]]] = {c.id: Counter() for c in candidates}
        self.elected: list[str] = []
        self.pending: list[str] = []  # elected, surplus not yet transferred
        self.non_transferable = 0
        self.loss = 0
        self.history: list[dict[str, int]] = []
        self.stages: list[Stage] = []
        self.notes: list[str] = []
        standing = Counter(c.member_class for c in candidates)
        self.reserved = {k: min(n, standing[k]) for k, n in reserved.items() if n}
        for k, n in reserved.items():
            if n > standing[k]:
                self.notes.append(
                    f"{n} seat(s) reserved for {k}, but only {standing[k]} standing: "
                    f"{standing[k]} reserved."
                )

    def run(self) -> None:
        for ranking, n in sorted(self.papers.items()):
            self._give(ranking, None, SCALE, n)
        self._record("first preferences", (), "First preferences", "First preferences counted.")
        while self.vacancies:
            continuing = self._continuing()
            if not continuing:  # fewer standing than seats
                break
            guarded = [c for c in continuing if self._guarded(c)]
            if guarded:
                self._exclude(guarded, "guarded")
            elif self.pending:  # rules 48, 49
                self._transfer_surplus(self._largest_surplus())
            else:  # rules 50, 51
                self._exclude([self._lowest(continuing)], "exclusion")

    # Moving papers

    def _give(self, ranking: Ballot, holder: str | None, value: int, n: int) -> None:
        """Credit ``n`` papers to their next continuing preference after ``holder``."""
        start = 0 if holder is None else ranking.index(holder) + 1
        for cid in ranking[start:]:
            if self.status[cid] == "continuing":
                self.parcels[cid][ranking, value] += n
                self.votes[cid] += value * n
                return
        self.non_transferable += value * n

    def _transfer_surplus(self, cid: str) -> None:
        total = self.votes[cid]
        surplus = total - self.threshold
        moved_on: dict[int, int] = {}
        moved = 0
        for (ranking, value), n in sorted(self.parcels[cid].items()):
            transfer_value = surplus * value // total  # rule 48(3): remainder ignored
            moved_on[value] = transfer_value
            self._give(ranking, cid, transfer_value, n)
            moved += transfer_value * n
        self.loss += surplus - moved
        self.votes[cid] = self.threshold
        self.parcels[cid] = Counter()
        values = tuple(sorted(moved_on.items(), reverse=True))
        at = "; ".join(
            f"papers worth {format_votes(v)} move at {format_votes(t)}" for v, t in values
        )
        name = self._name(cid)
        self._record(
            "surplus",
            (cid,),
            f"Surplus of {name}",
            f"Surplus of {name} ({format_votes(surplus)}) transferred: {at}.",
            values,
        )

    def _exclude(self, cids: list[str], kind: StageKind) -> None:
        for cid in cids:
            self.status[cid] = "excluded"
        for cid in cids:
            for (ranking, value), n in sorted(self.parcels[cid].items()):
                self._give(ranking, cid, value, n)  # rule 50(4): at the value received
            self.parcels[cid] = Counter()
            self.votes[cid] = 0
        names = ", ".join(self._name(c) for c in cids)
        if kind == "guarded":
            heading = f"Guarded: {names}"
            description = (
                f"{names} cannot be elected without leaving a reserved seat unfilled: "
                "excluded, papers moving at their current values."
            )
        else:
            heading = f"Exclusion of {names}"
            description = f"{names} excluded; papers move at their current values."
        self._record(kind, tuple(cids), heading, description, excluded=tuple(cids))

    # Recording and electing

    def _record(
        self,
        kind: StageKind,
        subjects: tuple[str, ...],
        heading: str,
        description: str,
        transfer_values: tuple[tuple[int, int], ...] = (),
        excluded: tuple[str, ...] = (),
    ) -> None:
        self.history.append(dict(self.votes))
        elected = self._elect_reaching_quota() + self._fill_last_vacancies()
        self.stages.append(
            Stage(
                number=len(self.history),
                kind=kind,
                heading=heading,
                description=description,
                subjects=subjects,
                totals=MappingProxyType(self.history[-1]),
                non_transferable=self.non_transferable,
                truncation_loss=self.loss,
                transfer_values=transfer_values,
                elected=elected,
                excluded=excluded,
                notes=tuple(self.notes),
            )
        )
        self.notes.clear()

    def _elect_reaching_quota(self) -> tuple[str, ...]:
        """Rule 47, in order of votes; a guarded candidate is passed over."""
        reached = [c for c in self._continuing() if self.votes[c] >= self.threshold]
        newly: list[str] = []
        for cid in self._by_votes(reached, "on reaching the quota"):
            if not self.vacancies:
                break
            if self._guarded(cid):
                self.notes.append(
                    f"{self._name(cid)} reached the quota but cannot be elected: "
                    "the seats left are needed for reserved seats."
                )
                continue
            self._elect(cid)
            newly.append(cid)
            if self.votes[cid] > self.threshold:
                self.pending.append(cid)
        return tuple(newly)

    def _fill_last_vacancies(self) -> tuple[str, ...]:
        """Rule 52: as many continuing candidates as vacancies (or fewer) are deemed elected."""
        continuing = self._continuing()
        if not self.vacancies or not continuing or len(continuing) > self.vacancies:
            return ()
        order = self._by_votes(continuing, "when deemed elected")
        for cid in order:
            self._elect(cid)
        names = ", ".join(self._name(c) for c in order)
        unmoved = [self._name(c) for c in self.pending if self.votes[c] > self.threshold]
        self.notes.append(
            f"{names}: no more continuing candidates than vacancies, so deemed elected "
            "(rule 52(1)); no further transfer is made (rule 52(2))"
            + (f", so the surplus of {', '.join(unmoved)} stays where it is." if unmoved else ".")
        )
        self.pending.clear()
        return tuple(order)

    def _elect(self, cid: str) -> None:
        self.status[cid] = "elected"
        self.elected.append(cid)
        self.vacancies -= 1

    # Choosing whom

    def _largest_surplus(self) -> str:
        top = max(self.votes[c] for c in self.pending)
        cid = self._pick([c for c in self.pending if self.votes[c] == top], True, "in surplus")
        self.pending.remove(cid)
        return cid

    def _lowest(self, continuing: list[str]) -> str:
        open_to_exclusion = [c for c in continuing if not self._protected(c)]
        low = min(self.votes[c] for c in open_to_exclusion)
        for cid in continuing:
            if self._protected(cid) and self.votes[cid] < low:
                self.notes.append(
                    f"{self._name(cid)} is not excluded: the last candidate(s) for a reserved "
                    f"{self.candidates[cid].member_class} seat."
                )
        tied = [c for c in open_to_exclusion if self.votes[c] == low]
        return self._pick(tied, False, "lowest")

    def _by_votes(self, cids: list[str], why: str) -> list[str]:
        left, order = list(cids), []
        while left:
            top = max(self.votes[c] for c in left)
            cid = self._pick([c for c in left if self.votes[c] == top], True, why)
            left.remove(cid)
            order.append(cid)
        return order

    def _pick(self, tied: list[str], highest: bool, why: str) -> str:
        """Break a tie by looking back stage by stage (rules 49(2), 51(2)), then by lot."""
        if len(tied) == 1:
            return tied[0]
        names = ", ".join(self._name(c) for c in tied)
        group = tied
        for number in range(len(self.history) - 1, 0, -1):
            past = self.history[number - 1]
            best = (max if highest else min)(past[c] for c in group)
            narrowed = [c for c in group if past[c] == best]
            if len(narrowed) < len(group):
                group = narrowed
                if len(group) == 1:
                    most = "most" if highest else "fewest"
                    self.notes.append(
                        f"{names} were equal {why}: {self._name(group[0])} had the {most} "
                        f"votes at stage {number}, the latest stage at which they differed."
                    )
                    return group[0]
        stage = len(self.history)

        def ticket(cid: str) -> str:
            return sha256(f"{self.seed}|{stage}|{cid}".encode()).hexdigest()

        drawn = min(group, key=ticket)
        self.notes.append(
            f"{names} were equal {why} at every stage: decided by lot "
            f"(seed {self.seed!r}), {self._name(drawn)} drawn."
        )
        return drawn

    # Reserved seats

    def _unfilled(self) -> dict[str, int]:
        won = Counter(self.candidates[c].member_class for c in self.elected)
        return {k: max(0, n - won[k]) for k, n in self.reserved.items()}

    def _guarded(self, cid: str) -> bool:
        unfilled = self._unfilled()
        own = unfilled.get(self.candidates[cid].member_class, 0)
        return own == 0 and sum(unfilled.values()) >= self.vacancies

    def _protected(self, cid: str) -> bool:
        member_class = self.candidates[cid].member_class
        unfilled = self._unfilled().get(member_class, 0)
        still_standing = sum(
            1 for c in self._continuing() if self.candidates[c].member_class == member_class
        )
        return unfilled > 0 and still_standing <= unfilled

    def _continuing(self) -> list[str]:
        return [c for c, s in self.status.items() if s == "continuing"]

    def _name(self, cid: str) -> str:
        return self.candidates[cid].name
