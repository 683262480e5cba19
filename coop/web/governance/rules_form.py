"""Checking proposed rules from the form: every setting of the rule book, field by field.

The form starts from the rules in force (``rules_values``). ``check_rules`` reads the
answers back into a ``RuleBook``: first each box on its own (a whole number, a share
like 1/4 or 25 %), then the rule book's own check of the whole (weights add up to 1,
reserved seats within the seats), its message put by the box that needs fixing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import msgspec

from coop.domain.errors import InvalidInput
from coop.domain.governance.rules import (
    ClassRule,
    ConflictPolicy,
    RuleBook,
    SpecialResolution,
    TopicRule,
)
from coop.web.forms import Checked, one_answer
from coop.web.governance.forms import TOPICS
from coop.web.words import class_name

MOST_CLASSES = 8
_CLASS_NAME = re.compile(r"^[a-z][a-z_]{0,29}$")
# Where the rule book's own refusals belong on the page.
_CHECK_FIELDS = {
    "classes": "class-1-weight",
    "quorum": "quorum",
    "notice": "general_notice",
    "seats": "trustee_seats",
    "visit_time_rounding_minutes": "rounding",
    "late_cancellation_charge_percent": "late_percent",
    "late_cancellation_pay_percent": "late_pay_percent",
    "surplus_reserve_percent": "reserve_percent",
}
_ORDER = (
    "class-",
    "quorum",
    "quorum_at_most",
    "quorum_each_class",
    "special_resolution",
    "general_notice",
    "board_notice",
    "policy-",
    "trustee_seats",
    "term_years",
    "late_hours",
    "late_percent",
    "late_pay_percent",
    "travel_minutes",
    "missed_minutes",
    "rounding",
    "reserve_percent",
)


def share_text(value: Fraction) -> str:
    """A share as people write it: 25% when exact, else a fraction like 1/3."""
    hundredths = value * 100
    if hundredths.denominator == 1:
        return f"{hundredths.numerator}%"
    if (hundredths * 10).denominator == 1:
        return f"{Decimal(hundredths.numerator) / hundredths.denominator}%"
    return str(value)


def topics_of(rules: RuleBook) -> dict[str, str]:
    """The topics the form offers a policy for: ours, and any the rules name besides."""
    named = {t.topic: t.topic.replace("_", " ").capitalize() for t in rules.conflict_policies}
    return {**TOPICS, **{k: v for k, v in named.items() if k not in TOPICS}}


def rules_values(rules: RuleBook) -> dict[str, Any]:
    """The form's answers for ``rules``: how the proposal form starts."""
    weights = rules.weights()
    reserved = dict(rules.reserved_seats)
    values: dict[str, Any] = {"class_rows": str(len(rules.classes) + 1)}
    for i, c in enumerate(rules.classes, 1):
        values[f"class-{i}-name"] = c.name
        values[f"class-{i}-votes"] = "yes" if c.votes else "no"
        values[f"class-{i}-weight"] = share_text(weights[c.name]) if c.votes else ""
        values[f"class-{i}-reserved"] = str(reserved.get(c.name, 0))
    values.update(
        {
            "quorum": share_text(Fraction(rules.quorum_fraction)),
            "quorum_at_most": "" if rules.quorum_at_most is None else str(rules.quorum_at_most),
            "quorum_each_class": "yes" if rules.quorum_each_class else "no",
            "special_resolution": str(rules.special_resolution),
            "general_notice": str(rules.general_meeting_notice_days),
            "board_notice": str(rules.board_meeting_notice_days),
            "trustee_seats": str(rules.trustee_seats),
            "term_years": str(rules.trustee_term_years),
            "late_hours": str(rules.late_cancellation_hours),
            "late_percent": str(rules.late_cancellation_charge_percent),
            "travel_minutes": str(rules.travel_buffer_minutes),
            "missed_minutes": str(rules.missed_after_minutes),
            "rounding": str(rules.visit_time_rounding_minutes),
            "late_pay_percent": str(rules.late_cancellation_pay_percent),
            "reserve_percent": str(rules.surplus_reserve_percent),
        }
    )
    for topic in topics_of(rules):
        values[f"policy-{topic}"] = str(rules.policy_for(topic))
    return values


