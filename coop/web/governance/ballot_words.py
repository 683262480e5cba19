"""How a ballot and its result read on the page: kinds, answers, what a ballot paper
says, an election's reserved seats, and the results view.

Shared by the members' and the trustees' ballot pages. Money, times and member
classes are written as on every page (``coop.web.words``).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Any

from coop.projections.governance.queries import BallotView, Turnout
from coop.web.governance.forms import BENEFITS
from coop.web.words import CLASS_NAMES, class_name, in_class_order, money, one_of, percent

KIND_NAMES = {
    "resolution": "Resolution",
    "election": "Trustee election",
    "reinvestment": "Reinvesting the surplus",
}
ANSWERS = {"for": "For", "against": "Against", "abstain": "Abstain"}
THRESHOLDS = {
    "ordinary": "Ordinary resolution: more than half of the weighted votes for and against",
    "special_75": "Special resolution: at least 75% of the weighted votes for and against",
    "special_75_and_each_class": (
        "Special resolution: at least 75% of the weighted votes for and against,"
        " and more than half within each class that voted"
    ),
    "two_thirds_confirmed": (
        "Special resolution: two-thirds of the weighted votes at a first meeting,"
        " confirmed by more than half at a second"
    ),
}
OUTCOMES = {
    "carried": "Carried",
    "not_carried": "Not carried",
    "no_quorum": "Not carried: quorum not reached",
    "awaiting_confirmation": "Carried at the first meeting; needs confirming",
}

# Words and numbers --------------------------------------------------------------------


def width(part: Fraction | int, whole: Fraction | int) -> int:
    """A bar's width class, 0 to 100 (see coop.css)."""
    return round(100 * Fraction(part) / Fraction(whole)) if whole else 0


def describe(kind: str, options: list[dict[str, Any]], mark: dict[str, Any]) -> str:
    """What a ballot paper says, in words."""
    labels = {o["id"]: o["label"] for o in options}
    if kind == "resolution":
        answer = str(mark.get("answer", ""))
        return ANSWERS.get(answer, answer)
    if kind == "election":
        ranked = mark.get("ranking") or []
        return ", ".join(f"{i}. {labels.get(c, c)}" for i, c in enumerate(ranked, 1))
    return "; ".join(labels.get(o, o) for o in mark.get("approvals") or []) or "No options"


TurnoutRow = tuple[str, int, int, str]  # class, electorate, voted, share


def turnout_in_words(counts: list[Turnout]) -> tuple[list[TurnoutRow], tuple[int, int, str]]:
    """Turnout by class (users, carers, PAs, then others), and in all."""
    rows = [
        (
            class_name(t.member_class),
            t.electorate,
            t.voted,
            percent(Fraction(t.voted, t.electorate)),
        )
        for t in sorted(counts, key=lambda t: in_class_order(t.member_class))
        if t.electorate
    ]
    electorate, voted = sum(t.electorate for t in counts), sum(t.voted for t in counts)
    return rows, (electorate, voted, percent(Fraction(voted, electorate or 1)))


# Reserved seats ------------------------------------------------------------------------


def _seats(n: int) -> str:
    return f"{n} seat is" if n == 1 else f"{n or 'No'} seats are"


def reservation(b: BallotView) -> list[str]:
    """An election's reserved seats, a sentence per class the rules reserve seats for:
    how many this election reserves and why (as fixed when it opened)."""
    fixed = b.seats_reserved
    if fixed is None:
        return []
    reserved = dict(fixed.reserved)
    held = Counter(t.member_class for t in fixed.continuing)
    lines = []
    for member_class, n in fixed.rules_reserve:
        if not n:
            continue
        one = one_of(member_class)
        r, k = reserved.get(member_class, 0), held[member_class]
        reasons = []
        if k:
            trustees = "trustee continues" if k == 1 else "trustees continue"
            reasons.append(f"{k} {one} {trustees} in office")
        if r < max(0, n - k):
            reasons.append(f"this election fills only {b.seats} seat{'' if b.seats == 1 else 's'}")
        whom = f"a {one}" if r == 1 else f"{one}s"
        head = f"{_seats(r)} reserved for {whom}"
        lines.append(
            f"{head}: {' and '.join(reasons)}." if reasons else f"{head}, as the rules say."
        )
    return lines


# The results --------------------------------------------------------------------------


def results_view(b: BallotView) -> dict[str, Any]:
    """The published result, arranged for the page: a chart's bars and its table's rows."""
    result = b.result or {}
    electorate, voted = result.get("electorate", {}), result.get("turnout", {})
    view: dict[str, Any] = {
        "outcome": result.get("outcome", ""),
        "carried": result.get("carried", False),
        "rules_version": result.get("rules_version"),
        "declarations": result.get("declarations", 0),
        "supported_votes": result.get("supported_votes", 0),
        "turnout": [
            (class_name(c), n, voted.get(c, 0), percent(Fraction(voted.get(c, 0), n)))
            for c, n in sorted(electorate.items(), key=lambda item: in_class_order(item[0]))
            if n
        ],
        "papers": sorted(
            (
                p["receipt"],
                class_name(p.get("member_class", "")),
                describe(b.kind, b.options, p["mark"]),
            )
            for p in result.get("papers", [])
        ),
    }
    if b.kind == "resolution":
        view.update(_resolution(result))
    elif b.kind == "election":
        view.update(_election(result), reservation=reservation(b))
    else:
        view.update(_reinvestment(b, result))
    return view | {"recount": recount_command(b)}


