"""Idempotency keys over HTTP: a form or API command sent again with its key gets the
first answer and is done once; a member whose answer was lost is told it was done."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from uuid import UUID

import httpx

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import vote_id
from tests.web.accounts.outbox_helpers import pool_of
from tests.web.governance.test_ballots_pages import AMIRA, co_op, open_ballot, text_of
from tests.web.helpers import csrf, sign_in
from tests.web.test_api import api_application

KEY = re.compile(r'<input type="hidden" name="request_key" value="([0-9a-f-]{36})">')


async def the_form_key(client: httpx.AsyncClient, path: str) -> str:
    """The request key the page's (first) form carries."""
    found = KEY.search((await client.get(path)).text)
    assert found, f"{path} has no form with a request key"
    return found.group(1)


async def vote(client: httpx.AsyncClient, ballot: UUID, answer: str, key: str) -> httpx.Response:
    return await client.post(
        f"/ballots/{ballot}/vote",
        data={"answer": answer, "request_key": key, "_csrf_token": await csrf(client)},
    )


async def votes_saved(client: httpx.AsyncClient, ballot: UUID, member: UUID) -> int:
    return int(
        await pool_of(client).fetchval(
            "SELECT count(*) FROM coop_events WHERE originator_id = $1", vote_id(ballot, member)
        )
    )


