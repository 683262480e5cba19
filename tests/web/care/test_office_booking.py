"""The office books a visit for anyone, approves hours beyond a plan, and finds a PA:
candidates best first with reasons, offering, confirming, reassigning."""

from __future__ import annotations

from uuid import uuid4

import httpx

from coop.application import Coop
from tests.app.care.leeds import TUESDAY
from tests.app.care.leeds import book as book_for
from tests.web.care.staff import as_, caught_up, leeds_online, read, submit


def visit_on_tuesday(
    user: str, time: str = "14:00", minutes: str = "60", **more: object
) -> dict[str, object]:
    return {
        "user": user,
        "day": "24",
        "month": "11",
        "year": "2026",
        "time": time,
        "minutes": minutes,
        "tasks": ["personal_care"],
        **more,
    }


async def test_a_coordinator_books_for_a_user_and_sees_the_pas_who_could_come_best_first(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    book_for(coop, town, "Siobhan", TUESDAY, 9, pa="Ewan")  # Ewan has an hour this week
    await caught_up(client)
    await as_(client, "Joy")
    form = await read(client, "/office/care/book")
    assert "Grace" in form and "Siobhan" in form and "Personal care" in form

    booked = await submit(client, "/office/care/book", visit_on_tuesday(str(town.member["Grace"])))
    assert booked.status_code == 303
    page = await read(client, booked.headers["location"])
    assert "The visit has been booked." in page and "Visit to Grace" in page
    assert "Waiting for a PA" in page
    marcus, ewan = page.index("Confirm Marcus"), page.index("Confirm Ewan")
    assert marcus < ewan  # fewer hours this week: Marcus first
    assert "Has the skills: personal care" in page
    assert "Free from 14:00 to 15:00 on Tuesday 24 November 2026" in page
    assert "Nothing booked this week yet" in page and "1 hour booked this week" in page
    assert "Aisha is not trained for personal care, which this visit needs." in page


async def test_hours_beyond_the_funded_hours_need_the_coordinators_approval(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    await as_(client, "Joy")
    long_visit = visit_on_tuesday(str(town.member["Grace"]), time="8am", minutes="660")
    refused = await submit(client, "/office/care/book", long_visit)
    assert refused.status_code == 409
    assert "This visit would bring Grace's care to 11 hours" in refused.text
    assert "I approve the extra hours for this visit" in refused.text

    approved = await submit(client, "/office/care/book", {**long_visit, "approve": "yes"})
    assert approved.status_code == 303
    assert "08:00 to 19:00" in await read(client, "/office/care/day?on=2026-11-24")


async def test_bad_bookings_are_refused_with_a_specific_message_and_store_nothing(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    await as_(client, "Joy")
    grace = str(town.member["Grace"])
    cases = [
        ({**visit_on_tuesday(grace), "user": ""}, 422, "Choose who the visit is for"),
        ({**visit_on_tuesday(grace), "day": ""}, 422, "The date of the visit must include a day"),
        (
            {**visit_on_tuesday(grace), "minutes": "0"},
            422,
            "A visit must last at least 1 minute and at most 24 hours.",
        ),
        (
            {**visit_on_tuesday(grace), "minutes": "1441"},
            422,
            "A visit must last at least 1 minute and at most 24 hours.",
        ),
        ({**visit_on_tuesday(grace), "day": "20"}, 422, "A visit must be in the future."),
        (
            {**visit_on_tuesday(grace), "tasks": []},
            422,
            "Choose at least one task the visit is for",
        ),
        (
            {**visit_on_tuesday(grace), "tasks": ["juggling"]},
            422,
            "“juggling” is not a task coop knows.",
        ),
        (
            {**visit_on_tuesday(grace), "pa": str(town.member["Grace"])},
            409,
            "Grace is not a current PA of the co-op.",
        ),
        (
            {**visit_on_tuesday(grace), "user": str(uuid4())},
            404,
            "There is no user with that reference in the co-op.",
        ),
    ]
    for form, status, message in cases:
        answer = await submit(client, "/office/care/book", form)
        assert (answer.status_code, message in answer.text) == (status, True), (
            message,
            answer.text[-3000:],
        )
    assert "No visits on this day." in await read(client, "/office/care/day?on=2026-11-24")


async def test_the_office_offers_confirms_and_reassigns_a_visit(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    await as_(client, "Joy")
    booked = await submit(client, "/office/care/book", visit_on_tuesday(str(town.member["Grace"])))
    visit = booked.headers["location"].split("?")[0]

    none = await submit(client, f"{visit}/offer", {"pas": []})
    assert none.status_code == 422 and "Choose at least one PA to offer the visit to" in none.text
    offered = await submit(
        client, f"{visit}/offer", {"pas": [str(town.member["Ewan"]), str(town.member["Marcus"])]}
    )
    page = await read(client, offered.headers["location"])
    assert "The visit has been offered." in page and "Offered to" in page

    aisha = await submit(client, f"{visit}/confirm", {"pa": str(town.member["Aisha"])})
    assert aisha.status_code == 409
    assert "Aisha is not trained for personal care, which this visit needs." in aisha.text

    confirmed = await submit(client, f"{visit}/confirm", {"pa": str(town.member["Marcus"])})
    page = await read(client, confirmed.headers["location"])
    assert "The PA has been confirmed for the visit." in page and "Booked" in page
    assert "Reassign this visit" in page and "PAs who could take it" not in page

    reassigned = await submit(client, f"{visit}/reassign")
    page = await read(client, reassigned.headers["location"])
    assert "The visit has been taken off its PA." in page and "Nobody yet" in page
    assert "Confirm Marcus" in page

    forged = await submit(
        client, f"/office/care/visits/{uuid4()}/confirm", {"pa": str(town.member["Marcus"])}
    )
    assert forged.status_code == 404 and "There is no visit with that reference." in forged.text
