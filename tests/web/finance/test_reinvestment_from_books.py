"""The reinvestment ballot pages take the budget and the care hours from a declared
period's books, where there is one, instead of sums typed in by a trustee."""

from __future__ import annotations

import re
from decimal import Decimal

import asyncpg
import httpx

from coop.application import Coop
from tests.web.finance.test_money_pages import summary
from tests.web.finance.world import TRUSTEE, a_year_of_care, caught_up, signed_in
from tests.web.governance.test_ballots_pages import text_of
from tests.web.governance.test_governance_admin import ballot_form
from tests.web.helpers import post_form

NEW = "/trustees/ballots/new"


async def test_a_reinvestment_ballot_shares_out_the_surplus_the_trustees_declared(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)  # the close reads the visits from the books
    coop.close_period(books.period, minute="Board 2026/04 minute 3", by=books.treasurer)
    coop.declare_distributable(
        books.period, pence=300_000, minute="Board 2026/04 m4", by=books.treasurer
    )
    await caught_up(client, coop)
    trustee = await signed_in(client, TRUSTEE)
    form = await trustee.get(NEW)
    assert "Which declared surplus does it share out?" in form.text
    assert "2025 to 2026: £3,000.00 declared" in form.text
    assert 'name="budget"' not in form.text  # nothing to type: the books say

    reinvestment = ballot_form(kind="reinvestment", topic="surplus", budget="99999")
    unchosen = await post_form(trustee, NEW, reinvestment)
    assert unchosen.status_code == 422
    assert summary(unchosen) == ["Select the period whose declared surplus the ballot shares out"]
    drafted = await post_form(trustee, NEW, reinvestment | {"period": str(books.period)})
    assert drafted.status_code == 303, summary(drafted)
    ballot = re.search(r"/trustees/ballots/([0-9a-f-]{36})", drafted.headers["location"])
    assert ballot is not None
    ballot_id = ballot.group(1)
    budget = await pool.fetchval("SELECT budget_pence FROM ballots WHERE ballot_id = $1", ballot_id)
    assert budget == 300_000  # the declaration, not the 99,999 typed
    again = await trustee.get(NEW)
    assert "2025 to 2026: £3,000.00 declared" not in again.text  # put to members once

    page = await trustee.get(f"/trustees/ballots/{ballot_id}")
    assert "Proposals to change an hourly rate are costed from the care it delivered" in text_of(
        page.text
    )
    assert 'name="hours"' not in page.text
    window = {"until-day": "23", "until-month": "11", "until-year": "2026", "until-time": "11pm"}
    invited = await post_form(trustee, f"/trustees/ballots/{ballot_id}/proposals/invite", window)
    assert invited.status_code == 303, summary(invited)
    row = await pool.fetchrow(
        "SELECT period, hours_delivered FROM ballots WHERE ballot_id = $1", ballot_id
    )
    care_minutes = await pool.fetchval(
        "SELECT care_minutes FROM finance_periods WHERE period_id = $1", books.period
    )
    assert row["period"] == "2025 to 2026"
    assert Decimal(row["hours_delivered"]) == (Decimal(care_minutes) / 60).quantize(Decimal("0.01"))
