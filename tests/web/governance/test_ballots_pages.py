"""Members' ballot pages over HTTP: the list, voting and changing a vote, secret receipts,
refusals that change nothing, the live turnout, Easy Read, and the results."""

from __future__ import annotations

import asyncio
import contextlib
import re
from datetime import timedelta
from html import unescape
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.errors import CoopError
from coop.domain.governance.ballots import BallotError, BallotKind, Elector, Mark, Option
from coop.domain.governance.rules import model_rules
from coop.domain.membership.member_details import MemberClass
from coop.web.accounts.passwords import hash_password
from tests.people import details
from tests.web.accounts.outbox_helpers import pool_of
from tests.web.helpers import TRUSTEE_PASSWORD, post_form, sign_in

TRUSTEE = uuid4()
PASSWORD_HASH = hash_password(TRUSTEE_PASSWORD)  # slow on purpose: make it once
PEOPLE = [
    ("Amira Hassan", MemberClass.USER),
    ("Tom Whitfield", MemberClass.USER),
    ("Priya Raman", MemberClass.CARER),
    ("Ewan McAllister", MemberClass.PA),
]
AMIRA = "amira.hassan@example.org"
RECEIPT = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


async def caught_up(client: httpx.AsyncClient, coop: Coop) -> None:
    s = client.app.state["services"]  # type: ignore[attr-defined]
    await s.seen(
        coop.recorder.max_notification_id() or 0,
        "governance",
        "members",
        "accounts",
        "rules",
        "meetings",
        "advocacy",
    )


def join(coop: Coop, name: str, member_class: MemberClass = MemberClass.USER) -> UUID:
    """An admitted member with an account (password TRUSTEE_PASSWORD)."""
    member_id = coop.apply_for_membership(details(name, requested_class=member_class)).subject
    coop.admit(member_id, by=TRUSTEE, minute_reference="BM-1")
    coop.open_account(
        name=name,
        email=details(name).email,
        password_hash=PASSWORD_HASH,
        roles=(),
        member_id=member_id,
    )
    return member_id


async def co_op(client: httpx.AsyncClient, coop: Coop) -> dict[str, Elector]:
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026 resolution 1")
    electors = {name: Elector(join(coop, name, cls), str(cls)) for name, cls in PEOPLE}
    await caught_up(client, coop)
    return electors


async def open_ballot(
    client: httpx.AsyncClient,
    coop: Coop,
    clock: FixedClock,
    electors: dict[str, Elector],
    kind: BallotKind = BallotKind.RESOLUTION,
    **fields: Any,
) -> UUID:
    """A ballot opening now, for a week. (The app's own scheduler may open it first:
    then its electorate is the same members, everyone admitted so far.)"""
    defaults: dict[str, Any] = {
        "title": "Raise PA pay by 50p an hour",
        "question": "Should the co-op raise PA pay by 50p an hour from April?",
        "topic": "pa_pay",
    }
    ballot = coop.draft_ballot(
        kind=kind,
        opens_at=clock.now(),
        closes_at=clock.now() + timedelta(days=7),
        by=TRUSTEE,
        **{**defaults, **fields},
    ).subject
    with contextlib.suppress(BallotError):
        coop.open_ballot(ballot, list(electors.values()))
    await caught_up(client, coop)
    return ballot


async def count(client: httpx.AsyncClient, coop: Coop, clock: FixedClock, ballot: UUID) -> None:
    """Past the close, counted (by us, or by the app's scheduler if it gets there first)."""
    clock.advance(timedelta(days=7, minutes=1))
    with contextlib.suppress(CoopError):
        coop.close_ballot(ballot)
    await caught_up(client, coop)


async def events(client: httpx.AsyncClient) -> int:
    return int(await pool_of(client).fetchval("SELECT count(*) FROM coop_events"))


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def candidates(electors: dict[str, Elector]) -> tuple[Option, ...]:
    return tuple(
        Option(id=str(e.member_id), label=name, member_class=e.member_class)
        for name, e in list(electors.items())[:3]
    )