def _whole(
    c: Checked, data: Mapping[str, Any], name: str, what: str, *, most: int, blank_ok: bool = False
) -> int | None:
    """A whole number from 0 to ``most``; None when empty (if allowed) or wrong."""
    raw = one_answer(data, name).strip()
    c.values[name] = raw
    if not raw:
        if not blank_ok:
            c.problem(name, f"Enter {what}")
        return None
    if not (raw.isascii() and raw.isdigit()):
        c.problem(name, f"Enter {what} as a whole number, like 14")
    elif int(raw) > most:
        c.problem(name, f"{what[0].upper()}{what[1:]} must be {most} or fewer")
    else:
        return int(raw)
    return None


def _share(c: Checked, data: Mapping[str, Any], name: str, what: str) -> Fraction | None:
    """A share written as a percentage (25%, 12.5%) or a fraction (1/4, 1/3)."""
    given = one_answer(data, name).strip()
    c.values[name] = given
    raw = given.replace(" ", "")
    if not raw:
        c.problem(name, f"Enter {what}")
        return None
    try:
        if raw.endswith("%"):
            return Fraction(Decimal(raw[:-1])) / 100
        if "/" in raw:
            return Fraction(raw)
    except (ValueError, ZeroDivisionError, InvalidOperation):
        pass
    c.problem(name, f"Enter {what} as a percentage like 25% or a fraction like 1/4")
    return None


def _yes(c: Checked, data: Mapping[str, Any], name: str, missing: str) -> bool:
    value = one_answer(data, name).strip()
    c.values[name] = value
    if value not in ("yes", "no"):
        c.problem(name, missing)
    return value == "yes"


def _classes(
    c: Checked, data: Mapping[str, Any], in_force: RuleBook
) -> tuple[list[ClassRule], list[tuple[str, int]]]:
    """Each class row with a name: whether it votes, its weight and its reserved seats."""
    rows = one_answer(data, "class_rows").strip()
    c.values["class_rows"] = rows
    count = min(int(rows), MOST_CLASSES) if rows.isascii() and rows.isdigit() else 0
    count = max(count, len(in_force.classes))
    old_weight = {k.name: k.weight for k in in_force.classes}
    classes: list[ClassRule] = []
    reserved: list[tuple[str, int]] = []
    for i in range(1, count + 1):
        p = f"class-{i}-"
        name = one_answer(data, p + "name").strip().lower()
        c.values[p + "name"] = name
        if not name:  # an empty row: a class removed, or the spare row left unused
            for part in ("votes", "weight", "reserved"):
                c.values[p + part] = one_answer(data, p + part).strip()
            continue
        if not _CLASS_NAME.match(name):
            c.problem(
                p + "name",
                f"Class {i}'s name must be one word in lower-case letters, like supporter",
            )
        shown = class_name(name)
        votes = _yes(c, data, p + "votes", f"Select whether {shown} vote")
        weight: Fraction | None = Fraction(0)
        if votes:
            weight = _share(c, data, p + "weight", f"the weight of the {shown} class")
        else:
            c.values[p + "weight"] = one_answer(data, p + "weight").strip()
        seats = _whole(c, data, p + "reserved", f"the trustee seats reserved for {shown}", most=99)
        if weight is None or seats is None:
            continue
        # Keep a non-voting class's weight as it was, so an unchanged form changes nothing.
        written = str(weight) if votes else old_weight.get(name, "0")
        classes.append(ClassRule(name=name, votes=votes, weight=written))
        if seats or name in dict(in_force.reserved_seats):
            reserved.append((name, seats))
    if not classes and "class-1-name" not in c.errors:
        c.problem("class-1-name", "Enter at least one member class")
    return classes, reserved


def _policies(c: Checked, data: Mapping[str, Any], in_force: RuleBook) -> list[TopicRule]:
    """A policy per topic: those the rules name, in their order, then any newly set to recuse."""
    chosen: dict[str, ConflictPolicy] = {}
    for topic, label in topics_of(in_force).items():
        value = one_answer(data, f"policy-{topic}").strip()
        c.values[f"policy-{topic}"] = value
        try:
            chosen[topic] = ConflictPolicy(value)
        except ValueError:
            c.problem(f"policy-{topic}", f"Select what members with an interest in {label} do")
    named = [t.topic for t in in_force.conflict_policies]
    return [TopicRule(topic=t, policy=chosen[t]) for t in named if t in chosen] + [
        TopicRule(topic=t, policy=p)
        for t, p in chosen.items()
        if t not in named and p is ConflictPolicy.RECUSE
    ]