def recount_command(b: BallotView) -> str:
    """The command that recounts the ballot's downloaded file with coop, e.g.
    ``coop count stv results.blt --seed BALLOT --reserved user=1``: the ballot's id seeds
    any drawing of lots, and a BLT file cannot say which seats were reserved."""
    if b.kind == "reinvestment":
        return "coop count mes results.pb"
    reserved = (b.result or {}).get("reserved") or {}
    return " ".join(
        [
            f"coop count stv results.blt --seed {b.ballot_id}",
            *(f"--reserved {c}={n}" for c, n in sorted(reserved.items()) if n),
        ]
    )


def _resolution(result: dict[str, Any]) -> dict[str, Any]:
    classes = result.get("classes", [])
    raw = {a: sum(c[f] for c in classes) for a, f in _ANSWER_FIELDS}
    cast = sum(raw.values())
    share = Fraction(result["weighted_for_share"]) if result.get("weighted_for_share") else None
    weighted = {"for": share, "against": None if share is None else 1 - share}
    rows = []
    for answer, n in raw.items():
        w = weighted.get(answer)
        rows.append(
            {
                "label": ANSWERS[answer],
                "votes": n,
                "width": width(n, cast),
                "share": percent(Fraction(n, cast)) if cast else "0%",
                "weighted": percent(w) if w is not None else "not counted",
                "weighted_width": width(w, 1) if w is not None else 0,
            }
        )
    quorum = result.get("quorum", {})
    without = result.get("without_conflicted")
    return {
        "answers": rows,
        "table": [[CLASS_NAMES.get(row[0], row[0]), *row[1:]] for row in result.get("table", [])],
        "threshold": THRESHOLDS.get(result.get("threshold", {}).get("type", ""), ""),
        "threshold_met": result.get("threshold_met", False),
        "threshold_reasons": result.get("threshold_reasons", []),
        "quorum": quorum,
        "without": _without(without) if without else None,
    }


_ANSWER_FIELDS = (("for", "votes_for"), ("against", "votes_against"), ("abstain", "abstentions"))


def _without(result: dict[str, Any]) -> dict[str, Any]:
    share = result.get("weighted_for_share")
    return {
        "outcome": OUTCOMES.get(result.get("status", ""), result.get("status", "")),
        "weighted": percent(Fraction(share)) if share else "no votes for or against",
        "classes": [
            (class_name(c["member_class"]), *(c[f] for _, f in _ANSWER_FIELDS))
            for c in result.get("classes", [])
        ],
    }


def _votes(text: str) -> Decimal:
    return Decimal(text).normalize()


def _election(result: dict[str, Any]) -> dict[str, Any]:
    sheet = result.get("count_sheet", [])
    valid = result.get("valid", 0)
    candidates = [
        row
        for row in sheet[1:]
        if row[0] not in ("Non-transferable", "Lost to truncation", "Total")
    ]
    return {
        "candidates": [
            {
                "label": row[0],
                "votes": f"{_votes(row[1]):f}",
                "width": width(Fraction(_votes(row[1])), valid),
                "outcome": row[-1] or "Not elected",
            }
            for row in candidates
        ],
        "sheet": sheet,
        "stages": result.get("stages", []),
        "quota": result.get("quota"),
        "valid": valid,
        "invalid": result.get("invalid", 0),
        "elected": result.get("elected", []),
    }


def _reinvestment(b: BallotView, result: dict[str, Any]) -> dict[str, Any]:
    approvals = result.get("approvals", {})
    voters = sum(result.get("turnout", {}).values())
    funded = set(result.get("selected_ids", []))
    return {
        "options": [
            {
                "label": o["label"],
                "cost": money(o.get("cost_pence", 0)),
                "benefits": BENEFITS.get(o.get("benefits", ""), o.get("benefits", "")),
                "approvals": approvals.get(o["id"], 0),
                "width": width(approvals.get(o["id"], 0), voters),
                "funded": o["id"] in funded,
            }
            for o in b.options
        ],
        "voters": voters,
        "budget": money(b.budget_pence),
        "spent": money(result.get("total_cost_pence", 0)),
        "left": money(result.get("leftover_pence", 0)),
        "steps": result.get("steps", []),
    }


def _plural(member_class: str) -> str:
    """Members of the class, in a sentence: 'carers', 'PAs'."""
    name = class_name(member_class)
    return name if name[:2].isupper() else name.lower()  # an initialism stays: 'PAs'


def small_class_warnings(small: list[tuple[str, int]]) -> list[str]:
    """For trustees: what a secret ballot's published count will show of each small class."""
    return [
        f"Only 1 {one_of(c)} can vote: if they do, the result will show how they voted."
        if n == 1
        else f"Only {n} {_plural(c)} can vote: each of"
        " them will be able to tell how the other voted, and everyone will if they vote the"
        " same way."
        for c, n in sorted(small, key=lambda item: in_class_order(item[0]))
    ]


def your_small_class(small: list[tuple[str, int]], member_class: str) -> str:
    """For a voter in a small class: what the published count will show of their vote."""
    n = dict(small).get(member_class, 0)
    if n == 1:
        return (
            f"You are the only {one_of(member_class)} who can vote in this ballot. It is"
            " secret, but the result shows each class's votes, because each class carries"
            " its own weight: if you vote, everyone will be able to see how."
        )
    if n == 2:
        return (
            f"You are one of only 2 {_plural(member_class)}"
            " who can vote in this ballot. It is secret, but the result shows each class's"
            " votes, because each class carries its own weight: the other one will be able"
            " to tell how you voted, and everyone will if you both vote the same way."
        )
    return ""
