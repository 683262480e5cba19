"""Ballots open and close on time by the app's own scheduler, on the injected clock."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import BallotKind, Mark, Option
from coop.domain.governance.rules import model_rules
from coop.domain.membership.member_details import MemberClass, Office
from coop.projections.governance.queries import not_voted_yet, turnout
from coop.scheduler import tick
from tests.people import details
from tests.web.governance.test_ballots_pages import text_of
from tests.web.helpers import open_trustee, sign_in

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


async def test_an_election_opened_on_time_reserves_the_rules_seats_less_the_trustees_staying_on(
    client, coop: Coop, clock: FixedClock
) -> None:
    s = client.app.state["services"]
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026")  # 2 user seats, 1 carer, 1 PA
    people = {}
    for name, cls in [
        ("Amira Hassan", MemberClass.USER),
        ("Tom Whitfield", MemberClass.USER),
        ("Priya Raman", MemberClass.CARER),
        ("Ewan McAllister", MemberClass.PA),
        ("Siobhan Kelly", MemberClass.USER),
        ("Marcus Boateng", MemberClass.PA),
        ("Hannah Lewis", MemberClass.USER),
    ]:
        people[name] = coop.apply_for_membership(details(name, requested_class=cls)).subject
        coop.admit(people[name], by=TRUSTEE, minute_reference="BM-1")
    # Siobhan and Marcus were elected three years before this election: their terms end with it.
    for name in ("Siobhan Kelly", "Marcus Boateng"):
        coop.take_office(people[name], Office.TRUSTEE, by=TRUSTEE, reference="AGM 2026")
    clock.advance(timedelta(days=730))
    coop.take_office(people["Hannah Lewis"], Office.TRUSTEE, by=TRUSTEE, reference="AGM 2028")
    clock.advance(timedelta(days=362))
    standing = ("Amira Hassan", "Tom Whitfield", "Ewan McAllister")
    ballot = coop.draft_ballot(
        kind=BallotKind.ELECTION,
        title="Trustee election 2029",
        question="Elect two trustees",
        seats=2,
        options=tuple(
            Option(id=str(people[n]), label=n, member_class=c)
            for n, c in zip(standing, ("user", "user", "pa"), strict=True)
        ),
        opens_at=clock.now() + timedelta(hours=1),
        closes_at=clock.now() + timedelta(days=7),
        by=TRUSTEE,
    ).subject
    clock.advance(timedelta(hours=1))
    await tick(s)
    assert coop.repository.get(ballot).reserved == {"user": 1, "carer": 1, "pa": 0}
    open_trustee(coop)
    await s.seen(coop.recorder.max_notification_id() or 0, "governance", "accounts", "members")
    assert (await sign_in(client, "grace.okafor@example.org")).status_code == 303

    reserved = (
        "Reserved seats 1 seat is reserved for a user: 1 user trustee continues in office."
        " 1 seat is reserved for a carer, as the rules say."
        " No seats are reserved for PAs: this election fills only 2 seats."
    )
    page = text_of((await client.get(f"/ballots/{ballot}")).text)
    assert reserved in page
    admin = text_of((await client.get(f"/trustees/ballots/{ballot}")).text)
    assert reserved in admin
    assert (
        "Trustees continuing in office when voting opened:"
        " Hannah Lewis (user, appointed 22 November 2028)." in admin
    )

    # Ewan (a PA) leads; with a user trustee staying on, only one user seat is reserved.
    for voter, first in [
        ("Ewan McAllister", "Ewan McAllister"),
        ("Marcus Boateng", "Ewan McAllister"),
        ("Priya Raman", "Ewan McAllister"),
        ("Amira Hassan", "Amira Hassan"),
        ("Siobhan Kelly", "Amira Hassan"),
        ("Tom Whitfield", "Tom Whitfield"),
    ]:
        mark = Mark(ranking=(str(people[first]),))
        coop.cast_vote(ballot, people[voter], mark, cast_by=people[voter])
    clock.advance(timedelta(days=7))
    await tick(s)
    await s.seen(coop.recorder.max_notification_id() or 0, "governance")
    assert (await sign_in(client, "grace.okafor@example.org")).status_code == 303  # a week on
    results = text_of((await client.get(f"/ballots/{ballot}/results")).text)
    assert "Elected: Ewan McAllister, Amira Hassan" in results
    assert reserved in results
