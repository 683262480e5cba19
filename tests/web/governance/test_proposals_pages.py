"""Members' reinvestment proposals over HTTP: the trustees ask for them, members propose a
sum or a rate change (costed for them), trustees list or decline, members withdraw."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx

from coop.application import Coop
from coop.clock import UK, FixedClock
from coop.domain.governance.ballots import BallotKind
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


def reinvestment(
    coop: Coop, clock: FixedClock, *, kind: BallotKind = BallotKind.REINVESTMENT
) -> UUID:
    """A reinvestment ballot of £12,000, voting from 7 to 14 December."""
    opens = datetime(2026, 12, 7, 9, tzinfo=UK)
    return coop.draft_ballot(
        kind=kind,
        title="Sharing out last year's surplus",
        question="Which of these should the co-op spend its surplus on?",
        topic="surplus",
        budget_pence=1_200_000 if kind is BallotKind.REINVESTMENT else 0,
        opens_at=opens,
        closes_at=opens + timedelta(days=7),
        by=uuid4(),
    ).subject


def window(**overrides: Any) -> dict[str, Any]:
    """Proposals until 5pm on 4 December, rates costed on 12,480 hours."""
    form = {
        "until-day": "4",
        "until-month": "12",
        "until-year": "2026",
        "until-time": "5pm",
        "period": PERIOD,
        "hours": "12,480",
    }
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


async def invited(client: httpx.AsyncClient, coop: Coop, clock: FixedClock) -> UUID:
    await co_op(client, coop)
    ballot = reinvestment(coop, clock)
    await caught_up(client, coop)
    page = await done(client, f"/trustees/ballots/{ballot}/proposals/invite", window())
    assert "Members can now propose options until the time you set" in page
    assert "Members can propose options until 5pm on Friday 4 December 2026" in page
    return ballot


def proposal_ids(html: str, action: str) -> list[str]:
    return re.findall(rf"/proposals/([0-9a-f-]{{36}})/{action}", html)


async def test_a_members_rate_change_is_costed_and_the_trustees_list_or_decline_each_proposal(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    ballot = await invited(client, coop, clock)
    ewan = await as_member(client, EWAN)
    form = await ewan.get(f"/ballots/{ballot}/propose")
    assert "12,480 hours of care delivered in April 2025 to March 2026" in text_of(form.text)
    page = await done(ewan, f"/ballots/{ballot}/propose", proposal())
    assert "Your proposal has been sent to the trustees" in page
    assert (
        "50p an hour more for PAs × 12,480 hours of care delivered in April 2025 to March 2026"
        " = £6,240.00" in page
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
            cost="3,000",
        ),
    )
    # Members see each proposer's class; only the trustees see the name.
    amira = await as_member(client, AMIRA)
    seen = text_of((await amira.get(f"/ballots/{ballot}/proposals")).text)
    assert "Proposed by A PA member" in seen and "Ewan McAllister" not in seen
    assert "£3,000.00, as the member proposed" in seen
    admin = (await client.get(f"/trustees/ballots/{ballot}")).text
    assert "Ewan McAllister, a PA member (number 4)" in text_of(admin)
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
    assert "The options cost £6,240.00 in all" in listed
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
    ballot = await invited(client, coop, clock)
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
        proposal(pence="100"),
        "It would cost £12,480.00, more than the surplus of £12,000.00.",
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
    ballot = await invited(client, coop, clock)
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
    ballot = await invited(client, coop, clock)
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
        window(hours="lots"),
        "Enter the hours of care delivered as a number, like 12,480 or 12480.5",
    )
    await refused(
        client,
        path,
        window(hours="-3"),
        "Enter the hours of care delivered as a number, like 12,480 or 12480.5",
    )
    await refused(
        client, path, window(period=""), "Enter the financial period the surplus comes from"
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
    ballot = await invited(client, coop, clock)
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
    ballot = reinvestment(coop, clock, kind=BallotKind.RESOLUTION)
    await caught_up(client, coop)
    assert (await client.get(f"/ballots/{ballot}/proposals")).status_code == 404
    assert (await client.get(f"/ballots/{UNKNOWN}/proposals")).status_code == 404
    before = await events(client)
    answer = await post_form(client, f"/trustees/ballots/{ballot}/proposals/invite", window())
    assert answer.status_code == 409
    assert "Only a reinvestment ballot takes members' proposals." in summary(answer)
    assert await events(client) == before


async def test_an_integration_proposes_through_the_api_and_bad_input_is_a_problem_document(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    ballot = await invited(client, coop, clock)
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
        ({"pence_per_hour": 500}, "pence", "It would cost £62,400.00, more than the surplus"),
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
    assert made.json()["cost_pence"] == 624_000 and made.json()["proposer_class"] == "pa"
    listed = (await client.get(path, headers=headers)).json()
    assert [p["title"] for p in listed] == ["50p an hour more for PAs"]
    assert "Ewan" not in str(listed)
