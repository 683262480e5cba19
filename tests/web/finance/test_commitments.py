"""What the members funded from a surplus, over HTTP: shown until spent, and the treasurer
spending it as a cost of the open period, never more than is left."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
import httpx

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import Elector, Mark
from coop.scheduler import tick
from tests.app.finance.test_reinvestment import put_to_members
from tests.web.finance.test_money_pages import ENTRY, events, rows, summary
from tests.web.finance.world import TREASURER, a_year_of_care, caught_up, signed_in
from tests.web.helpers import post_form


async def test_the_treasurer_spends_what_the_members_funded_and_no_more(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    coop.close_period(books.period, minute="Board 2026/05", by=books.treasurer)
    coop.declare_distributable(books.period, pence=300_000, minute="B 6", by=books.treasurer)
    coop.open_period(
        name="2026 to 2027",
        starts=date(2026, 4, 1),
        ends=date(2027, 3, 31),
        minute="Board 2026/03",
        by=books.treasurer,
    )
    ballot = put_to_members(coop, clock, books.period, books.treasurer)
    respite = coop.propose_option(
        ballot,
        books.siobhan,
        title="Respite breaks for carers",
        description="Weekends away.",
        benefits="carers",
        cost_pence=200_000,
    ).subject
    coop.list_proposal(ballot, respite, by=books.treasurer)
    clock.advance(timedelta(days=14))
    electors = [Elector(books.dev, "pa"), Elector(books.siobhan, "pa")]
    coop.open_ballot(ballot, electors)
    [option] = [o.id for o in coop.repository.get(ballot).options]
    for e in electors:
        coop.cast_vote(ballot, e.member_id, Mark(approvals=(option,)), cast_by=e.member_id)
    clock.advance(timedelta(days=14))  # 21 December 2026: counted, then enacted
    services = client.app.state["services"]  # type: ignore[attr-defined]
    for _ in range(3):
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
