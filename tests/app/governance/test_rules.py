"""The rules change only by a carried special resolution that proposed them."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import asyncpg
import msgspec
import pytest

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.errors import InvalidInput
from coop.domain.governance.ballots import BallotError, BallotKind, Mark
from coop.domain.governance.rules import ClassRule, RuleBook, model_rules
from coop.infra.sealing import master_key
from coop.projections.governance.rules import proposed_rules, rules_versions
from coop.projections.runner import catch_up
from tests.app.governance.test_ballots import TRUSTEE, co_op
from tests.conftest import SECRET

CARERS_30 = msgspec.structs.replace(
    model_rules(),
    classes=(
        ClassRule(name="user", votes=True, weight="1/2"),
        ClassRule(name="carer", votes=True, weight="3/10"),
        ClassRule(name="pa", votes=True, weight="1/5"),
    ),
    general_meeting_notice_days=21,
)


def proposal(coop: Coop, clock: FixedClock, rules: RuleBook, *, special: bool = True) -> UUID:
    now = clock.now()
    return coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Give carers a bigger say",
        question="Adopt the new rules?",
        topic="rules",
        special=special,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        proposed_rules=rules,
        by=TRUSTEE,
    ).subject


def events(coop: Coop) -> int:
    return coop.recorder.max_notification_id() or 0


async def test_a_carried_special_resolution_makes_the_next_version_of_the_rules(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    electors = co_op(coop)
    ballot = proposal(coop, clock, CARERS_30)
    coop.open_ballot(ballot, electors)
    for e in electors:
        coop.cast_vote(ballot, e.member_id, Mark(answer="for"), cast_by=e.member_id)
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    clock.advance(timedelta(days=1))
    coop.amend_rules(ballot, reference="AGM 2026 resolution 4")

    rules = coop.rules_in_force()
    assert rules.version == 2 and rules.rules == CARERS_30
    later = proposal(coop, clock, model_rules())
    coop.open_ballot(later, electors)
    assert coop.repository.get(later).rules_version == 2  # later ballots use the new rules

    async with pool.acquire() as conn:
        await catch_up(conn, master_key(SECRET))
    versions = await rules_versions(pool)
    assert [(v.version, v.ballot_id, v.reference) for v in versions] == [
        (1, None, "AGM 2026 resolution 1"),
        (2, ballot, "AGM 2026 resolution 4"),
    ]
    assert versions[1].rules == CARERS_30 and str(versions[1].adopted_on) == "2026-12-01"
    assert versions[1].ballot_title == "Give carers a bigger say"
    assert await proposed_rules(pool, ballot) == CARERS_30

    before = events(coop)
    with pytest.raises(InvalidInput, match="same as the rules in force"):
        coop.amend_rules(ballot, reference="AGM 2026 resolution 4")
    assert events(coop) == before


def test_rules_are_proposed_only_by_a_special_resolution_and_only_if_they_can_work(
    coop: Coop, clock: FixedClock
) -> None:
    co_op(coop)
    before = events(coop)
    with pytest.raises(InvalidInput, match="only be proposed by a special resolution"):
        proposal(coop, clock, CARERS_30, special=False)
    broken = msgspec.structs.replace(CARERS_30, trustee_seats=3)  # 4 seats are reserved
    with pytest.raises(InvalidInput, match="Reserved seats can't add up to more"):
        proposal(coop, clock, broken)
    assert events(coop) == before


def test_a_resolution_not_carried_or_not_counted_leaves_the_rules_alone(
    coop: Coop, clock: FixedClock
) -> None:
    electors = co_op(coop)
    ballot = proposal(coop, clock, CARERS_30)
    with pytest.raises(BallotError, match="Only a counted special resolution"):
        coop.amend_rules(ballot, reference="AGM 2026 resolution 4")
    coop.open_ballot(ballot, electors)
    for e in electors:
        coop.cast_vote(ballot, e.member_id, Mark(answer="against"), cast_by=e.member_id)
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    before = events(coop)
    with pytest.raises(BallotError, match="not carried, so the rules stay as they are"):
        coop.amend_rules(ballot, reference="AGM 2026 resolution 4")
    assert events(coop) == before and coop.rules_in_force().version == 1
