"""After a year is closed, over the JSON API: a late fix goes into the open year naming the
closed one, and what the members funded from its surplus is spent, never more than is
left. Each bad request gets its own problem and changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
import httpx

from coop.application import Coop
from coop.clock import FixedClock
from tests.web.finance.test_money_api import bearer, events, problem
from tests.web.finance.world import (
    RESPITE,
    TREASURER,
    TRUSTEE,
    a_year_of_care,
    caught_up,
    respite_funded,
)

NOBODY = "00000000-0000-0000-0000-000000000000"
MISSING_DATE = "Give the date of the entry as a date, like 2026-04-01"


def not_whole_pence(response: httpx.Response) -> None:
    """A fraction of a penny is not even read: a 400 naming the amount."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["title"] == "Check the request"
    [error] = body["errors"]
    assert error["field"] == "amount_pence" and "int" in error["message"]


async def test_a_late_fix_goes_into_the_open_year_naming_the_closed_one(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)  # the books have taken in every visit: it can close
    coop.close_period(books.period, minute="Board 2026/04 minute 3", by=books.treasurer)
    later = coop.open_period(
        name="2026 to 2027",
        starts=date(2026, 4, 1),
        ends=date(2027, 3, 31),
        minute="Board 2026/03",
        by=books.treasurer,
    ).subject
    await caught_up(client, coop)
    as_treasurer = await bearer(client, TREASURER)
    fix = f"/api/finance/periods/{books.period}/late-fix"
    invoice: dict[str, Any] = {
        "on": "2026-11-20",
        "category": "rent",
        "amount_pence": 65_000,
        "reference": "Invoice 802",
        "reason": "The March rent invoice came after the close",
    }
    after_the_year = "Date the fix within an open period after 2025 to 2026, such as today"
    before = await events(pool)
    for changes, field, message in [
        ({"amount_pence": -65_000}, "amount", "The amount must be more than £0."),
        ({"amount_pence": 0}, "amount", "The amount must be more than £0."),
        ({"reason": " "}, "reason", "Say why this entry puts another right."),
        ({"category": "biscuits"}, "category", "Choose what the entry is for."),
        (
            {"reference": ""},
            "reference",
            "Give a reference, such as the invoice or receipt number.",
        ),
        ({"on": None}, "on", MISSING_DATE),
        ({"on": "2026-01-15"}, "on", after_the_year),  # in the closed year itself
        ({"on": "2027-06-01"}, "on", after_the_year),  # in no period at all
    ]:
        refused = await client.post(fix, json=invoice | changes, headers=as_treasurer)
        assert problem(refused, 422) == {field: message}, changes
    not_whole_pence(
        await client.post(fix, json=invoice | {"amount_pence": 650.5}, headers=as_treasurer)
    )
    unknown = await client.post(
        f"/api/finance/periods/{NOBODY}/late-fix", json=invoice, headers=as_treasurer
    )
    assert problem(unknown, 404) == {"": "There is no financial period with that id."}
    still_open = await client.post(
        f"/api/finance/periods/{later}/late-fix", json=invoice, headers=as_treasurer
    )
    assert problem(still_open, 422) == {
        "on": "Date the fix within an open period after 2026 to 2027, such as today"
    }
    into_the_closed_year = await client.post(
        f"/api/finance/periods/{books.period}/ledger",
        json=invoice | {"on": "2026-03-20"},
        headers=as_treasurer,
    )
    assert problem(into_the_closed_year, 409) == {
        "": "The period 2025 to 2026 is closed, so nothing more can be recorded in it. Put a"
        " late fix into the next open period as an adjustment, saying why."
    }
    as_trustee = await bearer(client, TRUSTEE)
    assert problem(await client.post(fix, json=invoice, headers=as_trustee), 403)
    assert await events(pool) == before
    open_ledger = f"/api/finance/periods/{later}/ledger"
    assert (await client.get(open_ledger, headers=as_treasurer)).json() == []

    done = await client.post(fix, json=invoice, headers=as_treasurer)
    assert done.status_code == 201, done.text
    assert done.json()["period_id"] == str(later)
    [line] = (await client.get(open_ledger, headers=as_treasurer)).json()
    assert line["entry_id"] == done.json()["entry_id"]
    assert (line["on"], line["reference"], line["amount_pence"], line["money_in"]) == (
        "2026-11-20",
        "Invoice 802",
        65_000,
        False,
    )
    assert (line["adjusts"], line["reason"]) == (
        "2025 to 2026",
        "The March rent invoice came after the close",
    )
    closed = await client.get(f"/api/finance/periods/{books.period}/ledger", headers=as_treasurer)
    assert [e["reference"] for e in closed.json()] == ["Community Fund award 0042"]