REINVESTMENT_OPTIONS = (
    Option(id="pa-pay", label="50p an hour more for PAs", cost_pence=600_000, benefits="pas"),
    Option(id="respite", label="Respite breaks for carers", cost_pence=300_000, benefits="carers"),
)


# The list and the ballot page ----------------------------------------------------------


async def test_a_member_sees_open_upcoming_and_closed_ballots_and_whether_they_have_voted(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    done = await open_ballot(client, coop, clock, electors, title="Closed already")
    amira = electors["Amira Hassan"].member_id
    coop.cast_vote(done, amira, Mark(answer="for"), cast_by=amira)
    await count(client, coop, clock, done)
    voted = await open_ballot(client, coop, clock, electors, title="Adopt the rota policy")
    await open_ballot(client, coop, clock, electors, title="Buy a minibus")
    coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Change the AGM date",
        question="Move the AGM to June?",
        opens_at=clock.now() + timedelta(days=3),
        closes_at=clock.now() + timedelta(days=10),
        by=TRUSTEE,
    )
    await caught_up(client, coop)
    await sign_in(client, AMIRA)
    assert (await post_form(client, f"/ballots/{voted}/vote", {"answer": "for"})).status_code == 303

    page = await client.get("/ballots")
    assert page.status_code == 200 and "<title>Ballots – coop</title>" in page.text
    assert 'href="/ballots" aria-current="page"' in page.text  # in the navigation
    text = text_of(page.text)
    open_part, _, rest = text.partition("Coming up")
    upcoming, _, closed = rest.partition("Closed")
    assert (
        "Adopt the rota policy Resolution. Voting closes at 10:01am on Monday 7 December 2026"
        in (open_part)
    )
    assert re.search(r"Adopt the rota policy .*? You have voted", open_part)
    assert re.search(r"Buy a minibus .*? You have not voted yet", open_part)
    assert "Change the AGM date" in upcoming and "Voting opens at 10:01am on Thursday" in upcoming
    assert "Closed already" in closed and "Outcome: Carried" in closed
    assert f'href="/ballots/{done}/results"' in page.text