async def amira_at_a_ballot(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> tuple[UUID, UUID]:
    electors = await co_op(client, coop)
    ballot = await open_ballot(client, coop, clock, electors)
    await sign_in(client, AMIRA)
    return ballot, electors["Amira Hassan"].member_id


async def test_each_form_carries_a_fresh_request_key(client, coop: Coop, clock) -> None:
    ballot, _ = await amira_at_a_ballot(client, coop, clock)
    first = await the_form_key(client, f"/ballots/{ballot}")
    again = await the_form_key(client, f"/ballots/{ballot}")
    assert first != again
    assert KEY.search((await client.get("/apply")).text)


async def test_a_vote_sent_again_with_its_key_gets_the_first_answer_and_counts_once(
    client, coop: Coop, clock
) -> None:
    ballot, amira = await amira_at_a_ballot(client, coop, clock)
    key = await the_form_key(client, f"/ballots/{ballot}")
    first = await vote(client, ballot, "for", key)
    assert first.status_code == 303 and first.headers["location"] == f"/ballots/{ballot}/voted"
    again = await vote(client, ballot, "for", key)
    assert again.status_code == 303 and again.headers["location"] == f"/ballots/{ballot}/voted"
    assert await votes_saved(client, ballot, amira) == 1


async def test_a_vote_whose_answer_was_lost_is_reported_done_with_its_time(
    client, coop: Coop, clock
) -> None:
    ballot, amira = await amira_at_a_ballot(client, coop, clock)
    key = await the_form_key(client, f"/ballots/{ballot}")
    assert (await vote(client, ballot, "against", key)).status_code == 303
    # As if the process died between the commit and the answer: the key was saved with
    # the vote, the answer never was.
    await pool_of(client).execute("UPDATE coop_request_keys SET status = NULL, location = NULL")
    again = await vote(client, ballot, "against", key)
    assert again.status_code == 200
    words = text_of(again.text)
    assert "This was done already" in words and "It was recorded at " in words
    assert "You do not need to send it again" in words
    assert await votes_saved(client, ballot, amira) == 1
    page = text_of((await client.get(f"/ballots/{ballot}")).text)
    assert "Your vote was recorded at " in page and "Your vote: Against" in page


async def test_a_different_answer_from_the_same_page_is_a_new_request(
    client, coop: Coop, clock
) -> None:
    ballot, amira = await amira_at_a_ballot(client, coop, clock)
    key = await the_form_key(client, f"/ballots/{ballot}")
    assert (await vote(client, ballot, "for", key)).status_code == 303
    # Back to the page as it was, and a change of mind: that vote is cast too.
    assert (await vote(client, ballot, "against", key)).status_code == 303
    assert await votes_saved(client, ballot, amira) == 2
    assert "Your vote: Against" in text_of((await client.get(f"/ballots/{ballot}")).text)


async def test_a_refused_request_keeps_no_key_and_may_be_corrected(
    client, coop: Coop, clock
) -> None:
    ballot, amira = await amira_at_a_ballot(client, coop, clock)
    key = await the_form_key(client, f"/ballots/{ballot}")
    refused = await vote(client, ballot, "", key)
    assert refused.status_code == 422
    assert await pool_of(client).fetchval("SELECT count(*) FROM coop_request_keys") == 0
    assert (await vote(client, ballot, "abstain", key)).status_code == 303
    assert await votes_saved(client, ballot, amira) == 1


async def test_an_api_command_sent_again_with_its_idempotency_key_is_done_once(
    client, coop: Coop
) -> None:
    headers = {"Idempotency-Key": "apply-amira-2026-11-23"}
    first = await client.post("/api/applications", json=api_application(), headers=headers)
    assert first.status_code == 201
    # Without the key, a second application with that e-mail is refused as a duplicate;
    # with it, the first answer comes back.
    again = await client.post("/api/applications", json=api_application(), headers=headers)
    assert (again.status_code, again.json()) == (201, first.json())
    applied = await pool_of(client).fetchval(
        "SELECT count(*) FROM coop_events WHERE topic LIKE '%Member.Applied'"
    )
    assert applied == 1
    other = await client.post(
        "/api/applications", json=api_application("Tom Whitfield"), headers=headers
    )
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert "used for a different request" in other.json()["title"]


async def test_an_idempotency_key_that_is_not_printable_ascii_is_refused(client) -> None:
    for bad in ("x" * 201, "two words"):
        answer = await client.post(
            "/api/applications", json=api_application(), headers={"Idempotency-Key": bad}
        )
        assert answer.status_code == 400, bad
        assert "Idempotency-Key" in answer.json()["title"]
    assert await pool_of(client).fetchval("SELECT count(*) FROM coop_events") == 0


async def test_a_secret_votes_key_points_at_the_record_of_voting_never_the_paper(
    client, coop: Coop, clock
) -> None:
    electors = await co_op(client, coop)
    ballot = await open_ballot(client, coop, clock, electors, secret=True)
    await sign_in(client, AMIRA)
    key = await the_form_key(client, f"/ballots/{ballot}")
    assert (await vote(client, ballot, "for", key)).status_code == 200  # the receipt page
    topic = await pool_of(client).fetchval(
        "SELECT e.topic FROM coop_request_keys k"
        " JOIN coop_events e ON e.notification_id = k.event_position WHERE k.key = $1",
        key,
    )
    assert topic is not None and "Participation" in topic and "Paper" not in topic
    # Sent again, it is reported done, with no receipt shown again and no second paper.
    again = await vote(client, ballot, "for", key)
    assert "This was done already" in text_of(again.text)
    papers = await pool_of(client).fetchval(
        "SELECT count(*) FROM coop_events WHERE topic LIKE '%Paper%'"
    )
    assert papers == 1


async def test_the_same_vote_sent_twice_at_once_is_done_once(client, coop: Coop, clock) -> None:
    ballot, amira = await amira_at_a_ballot(client, coop, clock)
    for answer in ("for", "against", "abstain"):  # each a double click
        key = await the_form_key(client, f"/ballots/{ballot}")
        both = await asyncio.gather(*(vote(client, ballot, answer, key) for _ in range(2)))
        # The second waits for the first's answer (303), or is told it was done (200) or
        # is being done (409), depending on how far the first had got.
        assert 303 in [r.status_code for r in both]
        for r in both:
            assert r.status_code in (200, 303, 409)
            if r.status_code == 200:
                assert "This was done already" in text_of(r.text)
            if r.status_code == 409:
                assert "This is being done already" in text_of(r.text)
                assert r.headers["retry-after"] == "2"
    assert await votes_saved(client, ballot, amira) == 3
    assert "Your vote: Abstain" in text_of((await client.get(f"/ballots/{ballot}")).text)


async def test_the_same_api_command_sent_twice_at_once_is_done_once(client) -> None:
    headers = {"Idempotency-Key": "apply-amira-twice"}
    both = await asyncio.gather(
        *(client.post("/api/applications", json=api_application(), headers=headers) for _ in "ab")
    )
    assert sorted(r.status_code for r in both) in ([200, 201], [201, 201], [201, 409])
    assert (
        await pool_of(client).fetchval(
            "SELECT count(*) FROM coop_events WHERE topic LIKE '%Member.Applied'"
        )
        == 1
    )


def test_every_form_template_carries_a_request_key_beside_its_csrf_token() -> None:
    # One line per form: {{ request_key_input }} beside {{ csrf_input | safe }}.
    templates = Path(__file__).resolve().parents[2] / "coop" / "web" / "templates"
    missing = [
        str(t.relative_to(templates))
        for t in sorted(templates.rglob("*.html"))
        if t.read_text().count("{{ csrf_input | safe }}")
        != t.read_text().count("{{ request_key_input }}")
    ]
    assert missing == [], "add {{ request_key_input }} beside {{ csrf_input | safe }} in these"
