"""The co-op's rules (its constitution, as data), adopted and amended only by events."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from fractions import Fraction
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from coop.domain.errors import CoopError, InvalidInput
from coop.domain.stored_names import stored_under

_NAMESPACE = UUID("1a7e3c52-0d4b-4f3e-9a61-5b7f2c9e8d10")
RULES_ID = uuid5(_NAMESPACE, "rules")


class SpecialResolution(StrEnum):
    """Which special-resolution variant the rules use (SPEC: Rules)."""

    OVERALL_75 = "75_overall"  # at least 75 % of weighted votes cast
    EACH_CLASS_AND_75 = "75_and_each_class"  # a majority in each class and 75 % overall
    TWO_THIRDS_CONFIRMED = "two_thirds_confirmed"  # two-thirds, confirmed at a second meeting


class ConflictPolicy(StrEnum):
    DECLARE = "declare"  # declarations are shown; declared members still vote
    RECUSE = "recuse"  # declared members cannot vote on it


class ClassRule(msgspec.Struct, frozen=True, kw_only=True):
    """A member class: whether it votes, and the share of every vote it carries."""

    name: str
    votes: bool
    weight: str  # an exact fraction such as "1/2" (weights of voting classes sum to 1)


class TopicRule(msgspec.Struct, frozen=True, kw_only=True):
    """The conflict-of-interest policy for ballots on one topic (e.g. "pa_pay")."""

    topic: str
    policy: ConflictPolicy


class RuleBook(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the rules set. Exact: weights and fractions are written as "a/b"."""

    classes: tuple[ClassRule, ...]
    quorum_fraction: str  # of voting members, e.g. "1/10"
    quorum_at_most: int | None  # "... or 20, whichever is lower"
    quorum_each_class: bool
    special_resolution: SpecialResolution
    general_meeting_notice_days: int  # clear days
    board_meeting_notice_days: int
    conflict_policies: tuple[TopicRule, ...]
    trustee_seats: int
    reserved_seats: tuple[tuple[str, int], ...]  # (class, seats)
    trustee_term_years: int
    late_cancellation_hours: int
    late_cancellation_charge_percent: int
    travel_buffer_minutes: int
    # Added after rules were first stored: the default keeps older events decodable.
    missed_after_minutes: int = 30  # a visit with no check-in this long after its start is missed
    # The money's rules (finance), added later with defaults for the same reason.
    visit_time_rounding_minutes: int = 0  # check-in and -out rounded to this (0: the minute)
    late_cancellation_pay_percent: int = 0  # of a late-cancelled visit's pay the PA still gets
    surplus_reserve_percent: int = 10  # of a period's surplus kept back, never distributed

    def weights(self) -> dict[str, Fraction]:
        """Each voting class's weight."""
        return {c.name: Fraction(c.weight) for c in self.classes if c.votes}

    def voting_classes(self) -> set[str]:
        return {c.name for c in self.classes if c.votes}

    def policy_for(self, topic: str) -> ConflictPolicy:
        for rule in self.conflict_policies:
            if rule.topic == topic:
                return rule.policy
        return ConflictPolicy.DECLARE

    def check(self) -> None:
        """Refuse rules that cannot work, saying what is wrong."""
        names = [c.name for c in self.classes]
        if len(set(names)) != len(names):
            raise InvalidInput("Each member class can appear only once in the rules.", "classes")
        try:
            weights = self.weights()
            Fraction(self.quorum_fraction)
        except (ValueError, ZeroDivisionError):
            raise InvalidInput(
                "Weights and the quorum must be fractions such as 1/2 or 1/10.", "classes"
            ) from None
        if not weights:
            raise InvalidInput("At least one member class must vote.", "classes")
        if any(w <= 0 for w in weights.values()) or sum(weights.values()) != 1:
            raise InvalidInput(
                "The voting classes' weights must be more than 0 and add up to exactly 1"
                f" (they add up to {sum(weights.values())}).",
                "classes",
            )
        if not 0 < Fraction(self.quorum_fraction) <= 1:
            raise InvalidInput("The quorum must be a fraction between 0 and 1.", "quorum")
        if self.general_meeting_notice_days < 0 or self.board_meeting_notice_days < 0:
            raise InvalidInput("Notice periods can't be negative.", "notice")
        if self.trustee_seats < 1 or sum(n for _, n in self.reserved_seats) > self.trustee_seats:
            raise InvalidInput(
                "Reserved seats can't add up to more than the trustee seats.", "seats"
            )
        if any(c not in names or n < 0 for c, n in self.reserved_seats):
            raise InvalidInput("Reserved seats must name a member class in the rules.", "seats")
        self._check_money()

    def _check_money(self) -> None:
        rounding = self.visit_time_rounding_minutes
        if rounding < 0 or (rounding and 60 % rounding):
            raise InvalidInput(
                "Visit times can be rounded to a number of minutes that divides an hour"
                " (1, 5, 10, 15, 30 or 60), or not at all (0).",
                "visit_time_rounding_minutes",
            )
        for field, percent in (
            ("late_cancellation_charge_percent", self.late_cancellation_charge_percent),
            ("late_cancellation_pay_percent", self.late_cancellation_pay_percent),
            ("surplus_reserve_percent", self.surplus_reserve_percent),
        ):
            if not 0 <= percent <= 100:
                raise InvalidInput("A percentage in the rules must be from 0 to 100.", field)


