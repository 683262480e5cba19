"""Ballots open and close on time by the app's own scheduler, on the injected clock."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.ballots import BallotKind, Mark
from coop.domain.details import MemberClass
from coop.domain.rules import model_rules
from coop.projections.governance import not_voted_yet, turnout
from coop.scheduler import tick
from tests.people import details

TRUSTEE = uuid4()


async def test_a_ballot_opens_and_is_counted_on_time_with_the_members_of_the_day(
    client, coop: Coop, clock: FixedClock
) -> None:
    s = client.app.state["services"]
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026")
    members = []
    for name, cls in [
        ("Amira Hassan", MemberClass.USER),
        ("Priya Raman", MemberClass.CARER),
        ("Ewan McAllister", MemberClass.PA),
    ]:
        member = coop.apply_for_membership(details(name, requested_class=cls)).subject
        coop.admit(member, by=TRUSTEE, minute_reference="BM-1")
        members.append(member)
    ballot = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Adopt the new rota policy",
        question="Adopt it?",
        opens_at=clock.now() + timedelta(hours=1),
        closes_at=clock.now() + timedelta(days=7),
        by=TRUSTEE,
    ).subject
    await tick(s)
    assert coop.repository.get(ballot).state == "drafted"  # not yet
    applicant = coop.apply_for_membership(details("Jade Thornton")).subject  # not admitted

    clock.advance(timedelta(hours=1))
    await tick(s)  # (the app's own background tick may get there first: either is fine)
    assert coop.repository.get(ballot).state == "open"
    await s.seen(coop.recorder.max_notification_id() or 0, "governance")
    assert sorted(await not_voted_yet(s.pool, ballot)) == sorted(members)
    assert applicant not in await not_voted_yet(s.pool, ballot)

    done = coop.cast_vote(ballot, members[0], Mark(answer="for"), cast_by=members[0])
    await s.seen(done.position, "governance")
    assert {t.member_class: (t.electorate, t.voted) for t in await turnout(s.pool, ballot)} == {
        "user": (1, 1),
        "carer": (1, 0),
        "pa": (1, 0),
    }
    assert members[0] not in await not_voted_yet(s.pool, ballot)  # no reminder for her

    clock.advance(timedelta(days=7))
    await tick(s)
    assert coop.repository.get(ballot).state == "counted"
    result = coop.repository.get(ballot).result
    assert result["turnout"] == {"user": 1} and result["outcome"]
