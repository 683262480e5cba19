"""Racing real concurrent requests from the PAs' pages: the diaries keep the invariants."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import time

import httpx
import pytest

from coop.application import Coop
from tests.app.care.leeds import TUESDAY
from tests.web.care.staff import as_, caught_up, leeds_online, read, submit


@pytest.fixture
async def second(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser on the same app: another person signed in at the same time."""
    transport = httpx.ASGITransport(app=client.app, client=("192.0.2.11", 50001))  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c


def request_at(coop: Coop, town: object, user: str, hh: int, mm: int = 0) -> object:
    return coop.request_visit(
        town.member[user],  # type: ignore[attr-defined]
        day=TUESDAY,
        start=time(hh, mm),
        minutes=60,
        tasks=("personal_care",),
        by=town.account[user],  # type: ignore[attr-defined]
    ).subject


async def test_a_pa_accepting_two_overlapping_visits_at_once_gets_one_and_is_told_why_not_the_other(
    client: httpx.AsyncClient, second: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    grace, siobhan = request_at(coop, town, "Grace", 10), request_at(coop, town, "Siobhan", 10, 30)
    coop.offer_visit(grace, [town.member["Ewan"]], by=town.joy)  # type: ignore[arg-type]
    coop.offer_visit(siobhan, [town.member["Ewan"]], by=town.joy)  # type: ignore[arg-type]
    await caught_up(client)
    await as_(client, "Ewan")
    await as_(second, "Ewan")  # the same PA on a phone and a tablet

    answers = await asyncio.gather(
        submit(client, f"/pa/requests/{grace}/accept"),
        submit(second, f"/pa/requests/{siobhan}/accept"),
    )
    assert Counter(a.status_code for a in answers) == {303: 1, 409: 1}
    (refused,) = [a for a in answers if a.status_code == 409]
    assert "You already have a visit from 10:" in refused.text
    rota = await read(client, "/pa/rota")
    assert ("10:00 to 11:00" in rota) != ("10:30 to 11:30" in rota)  # exactly one is his


async def test_two_pas_accepting_the_same_visit_at_once_one_gets_it(
    client: httpx.AsyncClient, second: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    visit = request_at(coop, town, "Grace", 14)
    coop.offer_visit(visit, [town.member["Ewan"], town.member["Marcus"]], by=town.joy)  # type: ignore[arg-type]
    await caught_up(client)
    await as_(client, "Ewan")
    await as_(second, "Marcus")

    answers = await asyncio.gather(
        submit(client, f"/pa/requests/{visit}/accept"),
        submit(second, f"/pa/requests/{visit}/accept"),
    )
    assert Counter(a.status_code for a in answers) == {303: 1, 409: 1}
    (refused,) = [a for a in answers if a.status_code == 409]
    assert "This visit is confirmed, so it can't be accepted." in refused.text
    ewan, marcus = await read(client, "/pa/rota"), await read(second, "/pa/rota")
    assert ("14:00 to 15:00" in ewan) != ("14:00 to 15:00" in marcus)
