"""What the members funded from a surplus, over HTTP: shown until spent, and the treasurer
spending it as a cost of the open period, never more than is left."""

from __future__ import annotations

from datetime import date

import asyncpg
import httpx

from coop.application import Coop
from coop.clock import FixedClock
from coop.scheduler import tick
from tests.web.finance.test_money_pages import ENTRY, events, rows, summary
from tests.web.finance.world import (
    TREASURER,
    a_year_of_care,
    caught_up,
    respite_voted_for,
    signed_in,
)
from tests.web.helpers import post_form


async def test_the_treasurer_spends_what_the_members_funded_and_no_more(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    respite_voted_for(coop, clock, books, date(2026, 4, 1))  # 21 December 2026
    services = client.app.state["services"]  # type: ignore[attr-defined]
    for _ in range(3):  # counted, then enacted
        await tick(services)
    await caught_up(client, coop)

    treasurer = await signed_in(client, TREASURER)
    listed = await treasurer.get("/finance/commitments")
    assert rows(listed, "Commitments, oldest first")[0][:5] == [
        "Respite breaks for carers",
        "2025 to 2026",
        "£2,000.00",
        "£0.00",
        "£2,000.00",
    ]
    [path] = [
        p for p in listed.text.split('"') if p.startswith("/finance/commitments/") and "spend" in p
    ]
    invoice = ENTRY | {"category": "other_cost", "reference": "Respite Breaks Ltd 12"}
    invoice |= {"day": "21", "month": "12", "year": "2026"}
    before = await events(pool)
    too_much = await post_form(treasurer, path, invoice | {"amount": "2500"})
    assert too_much.status_code == 409
    assert "more than is left of the commitment (£2,000.00)" in summary(too_much)[0]
    assert await events(pool) == before
    spent = await post_form(treasurer, path, invoice | {"amount": "1500"})
    assert spent.status_code == 303
    listed = await treasurer.get(spent.headers["location"])
    assert "The spending has been recorded against the commitment." in listed.text
    assert rows(listed, "Commitments, oldest first")[0][2:5] == [
        "£2,000.00",
        "£1,500.00",
        "£500.00",
    ]