def check_rules(data: Mapping[str, Any], in_force: RuleBook) -> tuple[RuleBook | None, Checked]:
    """The proposed rules, or the problems with them, field by field in page order."""
    c = Checked()
    classes, reserved = _classes(c, data, in_force)
    quorum = _share(c, data, "quorum", "the quorum")
    at_most = _whole(
        c, data, "quorum_at_most", "the most members a quorum needs", most=100_000, blank_ok=True
    )
    each_class = _yes(
        c, data, "quorum_each_class", "Select whether a quorum needs a member of each class"
    )
    special = one_answer(data, "special_resolution").strip()
    c.values["special_resolution"] = special
    if special not in set(SpecialResolution):
        c.problem("special_resolution", "Select what a special resolution needs")
    general = _whole(c, data, "general_notice", "the notice for general meetings", most=365)
    board = _whole(c, data, "board_notice", "the notice for board meetings", most=365)
    policies = _policies(c, data, in_force)
    seats = _whole(c, data, "trustee_seats", "the number of trustee seats", most=99)
    term = _whole(c, data, "term_years", "a trustee's term in years", most=10)
    late_hours = _whole(c, data, "late_hours", "the late-cancellation window in hours", most=720)
    late_percent = _whole(c, data, "late_percent", "the late-cancellation charge", most=100)
    late_pay = _whole(
        c, data, "late_pay_percent", "a PA's share of a late-cancelled visit's pay", most=100
    )
    travel = _whole(c, data, "travel_minutes", "the travel time between visits", most=240)
    missed = _whole(
        c, data, "missed_minutes", "how long after its start a visit is missed", most=240
    )
    rounding = _whole(c, data, "rounding", "the minutes visit times are rounded to", most=60)
    reserve = _whole(c, data, "reserve_percent", "the reserve kept from a surplus", most=100)
    if missed is not None and missed < 1:
        c.problem("missed_minutes", "A visit can be missed from 1 minute after its start or later")
    if quorum is not None and quorum.denominator > 10_000:
        c.problem("quorum", "Enter the quorum as a percentage like 10% or a fraction like 1/10")
    if seats is not None and seats < 1:
        c.problem("trustee_seats", "The co-op needs at least 1 trustee seat")
    if term is not None and term < 1:
        c.problem("term_years", "A trustee's term must be at least 1 year")
    _sort(c)
    if not c.ok:
        return None, c
    assert quorum is not None and general is not None and board is not None
    assert seats is not None and term is not None and late_hours is not None
    assert late_percent is not None and travel is not None and late_pay is not None
    assert missed is not None and rounding is not None and reserve is not None
    # Any setting the form does not show carries over as it is.
    book = msgspec.structs.replace(
        in_force,
        classes=tuple(classes),
        quorum_fraction=str(quorum),
        quorum_at_most=at_most,
        quorum_each_class=each_class,
        special_resolution=SpecialResolution(special),
        general_meeting_notice_days=general,
        board_meeting_notice_days=board,
        conflict_policies=tuple(policies),
        trustee_seats=seats,
        reserved_seats=tuple(reserved),
        trustee_term_years=term,
        late_cancellation_hours=late_hours,
        late_cancellation_charge_percent=late_percent,
        travel_buffer_minutes=travel,
        missed_after_minutes=missed,
        visit_time_rounding_minutes=rounding,
        late_cancellation_pay_percent=late_pay,
        surplus_reserve_percent=reserve,
    )
    try:
        book.check()
    except InvalidInput as e:
        c.problem(_CHECK_FIELDS.get(e.field or "", "class-1-weight"), str(e))
        return None, c
    if book == in_force:
        c.problem("class-1-name", "These are the rules in force: change at least one setting")
        return None, c
    return book, c


def _sort(c: Checked) -> None:
    """Errors in the order the fields appear on the page."""

    def place(name: str) -> tuple[int, int, int]:
        if found := re.match(r"^class-(\d+)-(\w+)$", name):
            part = ("name", "votes", "weight", "reserved").index(found[2])
            return 0, int(found[1]), part
        for n, prefix in enumerate(_ORDER):
            if name == prefix or (prefix.endswith("-") and name.startswith(prefix)):
                return n, 0, 0
        return len(_ORDER), 0, 0

    c.errors = dict(sorted(c.errors.items(), key=lambda kv: place(kv[0])))