async def test_the_ballot_page_says_what_it_decides_when_and_how_secret(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await open_ballot(client, coop, clock, electors, secret=True)
    await sign_in(client, AMIRA)
    page = await client.get(f"/ballots/{ballot}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "<title>Raise PA pay by 50p an hour – coop</title>" in page.text
    assert "Should the co-op raise PA pay by 50p an hour from April?" in text
    assert "more than half of the weighted votes for and against" in text
    assert "Voting opened 10am on Monday 23 November 2026" in text
    assert "Voting closes 10am on Monday 30 November 2026" in text
    assert "Secret: nobody can see how you voted" in text
    assert "0 of 4 members have voted" in text and "You have not voted yet" in text
    assert 'name="answer" type="radio" value="for"' in page.text
    assert f'href="/ballots/{ballot}/easy-read"' in page.text


# Voting ---------------------------------------------------------------------------------


async def test_a_member_votes_then_changes_her_vote_and_only_the_last_counts(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await open_ballot(client, coop, clock, electors)
    await sign_in(client, AMIRA)
    first = await post_form(client, f"/ballots/{ballot}/vote", {"answer": "against"})
    assert first.status_code == 303 and first.headers["location"] == f"/ballots/{ballot}/voted"
    confirmation = await client.get(first.headers["location"])
    assert "Your vote has been recorded" in confirmation.text
    assert "Your vote: <strong>Against</strong>" in confirmation.text
    assert "receipt code" not in confirmation.text  # an open ballot has none

    page = await client.get(f"/ballots/{ballot}")
    text = text_of(page.text)
    assert "Your vote was recorded at 10am on Monday 23 November 2026. Your vote: Against" in text
    assert "Change your vote: only your last vote counts" in text
    assert 'value="against" checked' in page.text  # the form starts from her vote
    assert "1 of 4 members have voted" in text

    again = await post_form(client, f"/ballots/{ballot}/vote", {"answer": "for"})
    assert again.status_code == 303
    assert "Your vote: <strong>For</strong>" in (await client.get(f"/ballots/{ballot}/voted")).text
    await count(client, coop, clock, ballot)
    result = coop.repository.get(ballot).result
    assert result["turnout"] == {"user": 1} and result["classes"][0]["votes_for"] == 1
    assert result["classes"][0]["votes_against"] == 0


async def test_an_election_is_voted_by_numbering_the_candidates(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    options = candidates(electors)
    ballot = await open_ballot(
        client,
        coop,
        clock,
        electors,
        BallotKind.ELECTION,
        title="Trustee election 2026",
        question="Elect one trustee",
        seats=1,
        options=options,
    )
    await sign_in(client, AMIRA)
    page = await client.get(f"/ballots/{ballot}")
    for i, option in enumerate(options, 1):
        assert f'id="rank-{i}" name="rank-{option.id}" type="text" inputmode="numeric"' in page.text
    amira, tom, priya = (o.id for o in options)
    form = {f"rank-{priya}": "1", f"rank-{amira}": " 2 ", f"rank-{tom}": ""}
    assert (await post_form(client, f"/ballots/{ballot}/vote", form)).status_code == 303
    confirmation = await client.get(f"/ballots/{ballot}/voted")
    assert "1. Priya Raman, 2. Amira Hassan" in confirmation.text


async def test_a_secret_ballot_shows_the_receipt_once_and_it_checks_out_after_the_count(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await open_ballot(client, coop, clock, electors, secret=True)
    await sign_in(client, AMIRA)
    first = await post_form(client, f"/ballots/{ballot}/vote", {"answer": "against"})
    assert first.status_code == 200  # shown straight away, never redirected to
    answer = await post_form(client, f"/ballots/{ballot}/vote", {"answer": "for"})
    assert answer.status_code == 200 and "Your vote has been recorded" in answer.text
    assert answer.headers["cache-control"] == "no-store"
    receipt = RECEIPT.search(text_of(answer.text.split("<main")[1]))
    assert receipt is not None
    code = receipt.group()
    old_code = RECEIPT.search(text_of(first.text.split("<main")[1])).group()  # type: ignore[union-attr]
    assert "We show it only this once" in answer.text
    for later in (f"/ballots/{ballot}/voted", f"/ballots/{ballot}", "/ballots"):
        shown = await client.get(later)
        assert shown.status_code == 200 and code not in shown.text
    assert "Your vote:" not in (await client.get(f"/ballots/{ballot}/voted")).text
    tables = ("ballots", "ballot_electors", "web_sessions", "accounts", "outbox")
    for table in tables:  # nothing on the read side keeps it
        dump = await pool_of(client).fetchval(
            f"SELECT coalesce(json_agg(t)::text, '') FROM {table} t"
        )
        assert code not in dump

    waiting = await client.get(f"/ballots/{ballot}/receipts", params={"code": code})
    assert "come back after that to check your code" in waiting.text
    await count(client, coop, clock, ballot)
    client.cookies.clear()  # anyone may check a receipt
    checked = await client.get(f"/ballots/{ballot}/receipts", params={"code": code})
    assert checked.status_code == 200
    assert "This receipt's ballot paper is in the count" in checked.text
    assert "it says <strong>For</strong>" in checked.text
    tidy = code.replace("-", "").lower()
    assert (
        "it says <strong>For</strong>"
        in (await client.get(f"/ballots/{ballot}/receipts", params={"code": f" {tidy} "})).text
    )
    replaced = await client.get(f"/ballots/{ballot}/receipts", params={"code": old_code})
    assert "No ballot paper with that receipt" in replaced.text
    assert "only the code from your last vote is in the count" in replaced.text
    for bad, message in [
        ("", "Enter your receipt code"),
        ("K7QF-M2XA", "Enter the code as 3 groups of 4 letters and numbers, like K7QF-M2XA-9PTD"),
        ("K7QF-M2XA-9PT0", "Receipt codes never use 0, 1, I or O"),
    ]:
        wrong = await client.get(f"/ballots/{ballot}/receipts", params={"code": bad})
        assert wrong.status_code == 422 and message in wrong.text, bad
        assert "<title>Error: Check a receipt code – coop</title>" in wrong.text
        assert '<a href="#code">' in wrong.text


# Refusals ---------------------------------------------------------------------------------


async def refused(
    client: httpx.AsyncClient, path: str, form: dict[str, Any], status: int, message: str
) -> str:
    """The vote is refused with ``message`` in the error summary, and nothing is recorded."""
    before = await events(client)
    page = await post_form(client, path, form)
    summary = text_of(page.text.split('class="govuk-error-summary__list"')[-1])[:300]
    assert page.status_code == status, (form, page.status_code, summary)
    assert message in unescape(page.text), (message, summary)
    assert await events(client) == before
    return str(page.text)


async def test_bad_votes_get_a_specific_message_and_change_nothing(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    resolution = await open_ballot(client, coop, clock, electors)
    options = candidates(electors)
    election = await open_ballot(
        client, coop, clock, electors, BallotKind.ELECTION, seats=1, options=options
    )
    reinvestment = await open_ballot(
        client,
        coop,
        clock,
        electors,
        BallotKind.REINVESTMENT,
        options=REINVESTMENT_OPTIONS,
        budget_pence=900_000,
    )
    await sign_in(client, AMIRA)
    vote = f"/ballots/{resolution}/vote"
    page = await refused(client, vote, {}, 422, "Choose how you vote: for, against or abstain")
    assert "<title>Error: Raise PA pay by 50p an hour – coop</title>" in page
    assert '<a href="#answer">' in page and 'id="answer-error"' in page
    await refused(client, vote, {"answer": "maybe"}, 422, "Choose for, against or abstain.")

    vote = f"/ballots/{reinvestment}/vote"
    await refused(client, vote, {}, 422, "Select the options you support")
    page = await refused(
        client,
        vote,
        {"approvals": ["respite", "minibus"]},
        422,
        "That is not an option on this ballot.",
    )
    assert 'value="respite" checked' in page  # her answers are kept

    vote = f"/ballots/{election}/vote"
    a, b, c = (f"rank-{o.id}" for o in options)
    await refused(client, vote, {a: "", b: ""}, 422, "Put 1 next to your first choice")
    page = await refused(client, vote, {a: "1", b: "3"}, 422, "You have not used the number 2")
    assert '<a href="#rank-2">' in page and 'value="3"' in page
    await refused(
        client, vote, {a: "1", b: "1"}, 422, "You gave 1 to Amira Hassan and Tom Whitfield"
    )
    await refused(client, vote, {a: "first"}, 422, "Enter a whole number for Amira Hassan")
    await refused(
        client, vote, {a: "1", c: "4"}, 422, "Use the numbers 1 to 3: you gave Priya Raman 4"
    )
    await refused(
        client,
        vote,
        {a: "1", f"rank-{uuid4()}": "2"},
        422,
        "That is not a candidate on this ballot.",
    )

    await refused(client, f"/ballots/{uuid4()}/vote", {"answer": "for"}, 404, "There is no ballot")

    join(coop, "Jade Thornton")  # joined after the ballots opened
    await caught_up(client, coop)
    client.cookies.clear()
    await sign_in(client, "jade.thornton@example.org")
    page = await refused(
        client,
        f"/ballots/{resolution}/vote",
        {"answer": "for"},
        403,
        "You are not on this ballot's list of voters.",
    )
    assert "There is a problem" in page

    clock.advance(timedelta(days=7))  # closed, even before anyone closes it
    # The app's own scheduler now closes and counts the ballots: let it finish, so its
    # events are not taken for the refused vote's.
    for _ in range(200):
        await caught_up(client, coop)
        if not await pool_of(client).fetchval(
            "SELECT count(*) FROM ballots WHERE state <> 'counted'"
        ):
            break
        await asyncio.sleep(0.05)
    client.cookies.clear()
    await sign_in(client, AMIRA)
    page = await refused(
        client, f"/ballots/{resolution}/vote", {"answer": "for"}, 409, "This ballot has closed."
    )
    assert "There is a problem" in page


# Turnout ----------------------------------------------------------------------------------


async def test_the_turnout_fragment_is_swapped_and_announced_only_when_the_numbers_change(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await open_ballot(client, coop, clock, electors)
    await sign_in(client, AMIRA)
    page = await client.get(f"/ballots/{ballot}")
    assert 'hx-trigger="every 10s"' in page.text
    poll = re.search(r'hx-get="(/ballots/[^"]+/turnout\?seen=[^"]+)"', page.text)
    assert poll is not None
    htmx = {"HX-Request": "true"}
    unchanged = await client.get(unescape(poll.group(1)), headers=htmx)
    assert unchanged.status_code == 204 and unchanged.text == ""

    tom = electors["Tom Whitfield"].member_id
    coop.cast_vote(ballot, tom, Mark(answer="for"), cast_by=tom)
    await caught_up(client, coop)
    changed = await client.get(unescape(poll.group(1)), headers=htmx)
    assert changed.status_code == 200
    assert changed.text.lstrip().startswith('<div id="turnout"')
    assert "<html" not in changed.text
    assert (
        '<div hx-swap-oob="innerHTML:#status-announcer">Turnout updated: 1 of 4 members have voted.</div>'
        in changed.text
    )
    assert re.search(
        r"Users</th>\s*<td[^>]*>2</td>\s*<td[^>]*>1</td>\s*<td[^>]*>50%</td>", changed.text
    )
    new_poll = re.search(r'hx-get="([^"]+)"', changed.text)
    assert new_poll is not None and new_poll.group(1) != poll.group(1)
    assert (await client.get(unescape(new_poll.group(1)), headers=htmx)).status_code == 204

    plain = await client.get(f"/ballots/{ballot}/turnout")
    assert plain.status_code == 303 and plain.headers["location"] == f"/ballots/{ballot}#turnout"


# Easy Read --------------------------------------------------------------------------------


async def test_the_easy_read_page_has_short_sentences_each_with_a_picture_and_the_same_form(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await open_ballot(
        client,
        coop,
        clock,
        electors,
        secret=True,
        easy_read="Should PAs get 50p more for each hour they work?",
    )
    await sign_in(client, AMIRA)
    page = await client.get(f"/ballots/{ballot}/easy-read")
    assert page.status_code == 200
    assert "<title>Raise PA pay by 50p an hour: Easy Read – coop</title>" in page.text
    ideas = re.findall(r'<li class="coop-easy-read__idea">(.*?)</li>', page.text, re.S)
    assert len(ideas) >= 5
    for idea in ideas:
        picture = re.search(r'<img [^>]*src="/static/easy-read/([a-z-]+)\.svg" alt="([^"]+)"', idea)
        assert picture is not None, idea
        for sentence in re.split(r"(?<=[.?!])\s+", text_of(idea)):
            assert len(sentence.split()) <= 15, sentence
    text = text_of(page.text)
    assert "Should PAs get 50p more for each hour they work?" in text
    assert "Your vote is secret. Nobody can see how you voted." in text
    assert "Yes, I agree (for)" in text
    assert f'action="/ballots/{ballot}/vote"' in page.text
    assert 'name="view" value="easy-read"' in page.text
    for picture in ("calendar", "tick", "ballot-box", "question", "lock", "lock-open"):
        svg = await client.get(f"/static/easy-read/{picture}.svg")
        assert svg.status_code == 200 and svg.text.startswith("<svg")

    wrong = await post_form(client, f"/ballots/{ballot}/vote", {"view": "easy-read"})
    assert wrong.status_code == 422 and "coop-easy-read__idea" in wrong.text  # the same page
    done = await post_form(
        client, f"/ballots/{ballot}/vote", {"view": "easy-read", "answer": "for"}
    )
    assert done.status_code == 200 and RECEIPT.search(done.text)
    after = text_of((await client.get(f"/ballots/{ballot}/easy-read")).text)
    assert "You have voted." in after and "Only your last vote counts." in after


async def test_the_ballot_page_leads_with_the_vote_and_easy_read_tells_ideas_apart(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await open_ballot(
        client,
        coop,
        clock,
        electors,
        BallotKind.REINVESTMENT,
        options=REINVESTMENT_OPTIONS,
        budget_pence=900_000,
    )
    await sign_in(client, AMIRA)
    page = (await client.get(f"/ballots/{ballot}")).text
    form = page.index(f'action="/ballots/{ballot}/vote"')
    assert page.index('id="your-vote"') < form < page.index('id="turnout-heading"')

    easy = await client.get(f"/ballots/{ballot}/easy-read")
    assert "Costs £6,000. Helps:" in text_of(easy.text)  # whole pounds, no pence
    assert "Costs £6,000.00" in text_of(page)  # the standard page keeps them
    assert picture_of(easy.text, "Voting started") != picture_of(easy.text, "Voting ends")
    amira = electors["Amira Hassan"].member_id
    coop.cast_vote(ballot, amira, Mark(approvals=("respite",)), cast_by=amira)
    await caught_up(client, coop)
    easy = (await client.get(f"/ballots/{ballot}/easy-read")).text
    assert picture_of(easy, "You have voted") != picture_of(easy, "You can change")


def picture_of(page: str, sentence: str) -> str:
    """The Easy Read picture beside the idea that starts with ``sentence``."""
    found = re.search(
        r'src="/static/easy-read/([a-z-]+)\.svg"[^>]*>\s*<p[^>]*>' + re.escape(sentence), page
    )
    assert found, sentence
    return found.group(1)


# Results ----------------------------------------------------------------------------------


async def token(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    answer = await client.post("/api/tokens", json={"email": email, "password": TRUSTEE_PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['token']}"}


async def test_the_results_page_and_json_show_the_tallies_quorum_threshold_and_conflicts(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ewan = electors["Ewan McAllister"].member_id
    ballot = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Raise PA pay by 50p an hour",
        question="Should the co-op raise PA pay by 50p an hour from April?",
        topic="pa_pay",
        secret=True,
        opens_at=clock.now() + timedelta(hours=1),
        closes_at=clock.now() + timedelta(days=7),
        by=TRUSTEE,
    ).subject
    coop.declare_interest(ballot, ewan, "I am a PA")
    coop.open_ballot(ballot, list(electors.values()))
    await caught_up(client, coop)
    await sign_in(client, AMIRA)
    headers = await token(client, AMIRA)
    early = await client.get(f"/api/ballots/{ballot}/results", headers=headers)
    assert early.status_code == 409 and "not been counted yet" in early.json()["title"]
    assert (
        "The results are published when voting has closed"
        in (await client.get(f"/ballots/{ballot}/results")).text
    )
    for name, answer in [
        ("Amira Hassan", "for"),
        ("Tom Whitfield", "against"),
        ("Priya Raman", "for"),
        ("Ewan McAllister", "for"),
    ]:
        member = electors[name].member_id
        coop.cast_vote(ballot, member, Mark(answer=answer), cast_by=member)
    await count(client, coop, clock, ballot)
    await sign_in(client, AMIRA)  # a week on: signed in again
    headers = await token(client, AMIRA)

    page = await client.get(f"/ballots/{ballot}/results")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "<title>Results: Raise PA pay by 50p an hour – coop</title>" in page.text
    assert "Outcome Carried" in text and "Version 1 of the co-op's rules" in text
    assert "Threshold Ordinary resolution: more than half of the weighted votes" in text
    assert "Met. 4 members cast a ballot" in text
    assert (
        "Interests declared 1 member" in text and "Votes cast with an advocate's support 0" in text
    )
    assert '<div class="coop-chart" aria-hidden="true">' in page.text
    assert re.search(
        r"For</th>\s*<td[^>]*>3</td>\s*<td[^>]*>75%</td>\s*<td[^>]*>75%</td>", page.text
    )
    assert "coop-w-75" in page.text and 'style="' not in page.text.split("<main")[1]
    assert "Users 50% 1 1 0 2 of 2 (100%) 50%" in text
    assert "All classes, weighted 100% 75%" in text
    assert "Without the votes of members who declared an interest" in text
    assert "PAs 1 1 1 (100%)" not in text and re.search(
        r"Turnout by member class .*PAs 1 1 100%", text
    )
    papers = re.findall(
        r'<th scope="row" class="govuk-table__header coop-receipt-cell">([A-Z2-9-]+)</th>',
        page.text,
    )
    assert len(papers) == 4 and papers == sorted(papers)

    api = await client.get(f"/api/ballots/{ballot}/results", headers=headers)
    assert api.status_code == 200
    body = api.json()
    assert body["title"] == "Raise PA pay by 50p an hour" and body["secret"] is True
    assert body["result"]["outcome"] == "Carried" and body["result"]["rules_version"] == 1
    assert body["result"]["table"][0] == ["user", "50%", "1", "1", "0", "2 of 2 (100%)", "50%"]
    assert body["result"]["without_conflicted"]["quorum"]["cast"] == 3
    assert len(body["result"]["papers"]) == 4
    missing = await client.get(f"/api/ballots/{uuid4()}/results", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(f"/api/ballots/{ballot}/results")).status_code == 401  # no cookies


async def test_election_and_reinvestment_results_show_the_count_sheet_and_the_shares(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    options = candidates(electors)
    election = await open_ballot(
        client,
        coop,
        clock,
        electors,
        BallotKind.ELECTION,
        title="Trustee election 2026",
        seats=1,
        options=options,
    )
    reinvestment = await open_ballot(
        client,
        coop,
        clock,
        electors,
        BallotKind.REINVESTMENT,
        title="Reinvesting the 2026 surplus",
        options=REINVESTMENT_OPTIONS,
        budget_pence=900_000,
    )
    amira, tom, priya = (o.id for o in options)
    for e, ranking in zip(
        electors.values(), [(amira,), (amira, tom), (priya,), (amira,)], strict=True
    ):
        coop.cast_vote(election, e.member_id, Mark(ranking=ranking), cast_by=e.member_id)
        coop.cast_vote(reinvestment, e.member_id, Mark(approvals=("respite",)), cast_by=e.member_id)
    await count(client, coop, clock, election)
    await count(client, coop, clock, reinvestment)
    await sign_in(client, AMIRA)

    page = text_of((await client.get(f"/ballots/{election}/results")).text)
    assert "Outcome Elected: Amira Hassan" in page and "Quota 3 votes" in page
    assert "Amira Hassan 3 Elected at stage 1" in page  # the chart's table
    assert "The count, stage by stage" in page and "1. First preferences" in page

    html = (await client.get(f"/ballots/{reinvestment}/results")).text
    page = text_of(html)
    assert "Outcome Funded: Respite breaks for carers" in page
    assert "Surplus to spend £9,000.00" in page and "Left over £6,000.00" in page
    assert "Respite breaks for carers £3,000.00 Carers 4 of 4 Yes" in page
    assert "50p an hour more for PAs £6,000.00 PAs 0 of 4 No" in page
    assert "coop-w-100" in html and "Shares of £9,000.00" in page


@pytest.mark.parametrize("path", ["", "/easy-read", "/results", "/receipts", "/voted"])
async def test_a_ballot_that_does_not_exist_is_not_found(client, coop: Coop, path: str) -> None:
    await co_op(client, coop)
    await sign_in(client, AMIRA)
    page = await client.get(f"/ballots/{uuid4()}{path}")
    assert page.status_code == 404 and "There is no ballot with that reference." in page.text
