"""A voter alone (or nearly) in their class: what a secret ballot publishes of them.

An election's published papers carry no class, so a lone carer's ranking is not
marked out as hers. A class-weighted ballot must publish each class's votes to stay
checkable, so trustees are warned before it opens, and the voter before they vote.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import httpx

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import BallotKind, Mark
from tests.web.governance.test_ballot_files import election, published
from tests.web.governance.test_ballots_pages import (
    AMIRA,
    TRUSTEE,
    caught_up,
    co_op,
    count,
    open_ballot,
    text_of,
)
from tests.web.helpers import open_trustee, sign_in

PRIYA = "priya.raman@example.org"  # the co-op's only carer
TOM = "tom.whitfield@example.org"  # one of its two users

WARNED = "If voting opened now, this secret ballot could not keep every vote secret."
ONLY_CARER = "Only 1 carer can vote: if they do, the result will show how they voted."
ONLY_PA = "Only 1 PA can vote"
TWO_USERS = "Only 2 users can vote: each of them will be able to tell how the other voted"


def draft(coop: Coop, clock: FixedClock, *, secret: bool, kind: BallotKind) -> UUID:
    fields = {"question": "Should the co-op raise PA pay by 50p an hour?", "topic": "pa_pay"}
    if kind is BallotKind.ELECTION:
        fields = {"question": "Who should be our trustees?", "topic": "", "seats": 2}
    return coop.draft_ballot(
        kind=kind,
        title="A ballot next week",
        secret=secret,
        opens_at=clock.now() + timedelta(days=7),
        closes_at=clock.now() + timedelta(days=14),
        by=TRUSTEE,
        **fields,
    ).subject


async def test_trustees_are_warned_before_a_secret_weighted_ballot_opens_with_tiny_classes(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    await co_op(client, coop)  # 2 users, 1 carer, 1 PA
    open_trustee(coop)
    secret = draft(coop, clock, secret=True, kind=BallotKind.RESOLUTION)
    not_secret = draft(coop, clock, secret=False, kind=BallotKind.RESOLUTION)
    secret_election = draft(coop, clock, secret=True, kind=BallotKind.ELECTION)
    await caught_up(client, coop)
    await sign_in(client, "grace.okafor@example.org")

    page = text_of((await client.get(f"/trustees/ballots/{secret}")).text)
    assert WARNED in page
    assert ONLY_CARER in page and ONLY_PA in page and TWO_USERS in page
    assert page.index(WARNED) < page.index("Open the ballot now")  # read before the button
    for other in (not_secret, secret_election):  # nothing in them singles anyone out
        assert WARNED not in text_of((await client.get(f"/trustees/ballots/{other}")).text)


async def test_the_only_carer_is_told_before_she_votes_and_a_larger_class_is_not(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)  # 2 users, 1 carer, 1 PA
    ballot = await open_ballot(client, coop, clock, electors, secret=True)

    await sign_in(client, PRIYA)
    page = text_of((await client.get(f"/ballots/{ballot}")).text)
    assert "You are the only carer who can vote in this ballot." in page
    easy = text_of((await client.get(f"/ballots/{ballot}/easy-read")).text)
    assert "Only 1 or 2 people in your group can vote." in easy

    client.cookies.clear()
    await sign_in(client, TOM)
    page = text_of((await client.get(f"/ballots/{ballot}")).text)
    assert "You are one of only 2 users who can vote in this ballot." in page
    assert "the only carer" not in page


async def test_a_secret_elections_published_papers_do_not_say_the_voters_class(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await election(client, coop, clock, electors, secret=True)
    papers = (await published(client, ballot))["papers"]
    assert len(papers) == 4
    assert all(set(p) == {"receipt", "mark"} for p in papers)  # no class, no interest
    await sign_in(client, AMIRA)
    page = (await client.get(f"/ballots/{ballot}/results")).text
    assert "nor their class: every paper counts alike in an election" in text_of(page)
    papers_table = page.split('id="papers"')[1]
    assert ">Class<" not in papers_table and ">Carers<" not in papers_table


async def test_a_secret_resolutions_papers_still_say_the_class_its_count_weighs(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await open_ballot(client, coop, clock, electors, secret=True)
    for e in electors.values():
        coop.cast_vote(ballot, e.member_id, Mark(answer="for"), cast_by=e.member_id)
    await count(client, coop, clock, ballot)
    papers = (await published(client, ballot))["papers"]
    assert sorted(p["member_class"] for p in papers) == ["carer", "pa", "user", "user"]
    assert all("conflicted" in p for p in papers)  # its result is also shown without them
