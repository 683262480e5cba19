"""A PA's week and the requests offered to them, over HTTP."""

from __future__ import annotations

from datetime import time, timedelta

import httpx

from coop.application import Coop
from tests.app.care.leeds import MONDAY, TUESDAY, WEDNESDAY, book
from tests.web.care.staff import as_, caught_up, leeds_online, read, submit


async def test_a_pa_sees_their_week_day_by_day_and_can_move_between_weeks(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    book(coop, town, "Grace", TUESDAY, 9)
    book(coop, town, "Siobhan", WEDNESDAY, 11, minutes=90)
    book(coop, town, "Grace", TUESDAY, 13, pa="Marcus")  # Marcus's, not Ewan's
    done = book(coop, town, "Grace", MONDAY + timedelta(days=8), 10)
    await caught_up(client)
    await as_(client, "Ewan")

    page = await read(client, "/pa/rota")
    assert "Week starting Monday 23 November 2026" in page
    assert "2 visits this week." in page
    assert "09:00 to 10:00" in page and "Grace" in page and "7 Harehills Lane" in page
    assert "11:00 to 12:30" in page and "Siobhan" in page
    assert "13:00" not in page  # Marcus's visit
    assert "Personal care" in page and "Booked" in page

    later = await read(client, "/pa/rota?week=2026-11-30")
    assert "Week starting Monday 30 November 2026" in later and "1 visit this week." in later
    assert f"/pa/visits/{done}" in later
    assert "Back to this week" in later


async def test_a_pa_accepts_one_request_and_is_told_plainly_why_they_cannot_take_another(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    book(coop, town, "Siobhan", TUESDAY, 10)  # Ewan is at Siobhan's 10:00 to 11:00
    first = coop.request_visit(
        town.member["Grace"],
        day=TUESDAY,
        start=time(14),
        minutes=60,
        tasks=("personal_care",),
        by=town.account["Grace"],
    ).subject
    clash = coop.request_visit(
        town.member["Grace"],
        day=TUESDAY,
        start=time(11, 5),
        minutes=60,
        tasks=("meals",),
        by=town.account["Grace"],
    ).subject
    coop.offer_visit(first, [town.member["Ewan"], town.member["Marcus"]], by=town.joy)
    coop.offer_visit(clash, [town.member["Ewan"]], by=town.joy)
    await caught_up(client)
    await as_(client, "Ewan")

    page = await read(client, "/pa/requests")
    assert "Tuesday 24 November 2026, 14:00 to 15:00" in page
    assert "Tuesday 24 November 2026, 11:05 to 12:05" in page

    accepted = await submit(client, f"/pa/requests/{first}/accept")
    assert accepted.status_code == 303
    after = await read(client, accepted.headers["location"])
    assert "You have accepted the visit" in after and "14:00 to 15:00" not in after
    assert "14:00 to 15:00" in await read(client, "/pa/rota")

    refused = await submit(client, f"/pa/requests/{clash}/accept")
    assert refused.status_code == 409
    assert "Error: Requests for me" in refused.text
    assert (
        "You already have a visit from 10:00 to 11:00, and need 15 minutes to travel"
        in refused.text
    )
    assert "11:05 to 12:05" not in await read(client, "/pa/rota")  # nothing stored

    declined = await submit(client, f"/pa/requests/{clash}/decline")
    assert declined.status_code == 303
    assert "Nothing is waiting for your answer." in await read(client, "/pa/requests")


async def test_a_pa_cannot_accept_a_visit_not_offered_to_them_nor_a_forged_one(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    visit = coop.request_visit(
        town.member["Grace"],
        day=TUESDAY,
        start=time(14),
        minutes=60,
        tasks=("personal_care",),
        by=town.account["Grace"],
    ).subject
    coop.offer_visit(visit, [town.member["Marcus"]], by=town.joy)
    await caught_up(client)
    await as_(client, "Ewan")

    refused = await submit(client, f"/pa/requests/{visit}/accept")
    assert refused.status_code == 403
    assert "This visit has not been offered to you." in refused.text
    forged = await submit(client, "/pa/requests/6f1c3c56-0000-4000-8000-000000000000/accept")
    assert forged.status_code == 404
    assert "There is no visit with that reference." in forged.text
    await as_(client, "Marcus")
    assert "14:00 to 15:00" in await read(client, "/pa/requests")  # still open for Marcus
