"""The ballot paper: its choices as the vote form shows them, and reading a vote from
the form (a member's own, or an advocate's for a member)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from litestar.datastructures import FormMultiDict

from coop.domain.governance.ballots import Mark
from coop.projections.governance.queries import BallotView, ElectorView
from coop.web.governance.forms import BENEFITS
from coop.web.words import class_name, money, whole_pounds


def candidates_on(b: BallotView) -> list[tuple[str, str]]:
    """The ballot's options as (id, name), in its order, as the read model has them."""
    return [(o["id"], o["label"]) for o in b.options]


# A refusal's field, as the vote command names it, to the field on the paper.
PAPER_FIELDS = {"answer": "answer", "approvals": "approvals", "ranking": "rank-1"}


def read_mark(
    kind: str, candidates: Sequence[tuple[str, str]], form: FormMultiDict
) -> tuple[Mark, dict[str, Any], dict[str, str]]:
    """The mark the form asks for, the answers to show again, and what is wrong with them.

    ``candidates`` are the ballot's options as (id, name), in the ballot's order; only
    an election's paper reads them.
    """
    if kind == "resolution":
        answer = str(form.get("answer", ""))
        if not answer:
            return (
                Mark(),
                {"answer": ""},
                {"answer": "Choose how you vote: for, against or abstain"},
            )
        return Mark(answer=answer), {"answer": answer}, {}
    if kind == "reinvestment":
        approvals = tuple(str(a) for a in form.getall("approvals", []))
        if not approvals:
            return Mark(), {"approvals": []}, {"approvals": "Select the options you support"}
        return Mark(approvals=approvals), {"approvals": list(approvals)}, {}
    ranking, numbers, errors = read_ranking(candidates, form)
    return Mark(ranking=ranking), {"rank": numbers}, errors


def read_ranking(
    candidates: Sequence[tuple[str, str]], form: FormMultiDict
) -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """Candidates numbered 1, 2, 3...: blank is not ranked; no gaps, no repeats."""
    field = {cid: f"rank-{i}" for i, (cid, _) in enumerate(candidates, 1)}
    names = dict(candidates)
    n = len(candidates)
    typed: dict[str, str] = {}
    numbered: dict[int, list[str]] = {}
    errors: dict[str, str] = {}
    for key, raw in form.multi_items():
        if not key.startswith("rank-") or not str(raw).strip():
            continue
        cid, text = key.removeprefix("rank-"), str(raw).strip()
        typed[cid] = text
        name, at = names.get(cid, "that candidate"), field.get(cid, "rank-1")
        if not re.fullmatch(r"[0-9]{1,4}", text):
            errors.setdefault(
                at, f"Enter a whole number for {name}, like 1 or 2, or leave it blank"
            )
        elif not 1 <= int(text) <= n:
            errors.setdefault(at, f"Use the numbers 1 to {n}: you gave {name} {text}")
        else:
            numbered.setdefault(int(text), []).append(cid)
    if not errors and not numbered:
        errors["rank-1"] = "Put 1 next to your first choice. Number as many candidates as you like"
    order = list(field)  # repeats are named in the ballot's order, whatever the form's
    for k, cids in sorted(numbered.items()):
        cids.sort(key=lambda c: order.index(c) if c in field else n)
        for cid in cids[1:]:
            first = names.get(cids[0], "another candidate")
            errors.setdefault(
                field.get(cid, "rank-1"),
                f"You gave {k} to {first} and {names.get(cid, 'another candidate')}:"
                " give each candidate a different number",
            )
    for expected, k in enumerate(sorted(numbered), 1):
        if k != expected and not errors:
            errors[field.get(numbered[k][0], "rank-1")] = (
                f"You have not used the number {expected}: number your choices"
                " 1, 2, 3 and so on, without leaving a number out"
            )
    ranking = tuple(cid for _, cids in sorted(numbered.items()) for cid in cids)
    return (() if errors else ranking), typed, errors


def vote_so_far(b: BallotView, me: ElectorView | None) -> dict[str, Any]:
    """An open ballot's vote so far, to start the "change your vote" form from."""
    mark = me.mark if me and me.mark else {}
    ranking = mark.get("ranking") or []
    return {
        "answer": mark.get("answer", ""),
        "approvals": mark.get("approvals") or [],
        "rank": {cid: str(i) for i, cid in enumerate(ranking, 1)},
    }


def choices(b: BallotView) -> list[dict[str, Any]]:
    """The ballot's options as the vote form shows them: field ids, costs and words."""
    return [
        {
            **o,
            "field_id": f"rank-{i}",
            "cost": money(o.get("cost_pence", 0)),
            "easy_cost": whole_pounds(o.get("cost_pence", 0)),
            "benefits_text": BENEFITS.get(o.get("benefits", ""), o.get("benefits", "")),
            "class_text": class_name(o["member_class"]) if o.get("member_class") else "",
        }
        for i, o in enumerate(b.options, 1)
    ]