async def test_the_treasurer_spends_what_the_members_funded_and_no_more_than_is_left(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    respite_funded(coop, clock, books, date(2026, 4, 1))  # now 21 December 2026
    await caught_up(client, coop)
    as_treasurer = await bearer(client, TREASURER)
    listed = await client.get("/api/finance/commitments", headers=as_treasurer)
    [c] = listed.json()
    assert (c["title"], c["period"], c["pence"], c["spent_pence"], c["left_pence"]) == (
        RESPITE,
        "2025 to 2026",
        200_000,
        0,
        200_000,
    )
    spend = f"/api/finance/commitments/{c['commitment_id']}/spend"
    invoice: dict[str, Any] = {
        "on": "2026-12-21",
        "category": "other_cost",
        "amount_pence": 150_000,
        "reference": "Respite Breaks Ltd 12",
    }
    before = await events(pool)
    for changes, field, message in [
        ({"amount_pence": -150_000}, "amount", "The amount must be more than £0."),
        (
            {"category": "grant"},
            "category",
            "Spending a commitment is a cost: choose what it was spent on.",
        ),
        ({"category": "biscuits"}, "category", "Choose what the entry is for."),
        (
            {"reference": " "},
            "reference",
            "Give a reference, such as the invoice or receipt number.",
        ),
        ({"on": None}, "on", MISSING_DATE),
        ({"on": "2026-03-01"}, "on", "Date the spending within an open period, such as today"),
        ({"on": "2027-06-01"}, "on", "Date the spending within an open period, such as today"),
    ]:
        refused = await client.post(spend, json=invoice | changes, headers=as_treasurer)
        assert problem(refused, 422) == {field: message}, changes
    too_much = await client.post(
        spend, json=invoice | {"amount_pence": 200_001}, headers=as_treasurer
    )
    assert problem(too_much, 409) == {
        "": "£2,000.01 is more than is left of the commitment (£2,000.00)."
    }
    not_whole_pence(
        await client.post(spend, json=invoice | {"amount_pence": 1.005}, headers=as_treasurer)
    )
    unknown = await client.post(
        f"/api/finance/commitments/{NOBODY}/spend", json=invoice, headers=as_treasurer
    )
    assert problem(unknown, 404) == {"": "There is no commitment with that id."}
    as_trustee = await bearer(client, TRUSTEE)
    assert problem(await client.post(spend, json=invoice, headers=as_trustee), 403)
    assert await events(pool) == before
    assert (await client.get("/api/finance/commitments", headers=as_treasurer)).json() == [c]

    spent = await client.post(spend, json=invoice, headers=as_treasurer)
    assert spent.status_code == 201, spent.text
    assert spent.json()["commitment"]["left_pence"] == 50_000
    [line] = (
        await client.get(
            f"/api/finance/periods/{spent.json()['period_id']}/ledger", headers=as_treasurer
        )
    ).json()
    assert (line["entry_id"], line["commitment_id"], line["amount_pence"]) == (
        spent.json()["entry_id"],
        c["commitment_id"],
        150_000,
    )
    more = await client.post(spend, json=invoice | {"amount_pence": 50_001}, headers=as_treasurer)
    assert problem(more, 409) == {"": "£500.01 is more than is left of the commitment (£500.00)."}
    [after] = (await client.get("/api/finance/commitments", headers=as_trustee)).json()
    assert (after["spent_pence"], after["left_pence"]) == (150_000, 50_000)
