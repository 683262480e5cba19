"""The rules in plain words: the rule book as a trustee reads it, and what a proposal changes.

Shared by the rules page, the proposal form and the ballot pages (for trustees and
for members), so a change is described the same way everywhere.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.governance.rules import ConflictPolicy, RuleBook, SpecialResolution
from coop.projections.governance.rules import RulesVersion, proposed_rules, rules_versions
from coop.web.governance.forms import TOPICS
from coop.web.words import class_name, percent

SPECIAL = {
    SpecialResolution.OVERALL_75: "at least 75% of the weighted votes cast for and against",
    SpecialResolution.EACH_CLASS_AND_75: (
        "more than half of the votes within each member class, and at least 75% of the"
        " weighted votes cast overall"
    ),
    SpecialResolution.TWO_THIRDS_CONFIRMED: (
        "two-thirds of the weighted votes at a first meeting, confirmed by more than half"
        " at a second meeting"
    ),
}
POLICIES = {
    ConflictPolicy.DECLARE: (
        "members with an interest declare it; the declaration is shown in the record,"
        " and they still vote"
    ),
    ConflictPolicy.RECUSE: (
        "members with an interest stand aside and cannot vote; they must declare it"
        " before voting opens"
    ),
}


def topic_name(topic: str) -> str:
    return TOPICS.get(topic, topic.replace("_", " ").capitalize())


def quorum_words(rules: RuleBook) -> str:
    quorum = f"{percent(Fraction(rules.quorum_fraction))} of the voting members"
    if rules.quorum_at_most is not None:
        quorum += f", or {rules.quorum_at_most}, whichever is lower"
    if rules.quorum_each_class:
        quorum += ", with at least one member of each voting class"
    return quorum


def rules_in_words(rules: RuleBook) -> dict[str, Any]:
    """The rule book as a trustee reads it: weights as percentages, policies in words."""
    weights = rules.weights()
    topics = {t.topic for t in rules.conflict_policies}
    return {
        "classes": [
            (
                class_name(c.name),
                "Yes" if c.votes else "No",
                percent(weights[c.name]) if c.name in weights else "None",
            )
            for c in rules.classes
        ],
        "quorum": quorum_words(rules),
        "special": SPECIAL[rules.special_resolution],
        "policies": [(topic_name(t.topic), POLICIES[t.policy]) for t in rules.conflict_policies],
        "other_topics": [TOPICS[t] for t in TOPICS if t not in topics],
        "declare": POLICIES[ConflictPolicy.DECLARE],
        "reserved": [(class_name(c), n) for c, n in rules.reserved_seats if n],
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _class_changes(old: RuleBook, new: RuleBook) -> list[str]:
    before = {c.name: c for c in old.classes}
    after = {c.name: c for c in new.classes}
    w_old, w_new = old.weights(), new.weights()
    changes = []
    for name in before.keys() - after.keys():
        changes.append(f"The {class_name(name)} class is removed.")
    for c in new.classes:
        was = before.get(c.name)
        name = class_name(c.name)
        weight = percent(w_new[c.name]) if c.votes else ""
        if was is None:
            votes = f"they vote, with a weight of {weight}" if c.votes else "they do not vote"
            changes.append(f"A new member class, {name}, is added: {votes}.")
        elif was.votes and not c.votes:
            changes.append(
                f"{name} will no longer vote (their weight is now {percent(w_old[c.name])})."
            )
        elif c.votes and not was.votes:
            changes.append(f"{name} will vote, with a weight of {weight} (they do not vote now).")
        elif c.votes and w_old[c.name] != w_new[c.name]:
            changes.append(
                f"The weight of the {name} class changes from {percent(w_old[c.name])} to {weight}."
            )
    return changes


def _number(what: str, old: int, new: int, unit: str) -> list[str]:
    if old == new:
        return []
    return [f"{what} changes from {_plural(old, unit)} to {_plural(new, unit)}."]


def rule_changes(old: RuleBook, new: RuleBook) -> list[str]:
    """Each difference between the rules in force and proposed rules, as a sentence."""
    changes = _class_changes(old, new)
    if quorum_words(old) != quorum_words(new):
        changes.append(f"The quorum changes from {quorum_words(old)} to {quorum_words(new)}.")
    if old.special_resolution != new.special_resolution:
        changes.append(
            f"A special resolution will need {SPECIAL[new.special_resolution]}, instead of"
            f" {SPECIAL[old.special_resolution]}."
        )
    changes += _number(
        "Notice of general meetings",
        old.general_meeting_notice_days,
        new.general_meeting_notice_days,
        "clear day",
    )
    changes += _number(
        "Notice of board meetings",
        old.board_meeting_notice_days,
        new.board_meeting_notice_days,
        "clear day",
    )
    for topic in dict.fromkeys(t.topic for t in (*old.conflict_policies, *new.conflict_policies)):
        was, will = old.policy_for(topic), new.policy_for(topic)
        if was != will:
            changes.append(
                f"Conflicts of interest on {topic_name(topic)}: {POLICIES[will]}"
                f" (instead of: {POLICIES[was]})."
            )
    changes += _number("The number of trustee seats", old.trustee_seats, new.trustee_seats, "seat")
    reserved_old, reserved_new = dict(old.reserved_seats), dict(new.reserved_seats)
    for name in dict.fromkeys((*reserved_old, *reserved_new)):
        changes += _number(
            f"Seats reserved for {class_name(name)}",
            reserved_old.get(name, 0),
            reserved_new.get(name, 0),
            "seat",
        )
    changes += _number("A trustee's term", old.trustee_term_years, new.trustee_term_years, "year")
    changes += _number(
        "The late-cancellation window for visits",
        old.late_cancellation_hours,
        new.late_cancellation_hours,
        "hour",
    )
    if old.late_cancellation_charge_percent != new.late_cancellation_charge_percent:
        changes.append(
            f"The charge for a late cancellation changes from"
            f" {old.late_cancellation_charge_percent}% to {new.late_cancellation_charge_percent}%."
        )
    changes += _number(
        "Travel time between a PA's visits",
        old.travel_buffer_minutes,
        new.travel_buffer_minutes,
        "minute",
    )
    changes += _number(
        "The time after its start when a visit nobody checked in to is missed",
        old.missed_after_minutes,
        new.missed_after_minutes,
        "minute",
    )
    for what, before, after in (
        (
            "A PA's pay for a late-cancelled visit",
            old.late_cancellation_pay_percent,
            new.late_cancellation_pay_percent,
        ),
        (
            "The reserve kept from each year's surplus",
            old.surplus_reserve_percent,
            new.surplus_reserve_percent,
        ),
    ):
        if before != after:
            changes.append(f"{what} changes from {before}% to {after}%.")
    if old.visit_time_rounding_minutes != new.visit_time_rounding_minutes:
        changes.append(
            f"Visit times are rounded {_rounding(new.visit_time_rounding_minutes)},"
            f" instead of {_rounding(old.visit_time_rounding_minutes)}."
        )
    return changes


def _rounding(minutes: int) -> str:
    return "to the minute" if minutes <= 1 else f"to the nearest {minutes} minutes"


# What a ballot proposes -----------------------------------------------------------------


class RulesProposal(msgspec.Struct, frozen=True, kw_only=True):
    """A ballot's proposed rules: what they change, and the version they became, if any."""

    changes: list[str]
    compared_with: int | None
    applied: RulesVersion | None


async def rules_proposed_by(pool: asyncpg.Pool, ballot_id: UUID) -> RulesProposal | None:
    """What the ballot's proposed rules change, or None if it proposes no rules.

    Before the change is applied it is compared with the rules in force; after, with
    the version it replaced, so the ballot keeps saying what it changed.
    """
    proposed = await proposed_rules(pool, ballot_id)
    if proposed is None:
        return None
    versions = await rules_versions(pool)
    applied = next((v for v in versions if v.ballot_id == ballot_id), None)
    before = [v for v in versions if applied is None or v.version < applied.version]
    base = before[-1] if before else None
    return RulesProposal(
        changes=rule_changes(base.rules, proposed) if base else [],
        compared_with=base.version if base else None,
        applied=applied,
    )
