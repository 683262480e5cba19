"""Each person's home says what concerns them and what to do next, the most urgent first,
each item a link to where it is done; members read general meetings and the rules."""

from __future__ import annotations

from datetime import timedelta

import httpx

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import Mark
from coop.domain.governance.meetings import MeetingKind
from coop.domain.membership.member_details import MemberClass
from coop.infra.mail.outbox import enqueue
from tests.people import details
from tests.web.accounts.outbox_helpers import pool_of
from tests.web.governance.test_ballots_pages import (
    AMIRA,
    TRUSTEE,
    caught_up,
    co_op,
    open_ballot,
    text_of,
)
from tests.web.helpers import open_trustee, sign_in

GRACE = "grace.okafor@example.org"


async def home_text(client: httpx.AsyncClient, path: str = "/") -> str:
    response = await client.get(path)
    assert response.status_code == 200
    return text_of(response.text)


async def test_a_member_is_asked_to_vote_first_and_told_once_they_have(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await open_ballot(client, coop, clock, electors)
    await sign_in(client, AMIRA)

    page = (await client.get("/")).text
    assert f'href="/ballots/{ballot}">Vote in Raise PA pay by 50p an hour</a>' in page
    text = text_of(page)
    assert "To do Vote in Raise PA pay by 50p an hour You have not voted yet." in text
    easy = (await client.get("/easy-read")).text
    assert f'href="/ballots/{ballot}/easy-read">Vote in Raise PA pay by 50p an hour</a>' in easy

    amira = electors["Amira Hassan"].member_id
    coop.cast_vote(ballot, amira, Mark(answer="for"), cast_by=amira)
    await caught_up(client, coop)
    text = await home_text(client)
    assert "You have voted in Raise PA pay by 50p an hour You can change your vote until" in text
    assert "To do" not in text


async def test_a_member_sees_the_general_meeting_they_are_called_to_but_no_board_meeting(
    client, coop: Coop, clock: FixedClock
) -> None:
    await co_op(client, coop)
    agm = coop.convene_meeting(
        MeetingKind.AGM,
        title="AGM 2027",
        starts_at=clock.now() + timedelta(days=30),
        held_on=(clock.now() + timedelta(days=30)).date(),
        place="The Old Library, Leeds",
        agenda=("Accounts for 2026", "Electing trustees"),
        by=TRUSTEE,
    ).subject
    board = coop.convene_meeting(
        MeetingKind.BOARD,
        title="Board, January",
        starts_at=clock.now() + timedelta(days=20),
        held_on=(clock.now() + timedelta(days=20)).date(),
        place="Online",
        agenda=("Staff pay review",),
        by=TRUSTEE,
    ).subject
    await caught_up(client, coop)
    await sign_in(client, AMIRA)

    text = await home_text(client)
    assert "AGM 2027:" in text and "Board, January" not in text
    meeting = await home_text(client, f"/meetings/{agm}")
    assert "Every member is called to this meeting." in meeting
    assert "Accounts for 2026" in meeting and "Electing trustees" in meeting
    assert "The minutes will be here after the meeting." in meeting
    assert "Board, January" not in await home_text(client, "/meetings")
    refused = await client.get(f"/meetings/{board}")
    assert refused.status_code == 404
    assert "Staff pay review" not in refused.text


async def test_members_read_the_rules_in_force_without_the_trustees_controls(
    client, coop: Coop
) -> None:
    await co_op(client, coop)
    await sign_in(client, AMIRA)

    page = (await client.get("/rules")).text
    assert "The rules in force" in page and "Version 1 of the rules." in page
    assert "/trustees/rules/propose" not in page
    easy = await home_text(client, "/rules/easy-read")
    assert "The rules say how the co-op is run." in easy
    assert "A normal decision needs more than half of the votes." in easy


async def test_a_trustees_home_leads_with_applications_and_shows_turnout_and_the_outbox(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    open_trustee(coop)
    ballot = await open_ballot(client, coop, clock, electors)
    tom = electors["Tom Whitfield"].member_id
    coop.cast_vote(ballot, tom, Mark(answer="against"), cast_by=tom)
    coop.apply_for_membership(details("Nadia Rahman", requested_class=MemberClass.CARER))
    await enqueue(pool_of(client), "x@example.org", "Hello", "Body", now=clock.now())
    await caught_up(client, coop)
    await sign_in(client, GRACE)

    text = await home_text(client)
    assert "For the trustees To do Decide 1 application to join" in text
    assert "Raise PA pay by 50p an hour is open 1 of 4 members have voted so far (25%)." in text
    assert "1 message waiting in the outbox" in text
    page = (await client.get("/trustees")).text
    assert 'href="/trustees/applications">Decide 1 application to join</a>' in page


async def test_the_menu_offers_apply_only_to_people_who_are_not_members(client, coop: Coop) -> None:
    await co_op(client, coop)
    assert 'href="/apply"' in (await client.get("/")).text
    await sign_in(client, AMIRA)
    page = (await client.get("/")).text
    assert 'href="/apply"' not in page
    assert 'href="/meetings"' in page and 'href="/rules"' in page
    assert 'href="/trustees"' not in page
