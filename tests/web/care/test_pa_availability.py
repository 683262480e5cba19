"""A PA's availability: the weekly pattern from a date, and leave, sickness and extra hours."""

from __future__ import annotations

import httpx

from coop.application import Coop
from coop.projections.care.staff import pa_availability
from coop.web.services import services
from tests.app.care.leeds import TUESDAY, book
from tests.web.care.staff import as_, caught_up, leeds_online, read, submit

NEW_WEEK = {
    "starts-day": "30",
    "starts-month": "11",
    "starts-year": "2026",
    "w0-from": "8am",
    "w0-to": "12:00",
    "w5-from": "22:00",
    "w5-to": "6am",
}
LEAVE = {
    "kind": "leave",
    "from-day": "1",
    "from-month": "12",
    "from-year": "2026",
    "from-time": "9am",
    "until-day": "2",
    "until-month": "12",
    "until-year": "2026",
    "until-time": "5pm",
}


async def test_a_pa_sets_new_weekly_hours_from_a_date(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    await leeds_online(client, coop)
    await as_(client, "Ewan")
    page = await read(client, "/pa/availability")
    assert "Monday: 09:00 to 17:00" in page and "Friday: 09:00 to 17:00" in page
    assert "Your recorded skills: medication and personal care." in page

    saved = await submit(client, "/pa/availability/pattern", NEW_WEEK)
    assert saved.status_code == 303
    page = await read(client, saved.headers["location"])
    assert "Your weekly hours have been saved." in page
    assert (
        "From Monday 30 November 2026: Monday 08:00 to 12:00; Saturday 22:00 to 06:00 the next day."
        in page
    )


async def test_weekly_hours_that_cannot_be_right_are_refused_field_by_field(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    await leeds_online(client, coop)
    await as_(client, "Ewan")
    past = await submit(
        client, "/pa/availability/pattern", {**NEW_WEEK, "starts-day": "1", "starts-month": "11"}
    )
    assert past.status_code == 422
    assert "The date the pattern starts must be today or later" in past.text
    half = await submit(client, "/pa/availability/pattern", {**NEW_WEEK, "w2-from": "9am"})
    assert half.status_code == 422 and "Enter the time you finish on Wednesdays" in half.text
    nonsense = await submit(client, "/pa/availability/pattern", {**NEW_WEEK, "w0-to": "teatime"})
    assert "Enter the time you finish on Mondays as a time of day" in nonsense.text
    none = await submit(
        client,
        "/pa/availability/pattern",
        {"starts-day": "30", "starts-month": "11", "starts-year": "2026"},
    )
    assert "Enter the hours you can work on at least one day" in none.text
    assert "From Monday 30 November" not in await read(client, "/pa/availability")


async def test_a_pa_adds_and_withdraws_leave_and_leave_over_a_visit_is_refused(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    book(coop, town, "Grace", TUESDAY, 9)
    await caught_up(client)
    await as_(client, "Ewan")

    added = await submit(client, "/pa/availability/exceptions", LEAVE)
    assert added.status_code == 303
    page = await read(client, added.headers["location"])
    assert (
        "Leave</strong>: from 09:00 on Tuesday 1 December 2026 until 17:00 on Wednesday 2 December 2026"
        in page
    )

    backwards = await submit(
        client, "/pa/availability/exceptions", {**LEAVE, "until-day": "1", "until-time": "8am"}
    )
    assert backwards.status_code == 422 and "The end must be after the start" in backwards.text
    no_kind = await submit(client, "/pa/availability/exceptions", {**LEAVE, "kind": "holiday"})
    assert "Choose leave, sickness or extra hours" in no_kind.text

    over_a_visit = await submit(
        client,
        "/pa/availability/exceptions",
        {**LEAVE, "from-day": "24", "from-month": "11", "until-day": "24", "until-month": "11"},
    )
    assert over_a_visit.status_code == 409
    assert "Ewan" in over_a_visit.text and "09:00 to 10:00" in over_a_visit.text

    s = services(client.app)  # type: ignore[attr-defined]
    (leave,) = (await pa_availability(s.pool, town.member["Ewan"])).exceptions
    await as_(client, "Marcus")  # another PA cannot withdraw Ewan's leave
    refused = await submit(client, f"/pa/availability/exceptions/{leave.id}/withdraw")
    assert refused.status_code == 404
    assert "There is no such change to this PA's availability." in refused.text
    assert len((await pa_availability(s.pool, town.member["Ewan"])).exceptions) == 1

    await as_(client, "Ewan")
    withdrawn = await submit(client, f"/pa/availability/exceptions/{leave.id}/withdraw")
    page = await read(client, withdrawn.headers["location"])
    assert "The change to your hours has been withdrawn." in page and "None to come." in page