def model_rules() -> RuleBook:
    """Sensible rules for a care co-op of users, carers and PAs (the demo adopts these)."""
    return RuleBook(
        classes=(
            ClassRule(name="user", votes=True, weight="1/2"),
            ClassRule(name="carer", votes=True, weight="1/4"),
            ClassRule(name="pa", votes=True, weight="1/4"),
        ),
        quorum_fraction="1/10",
        quorum_at_most=20,
        quorum_each_class=False,
        special_resolution=SpecialResolution.OVERALL_75,
        general_meeting_notice_days=14,
        board_meeting_notice_days=7,
        conflict_policies=(
            TopicRule(topic="pa_pay", policy=ConflictPolicy.DECLARE),
            TopicRule(topic="trustee_pay", policy=ConflictPolicy.RECUSE),
        ),
        trustee_seats=5,
        reserved_seats=(("user", 2), ("carer", 1), ("pa", 1)),
        trustee_term_years=3,
        late_cancellation_hours=24,
        late_cancellation_charge_percent=50,
        travel_buffer_minutes=15,
    )


class RulesNotAdopted(CoopError):
    def __init__(self) -> None:
        super().__init__("The co-op has not adopted its rules in coop yet.")


class Rules(Aggregate):
    """The rules in force. Version n of this aggregate is "rules version n"."""

    class Adopted(Aggregate.Created):
        rules: RuleBook
        on: date
        by: UUID
        reference: str

    class Amended(Aggregate.Event):
        rules: RuleBook
        on: date
        ballot_id: UUID  # the special resolution that made the change
        reference: str

    @staticmethod
    def create_id() -> UUID:
        return RULES_ID

    @event(Adopted)
    def __init__(self, rules: RuleBook, on: date, by: UUID, reference: str) -> None:
        self.rules = rules

    def amend(self, rules: RuleBook, *, on: date, ballot_id: UUID, reference: str) -> None:
        """Change the rules, as a special resolution decided."""
        rules.check()
        if rules == self.rules:
            raise InvalidInput("The amended rules are the same as the rules in force.")
        self._amended(rules=rules, on=on, ballot_id=ballot_id, reference=reference)

    @event(Amended)
    def _amended(self, rules: RuleBook, on: date, ballot_id: UUID, reference: str) -> None:
        self.rules = rules


# Stored in the log before governance and membership had rooms of their own.
stored_under(__name__, "coop.domain.rules")
