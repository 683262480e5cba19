"""Care on the homes: a user sees their next visits, a PA the requests waiting for an
answer, the office today's visits with no PA confirmed."""

from __future__ import annotations

from datetime import time

from coop.application import Coop
from tests.app.care.leeds import MONDAY, TUESDAY
from tests.web.care.staff import as_, caught_up, leeds_online
from tests.web.governance.test_ballots_pages import text_of


async def test_each_person_sees_the_care_that_concerns_them_on_their_home(
    client, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    tuesday = coop.request_visit(
        town.member["Grace"],
        day=TUESDAY,
        start=time(10, 0),
        minutes=60,
        tasks=("personal_care",),
        pa_id=None,
        by=town.account["Grace"],
    ).subject
    coop.offer_visit(tuesday, [town.member["Ewan"]], by=town.joy)
    coop.request_visit(
        town.member["Grace"],
        day=MONDAY,
        start=time(15, 0),
        minutes=60,
        tasks=("personal_care",),
        pa_id=None,
        by=town.account["Grace"],
    )
    await caught_up(client)

    await as_(client, "Grace")
    page = (await client.get("/")).text
    assert f'href="/care/visits/{tuesday}">Visit 10am on Tuesday 24 November 2026</a>' in page
    assert "1h 00m, no PA confirmed yet." in text_of(page)

    await as_(client, "Ewan")
    home = text_of((await client.get("/")).text)
    assert "To do Answer a request: Grace, 10am on Tuesday 24 November 2026" in home

    await as_(client, "Joy")
    home = text_of((await client.get("/")).text)
    assert "For the office To do 1 visit today with no PA confirmed" in home
    office = text_of((await client.get("/office")).text)
    assert "1 visit today with no PA confirmed" in office and "Day board" in office
