"""The finance JSON API: the same commands and reads as the pages, with real status codes,
problem documents naming the field to fix, and each route in the OpenAPI document."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
from beancount import loader

from coop.application import Coop
from tests.web.finance.world import (
    DEV_EMAIL,
    TREASURER,
    TRUSTEE,
    a_year_of_care,
    caught_up,
    signed_in,
)
from tests.web.helpers import TRUSTEE_PASSWORD


async def bearer(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    token = await client.post("/api/tokens", json={"email": email, "password": TRUSTEE_PASSWORD})
    assert token.status_code == 201, token.text
    return {"Authorization": f"Bearer {token.json()['token']}"}


async def events(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM coop_events"))


def problem(response: httpx.Response, status: int) -> dict[str, str]:
    """The problem document's field errors, having checked its status and type."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    return {e["field"]: e["message"] for e in body.get("errors", [])} or {"": body["title"]}


async def test_the_treasurer_records_and_reverses_entries_and_bad_ones_change_nothing(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    as_treasurer = await bearer(client, TREASURER)
    ledger = f"/api/finance/periods/{books.period}/ledger"
    rent = {"on": "2025-06-01", "category": "rent", "amount_pence": 65_000, "reference": "Inv 771"}
    before = await events(pool)
    for changes, field, message in [
        ({"amount_pence": -5}, "amount", "The amount must be more than £0."),
        ({"category": "biscuits"}, "category", "Choose what the entry is for."),
        (
            {"reference": " "},
            "reference",
            "Give a reference, such as the invoice or receipt number.",
        ),
        ({"on": None}, "on", "Give the date of the entry as a date, like 2026-04-01"),
    ]:
        refused = await client.post(ledger, json=rent | changes, headers=as_treasurer)
        assert problem(refused, 422) == {field: message}
    fraction = await client.post(ledger, json=rent | {"amount_pence": 12.5}, headers=as_treasurer)
    assert fraction.status_code == 400  # not whole pence: not even read
    assert await events(pool) == before

    recorded = await client.post(ledger, json=rent, headers=as_treasurer)
    assert recorded.status_code == 201
    entry_id = recorded.json()["entry_id"]
    listed = (await client.get(ledger, headers=as_treasurer)).json()
    assert [(e["reference"], e["amount_pence"], e["money_in"]) for e in listed] == [
        ("Community Fund award 0042", 500_000, True),
        ("Inv 771", 65_000, False),
    ]
    reverse = f"{ledger}/{entry_id}/reverse"
    no_reason = await client.post(reverse, json={"on": "2025-06-02"}, headers=as_treasurer)
    assert problem(no_reason, 422) == {"reason": "Say why this entry puts another right."}
    reversed_ = await client.post(
        reverse, json={"on": "2025-06-02", "reason": "Twice"}, headers=as_treasurer
    )
    assert reversed_.status_code == 201
    twice = await client.post(
        reverse, json={"on": "2025-06-02", "reason": "Twice"}, headers=as_treasurer
    )
    assert problem(twice, 409) == {"": "That entry has already been reversed."}
    as_trustee = await bearer(client, TRUSTEE)
    assert (await client.post(ledger, json=rent, headers=as_trustee)).status_code == 403


async def test_of_two_reversals_of_one_entry_sent_at_once_one_is_refused(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    as_treasurer = await bearer(client, TREASURER)
    ledger = f"/api/finance/periods/{books.period}/ledger"
    rent = {"on": "2025-06-01", "category": "rent", "amount_pence": 65_000, "reference": "Inv 7"}
    entry_id = (await client.post(ledger, json=rent, headers=as_treasurer)).json()["entry_id"]
    reverse = f"{ledger}/{entry_id}/reverse"
    answers = await asyncio.gather(
        *(
            client.post(reverse, json={"on": "2025-06-02", "reason": r}, headers=as_treasurer)
            for r in ("Entered twice", "Wrong supplier")
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409]
    lines = (await client.get(ledger, headers=as_treasurer)).json()
    assert [line["reverses"] for line in lines].count(entry_id) == 1


async def test_trustees_adopt_rates_open_close_and_declare_through_the_api(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    as_trustee = await bearer(client, TRUSTEE)
    rates = {"charge_pence_per_hour": 2950, "pay_pence_per_hour": 1530, "minute": "B 7"}
    no_date = await client.post("/api/finance/rates", json=rates, headers=as_trustee)
    assert problem(no_date, 422) == {"effective_from": "Say from which date the rates take effect."}
    adopted = await client.post(
        "/api/finance/rates", json=rates | {"effective_from": "2027-01-01"}, headers=as_trustee
    )
    assert adopted.status_code == 201
    assert [r["pay_pence_per_hour"] for r in adopted.json()] == [1480, 1530]

    overlapping = {"name": "Overlap", "starts": "2026-03-01", "ends": "2027-02-28", "minute": "B"}
    refused = await client.post("/api/finance/periods", json=overlapping, headers=as_trustee)
    assert "Periods can't overlap" in problem(refused, 409)[""]
    before = await events(pool)
    unknown = await client.post(
        "/api/finance/periods/00000000-0000-0000-0000-000000000000/close",
        json={"minute": "B"},
        headers=as_trustee,
    )
    assert unknown.status_code == 404
    assert await events(pool) == before

    close = f"/api/finance/periods/{books.period}/close"
    closed = await client.post(close, json={"minute": "Board 2026/04 minute 3"}, headers=as_trustee)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    surplus = closed.json()["revenue_pence"] - closed.json()["costs_pence"]
    declare = f"/api/finance/periods/{books.period}/declare"
    above = await client.post(declare, json={"pence": surplus, "minute": "B"}, headers=as_trustee)
    assert "reserve" in problem(above, 409)[""]
    declared = await client.post(declare, json={"pence": 100_00, "minute": "B"}, headers=as_trustee)
    assert declared.status_code == 200 and declared.json()["distributable_pence"] == 100_00

    as_dev = await bearer(client, DEV_EMAIL)
    made_up = await client.get(f"/api/finance/periods/{books.period}/surplus", headers=as_dev)
    assert made_up.json()["surplus_pence"] == surplus
    months = await client.get(f"/api/finance/periods/{books.period}/summary", headers=as_dev)
    assert [m["month"] for m in months.json()] == ["2025-04", "2025-06"]
    assert (await client.get("/api/finance/periods", headers=as_dev)).status_code == 403


async def test_members_find_each_closed_years_surplus_and_bookkeepers_its_journal(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    as_dev = await bearer(client, DEV_EMAIL)
    assert (await client.get("/api/finance/surplus", headers=as_dev)).json() == []
    coop.close_period(books.period, minute="Board 2026/04 minute 3", by=books.treasurer)
    await caught_up(client, coop)
    [closed] = (await client.get("/api/finance/surplus", headers=as_dev)).json()
    assert (closed["period_id"], closed["name"], closed["state"]) == (
        str(books.period),
        "2025 to 2026",
        "closed",
    )

    as_treasurer = await bearer(client, TREASURER)
    page = await signed_in(client, TREASURER)
    for export, media_type in [("csv", "text/csv"), ("beancount", "text/plain")]:
        path = f"/finance/periods/{books.period}/journal.{export}"
        answer = await client.get(f"/api{path}", headers=as_treasurer)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith(media_type)
        assert answer.content == (await page.get(path)).content  # the page's download
        unknown = f"/api/finance/periods/00000000-0000-0000-0000-000000000000/journal.{export}"
        missing = await client.get(unknown, headers=as_treasurer)
        assert problem(missing, 404) == {"": "There is no financial period with that id."}
        assert problem(await client.get(f"/api{path}", headers=as_dev), 403)
    _, errors, _ = loader.load_string(answer.text)
    assert errors == []


async def test_a_pa_reads_only_their_own_pay_through_the_api(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    as_dev = await bearer(client, DEV_EMAIL)
    own = await client.get(f"/api/finance/pay/{books.dev}?month=2025-06", headers=as_dev)
    assert own.status_code == 200
    assert (own.json()["minutes"], own.json()["pence"], len(own.json()["missed"])) == (60, 1480, 1)
    other = await client.get(f"/api/finance/pay/{books.siobhan}?month=2025-06", headers=as_dev)
    assert problem(other, 403)
    bad = await client.get(f"/api/finance/pay/{books.dev}?month=June", headers=as_dev)
    assert problem(bad, 400) == {"month": "month must be a month like 2026-11"}
    mine = await client.get("/api/finance/pay?month=2025-06", headers=as_dev)
    assert mine.json() == own.json()  # without knowing one's own member id
    as_treasurer = await bearer(client, TREASURER)
    assert problem(await client.get("/api/finance/pay", headers=as_treasurer), 403)


async def test_the_finance_api_is_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/api/schema/openapi.json")).json()["paths"]
    assert {
        "/api/finance/rates",
        "/api/finance/periods",
        "/api/finance/periods/{period_id}/close",
        "/api/finance/periods/{period_id}/declare",
        "/api/finance/periods/{period_id}/ledger",
        "/api/finance/periods/{period_id}/ledger/{entry_id}/reverse",
        "/api/finance/periods/{period_id}/surplus",
        "/api/finance/periods/{period_id}/journal.csv",
        "/api/finance/periods/{period_id}/journal.beancount",
        "/api/finance/surplus",
        "/api/finance/periods/{period_id}/late-fix",
        "/api/finance/commitments",
        "/api/finance/commitments/{commitment_id}/spend",
        "/api/finance/pay/{pa_id}",
        "/api/finance/pay",
    } <= set(paths)
    assert "201" in paths["/api/finance/periods/{period_id}/ledger"]["post"]["responses"]
