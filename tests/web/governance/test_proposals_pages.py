"""Members' reinvestment proposals over HTTP: the trustees ask for them, members propose a
sum or a rate change (costed for them from the declared period's books), trustees list or
decline, members withdraw. A ballot not drafted from a period takes sums only."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx

from coop.application import Coop
from coop.clock import UK, FixedClock
from coop.domain.governance.ballots import BallotKind
from tests.app.finance.world import a_summer_of_care, surplus_declared
from tests.web.accounts.outbox_helpers import pool_of
from tests.web.finance import world as finance
from tests.web.governance.test_ballots_pages import caught_up, events, text_of
from tests.web.governance.test_governance_admin import (
    AMIRA,
    PRIYA,
    UNKNOWN,
    as_member,
    co_op,
    done,
    refused,
    summary,
)
from tests.web.helpers import TRUSTEE_PASSWORD, post_form

EWAN = "ewan.mcallister@example.org"
PERIOD = "April 2025 to March 2026"
OPENS = datetime(2026, 12, 7, 9, tzinfo=UK)  # voting, for a week
BALLOT = {
    "title": "Sharing out last year's surplus",
    "question": "Which of these should the co-op spend its surplus on?",
    "topic": "surplus",
    "opens_at": OPENS,
    "closes_at": OPENS + timedelta(days=7),
}
NO_RATE_CHANGES = (
    "A rate change can only be costed on a ballot drafted from a surplus declared from the"
    " co-op's books, and this ballot was not: give the option's cost in pounds instead."
)


def reinvestment(coop: Coop, *, kind: BallotKind = BallotKind.REINVESTMENT) -> UUID:
    """A ballot not drafted from a period: £12,000 typed in as its budget."""
    budget = 1_200_000 if kind is BallotKind.REINVESTMENT else 0
    return coop.draft_ballot(kind=kind, budget_pence=budget, by=uuid4(), **BALLOT).subject


async def from_the_books(client: httpx.AsyncClient, coop: Coop) -> UUID:
    """240 hours of care in 2025 to 2026, the year closed and £2,500 of its surplus put
    to the members in a ballot drafted from it."""
    people, period = a_summer_of_care(coop, rules=False)
    await finance.caught_up(client, coop)  # the close reads the visits from the books
    surplus_declared(coop, people, period, pence=250_000)
    ballot = coop.draft_reinvestment(period, by=people.trustee, **BALLOT).subject
    await caught_up(client, coop)
    return ballot


def window(**overrides: Any) -> dict[str, Any]:
    """Proposals until 5pm on 4 December."""
    form = {"until-day": "4", "until-month": "12", "until-year": "2026", "until-time": "5pm"}
    form.update(overrides)
    return form


def proposal(**overrides: Any) -> dict[str, Any]:
    form = {
        "title": "50p an hour more for PAs",
        "description": "Raise PA pay by 50p an hour from April.",
        "benefits": "pas",
        "costing": "rate",
        "rate": "pa_pay",
        "pence": "50",
        "cost": "",
    }
    form.update(overrides)
    return form


async def invited(client: httpx.AsyncClient, coop: Coop) -> UUID:
    """The trustees ask for proposals on the ballot drafted from the declared surplus."""
    await co_op(client, coop)
    ballot = await from_the_books(client, coop)
    page = await done(client, f"/trustees/ballots/{ballot}/proposals/invite", window())
    assert "Members can now propose options until the time you set" in page
    assert "Members can propose options until 5pm on Friday 4 December 2026" in page
    return ballot


def proposal_ids(html: str, action: str) -> list[str]:
    return re.findall(rf"/proposals/([0-9a-f-]{{36}})/{action}", html)


async def test_a_members_rate_change_is_costed_and_the_trustees_list_or_decline_each_proposal(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    ballot = await invited(client, coop)
    ewan = await as_member(client, EWAN)
    form = await ewan.get(f"/ballots/{ballot}/propose")
    assert "costed for you from the 240 hours of care delivered in 2025 to 2026" in text_of(
        form.text
    )
    page = await done(ewan, f"/ballots/{ballot}/propose", proposal())
    assert "Your proposal has been sent to the trustees" in page
    assert (
        "50p an hour more for PAs × 240 hours of care delivered in 2025 to 2026 = £120.00" in page
    )
    priya = await as_member(client, PRIYA)
    await done(
        priya,
        f"/ballots/{ballot}/propose",
        proposal(
            title="Respite breaks for carers",
            description="Two weekends of respite care for each carer who asks.",
            benefits="carers",
            costing="sum",
            cost="1,500",
        ),
    )
    # Members see each proposer's class; only the trustees see the name.
    amira = await as_member(client, AMIRA)
    seen = text_of((await amira.get(f"/ballots/{ballot}/proposals")).text)
    assert "Proposed by A PA member" in seen and "Ewan McAllister" not in seen
    assert "£1,500.00, as the member proposed" in seen
    admin = (await client.get(f"/trustees/ballots/{ballot}")).text
    assert "Ewan McAllister, a PA member (number 4)" in text_of(admin)
    assert (
        "Rate changes are costed from the 240 hours of care delivered in 2025 to 2026, as its"
        " books recorded them." in text_of(admin)
    )
    assert 'name="hours"' not in admin and "financial periods page" not in admin
    pay_rise, respite = proposal_ids(admin, "list")
    page = await done(client, f"/trustees/ballots/{ballot}/proposals/{pay_rise}/list", {})
    assert "The proposal is now an option on the ballot" in page
    page = await done(
        client,
        f"/trustees/ballots/{ballot}/proposals/{respite}/decline",
        {"reason": "The carers' fund already pays for respite this year."},
    )
    assert "The proposal has been declined" in page
    listed = text_of((await client.get(f"/trustees/ballots/{ballot}")).text)
    assert "50p an hour more for PAs People who use care" not in listed
    assert "The options cost £120.00 in all" in listed
    seen = text_of((await amira.get(f"/ballots/{ballot}/proposals")).text)
    assert "What happened On the ballot" in seen
    assert "Not on the ballot. The trustees’ reason: The carers' fund already pays" in seen
    vote_page = text_of((await amira.get(f"/ballots/{ballot}")).text)
    assert "Propose an option, or see members’ proposals" in vote_page
    easy = text_of((await amira.get(f"/ballots/{ballot}/easy-read")).text)
    assert "You can share an idea for the money until 5pm on Friday 4 December 2026." in easy


async def test_a_bad_proposal_gets_a_specific_message_and_stores_nothing(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    ballot = await invited(client, coop)
    ewan = await as_member(client, EWAN)
    path = f"/ballots/{ballot}/propose"
    await refused(ewan, path, proposal(title=""), "Enter the option's title")
    await refused(ewan, path, proposal(description=" "), "Describe the option in plain words")
    await refused(ewan, path, proposal(benefits="trustees"), "Select who benefits")
    await refused(ewan, path, proposal(costing=""), "Select how the option is costed")
    await refused(ewan, path, proposal(rate="bonus"), "Select which rate changes")
    await refused(
        ewan,
        path,
        proposal(pence="fifty"),
        "Enter the change per hour as a number of pence, like 50",
    )
    await refused(ewan, path, proposal(pence="0"), "The change per hour must be more than 0p")
    await refused(ewan, path, proposal(costing="sum", cost=""), "Enter what it costs, in pounds")
    await refused(
        ewan,
        path,
        proposal(pence="1100"),
        "It would cost £2,640.00, more than the surplus of £2,500.00.",
    )
    await refused(
        ewan,
        path,
        proposal(title="x" * 201),
        "Title must be 200 characters or fewer",
    )
    await refused(
        ewan,
        path,
        proposal(title="<script>alert(1)</script>"),
        "Title must not contain HTML tags (text between < and >)",
    )
    await done(ewan, path, proposal())
    await refused(
        ewan,
        path,
        proposal(title="50P AN HOUR  more for PAs"),
        "There is already an option called “50p an hour more for PAs”: give this one a different title.",
    )


async def test_proposals_close_with_their_window(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    ballot = await invited(client, coop)
    clock.advance(timedelta(days=12))  # past 5pm on 4 December
    ewan = await as_member(client, EWAN)
    page = text_of((await ewan.get(f"/ballots/{ballot}/propose")).text)
    assert "The time for proposals ended at 5pm on Friday 4 December 2026" in page
    await refused(
        ewan,
        f"/ballots/{ballot}/propose",
        proposal(),
        "The time for proposing options on this ballot has passed.",
        status=409,
    )


async def test_a_bad_window_or_a_decline_without_a_reason_is_refused(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    ballot = await invited(client, coop)
    path = f"/trustees/ballots/{ballot}/proposals/invite"
    await refused(
        client,
        path,
        window(**{"until-day": "8"}),
        "The proposal window must end by the time voting opens, so the trustees can list the options first.",
    )
    await refused(
        client,
        path,
        window(**{"until-time": "teatime"}),
        "Enter the time proposals close as a time of day, like 9:30am, 2pm or 17:00",
    )
    ewan = await as_member(client, EWAN)
    await done(ewan, f"/ballots/{ballot}/propose", proposal())
    (pid,) = proposal_ids((await client.get(f"/trustees/ballots/{ballot}")).text, "decline")
    page = await refused(
        client,
        f"/trustees/ballots/{ballot}/proposals/{pid}/decline",
        {"reason": "  "},
        "Say why the proposal is not going on the ballot",
    )
    assert f'href="#reason-{pid}"' in page.text and f'id="reason-{pid}"' in page.text
    await refused(
        client,
        f"/trustees/ballots/{ballot}/proposals/{UNKNOWN}/list",
        {},
        "There is no such proposal on this ballot.",
        status=409,
    )


async def test_only_the_proposer_can_withdraw_a_proposal_before_the_trustees_decide(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    ballot = await invited(client, coop)
    ewan = await as_member(client, EWAN)
    await done(ewan, f"/ballots/{ballot}/propose", proposal())
    mine = (await ewan.get(f"/ballots/{ballot}/proposals")).text
    (pid,) = proposal_ids(mine, "withdraw")
    amira = await as_member(client, AMIRA)
    assert proposal_ids((await amira.get(f"/ballots/{ballot}/proposals")).text, "withdraw") == []
    before = await events(client)
    forged = await post_form(amira, f"/ballots/{ballot}/proposals/{pid}/withdraw", {})
    assert forged.status_code == 409
    assert summary(forged) == ["Only the member who proposed an option can withdraw it."]
    assert await events(client) == before
    page = await done(ewan, f"/ballots/{ballot}/proposals/{pid}/withdraw", {})
    assert "Your proposal has been withdrawn" in page
    assert "Withdrawn by the member who proposed it" in page


async def test_only_a_reinvestment_ballot_has_proposals(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    await co_op(client, coop)
    ballot = reinvestment(coop, kind=BallotKind.RESOLUTION)
    await caught_up(client, coop)
    assert (await client.get(f"/ballots/{ballot}/proposals")).status_code == 404
    assert (await client.get(f"/ballots/{UNKNOWN}/proposals")).status_code == 404
    before = await events(client)
    answer = await post_form(
        client, f"/trustees/ballots/{ballot}/proposals/invite", window(period=PERIOD)
    )
    assert answer.status_code == 409
    assert "Only a reinvestment ballot takes members' proposals." in summary(answer)
    assert await events(client) == before


async def test_an_integration_proposes_through_the_api_and_bad_input_is_a_problem_document(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    ballot = await invited(client, coop)
    token = await client.post("/api/tokens", json={"email": EWAN, "password": TRUSTEE_PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    path = f"/api/ballots/{ballot}/proposals"
    body = {
        "title": "50p an hour more for PAs",
        "description": "Raise PA pay by 50p an hour from April.",
        "benefits": "pas",
        "costing": "rate",
        "rate": "pa_pay",
        "pence_per_hour": 50,
    }
    before = await events(client)
    for bad, field, message in [
        ({"benefits": "nobody"}, "benefits", "Select who benefits"),
        ({"costing": "sum", "cost_pence": 0}, "cost", "The cost must be more than £0"),
        ({"pence_per_hour": 1100}, "pence", "It would cost £2,640.00, more than the surplus"),
    ]:
        answer = await client.post(path, json={**body, **bad}, headers=headers)
        assert answer.status_code in (409, 422)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert any(
            e["field"] == field and e["message"].startswith(message)
            for e in answer.json()["errors"]
        ), answer.json()
    assert await events(client) == before
    made = await client.post(path, json=body, headers=headers)
    assert made.status_code == 201
    assert made.json()["cost_pence"] == 12_000 and made.json()["proposer_class"] == "pa"
    listed = (await client.get(path, headers=headers)).json()
    assert [p["title"] for p in listed] == ["50p an hour more for PAs"]
    assert "Ewan" not in str(listed)


async def test_a_ballot_not_drafted_from_a_period_takes_sums_and_says_why_not_rate_changes(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    await co_op(client, coop)
    ballot = reinvestment(coop)
    await caught_up(client, coop)
    admin = await client.get(f"/trustees/ballots/{ballot}")
    said = text_of(admin.text)
    assert (
        "A change to an hourly rate, such as more pay an hour for PAs, is costed only for a"
        " ballot drafted from a declared surplus" in said
    )
    assert '<a class="govuk-link" href="/finance">financial periods page</a>' in admin.text
    assert 'name="hours"' not in admin.text and "Hours of care" not in said
    path = f"/trustees/ballots/{ballot}/proposals/invite"
    await refused(client, path, window(), "Enter the financial period the surplus comes from")
    # Hours sent anyway, as the old form did, are not read: nothing costs rates from them.
    page = await done(client, path, window(period=PERIOD, hours="12,480"))
    assert "Members can propose options until 5pm on Friday 4 December 2026." in page
    assert "Rate changes are costed from" not in page
    hours = await pool_of(client).fetchval(
        "SELECT hours_delivered FROM ballots WHERE ballot_id = $1", ballot
    )
    assert hours == 0

    ewan = await as_member(client, EWAN)
    form = await ewan.get(f"/ballots/{ballot}/propose")
    assert "A change to an hourly rate cannot be costed on this ballot" in text_of(form.text)
    assert 'value="rate"' not in form.text
    await refused(ewan, f"/ballots/{ballot}/propose", proposal(), NO_RATE_CHANGES)
    token = await client.post("/api/tokens", json={"email": EWAN, "password": TRUSTEE_PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    before = await events(client)
    answer = await client.post(
        f"/api/ballots/{ballot}/proposals",
        json={
            "title": "50p an hour more for PAs",
            "description": "Raise PA pay by 50p an hour from April.",
            "benefits": "pas",
            "costing": "rate",
            "rate": "pa_pay",
            "pence_per_hour": 50,
        },
        headers=headers,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"field": "costing", "message": NO_RATE_CHANGES}]
    assert await events(client) == before
    page = await done(
        ewan,
        f"/ballots/{ballot}/propose",
        proposal(title="A one-off £20 for each PA", costing="sum", cost="2,000"),
    )
    assert "£2,000.00, as the member proposed" in page
