"""The Member aggregate and membership numbers, without a database."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from coop.domain.membership.members import AlreadyDecided, Decision, Member, MembershipNumbers
from tests.people import details


def decision() -> Decision:
    return Decision(by=uuid4(), on=date(2026, 11, 23), minute_reference="B2026-11 item 4")


def test_an_application_awaits_a_decision() -> None:
    member = Member(details=details("Amira Hassan"), applied_on=date(2026, 11, 1))
    assert member.status == "applied"
    assert member.number is None


def test_admission_allots_the_number_and_one_share() -> None:
    member = Member(details=details(), applied_on=date(2026, 11, 1))
    member.admit(7, decision())
    admitted = member.collect_events()[-1]
    assert member.status == "admitted" and member.number == 7
    assert admitted.shares == 1 and admitted.amount_paid_pence == 100


def test_a_decided_application_cannot_be_decided_again() -> None:
    member = Member(details=details(), applied_on=date(2026, 11, 1))
    member.refuse("Not a PA for any member", decision())
    with pytest.raises(AlreadyDecided, match="already been decided: the applicant was refused"):
        member.admit(1, decision())
    with pytest.raises(AlreadyDecided):
        member.refuse("again", decision())


def test_membership_numbers_are_consecutive_from_one() -> None:
    numbers = MembershipNumbers()
    allotted = [numbers.allot(uuid4()) for _ in range(5)]
    assert allotted == [1, 2, 3, 4, 5]


def test_replaying_history_does_not_rerun_todays_rules() -> None:
    member = Member(details=details(), applied_on=date(2026, 11, 1))
    member.admit(3, decision())
    events = member.collect_events()
    replayed = None
    for event in events:
        replayed = event.mutate(replayed)
    assert replayed is not None and replayed.status == "admitted" and replayed.number == 3
