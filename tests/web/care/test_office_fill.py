"""Fill next week: the proposal shown for review, confirmed in one step, each visit
through ``confirm_visit``; those that can no longer be confirmed are reported with why."""

from __future__ import annotations

import re
from datetime import date, time

import httpx

from coop.application import Coop
from coop.domain.care.availability import ExceptionKind
from tests.app.care.leeds import at
from tests.web.care.staff import as_, caught_up, leeds_online, read, submit

MONDAY_NEXT, TUESDAY_NEXT = date(2026, 11, 30), date(2026, 12, 1)


async def test_the_office_fills_next_week_and_is_told_which_visits_could_not_be_confirmed(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    for user, day, hour in [
        ("Siobhan", MONDAY_NEXT, 9),  # only Ewan: Siobhan does not want Marcus
        ("Grace", MONDAY_NEXT, 9),
        ("Grace", TUESDAY_NEXT, 11),
    ]:
        coop.request_visit(
            town.member[user],
            day=day,
            start=time(hour),
            minutes=60,
            tasks=("personal_care",),
            by=town.account[user],
        )
    await caught_up(client)
    await as_(client, "Joy")

    page = await read(client, "/office/care/fill")
    assert "Week starting Monday 30 November 2026" in page
    assert "3 open requests. coop proposes a PA for 3" in page
    assigned = re.findall(r'name="assign" value="([^"]+)"', page)
    assert len(assigned) == 3
    siobhans = page[page.index("Siobhan") : page.index("Siobhan") + 200]
    assert "Ewan" in siobhans

    # Before the office confirms, Ewan falls ill on Monday: his proposal no longer holds.
    coop.add_availability_exception(
        town.member["Ewan"],
        ExceptionKind.SICKNESS,
        at(MONDAY_NEXT, 0),
        at(MONDAY_NEXT, 23),
        by=town.account["Ewan"],
    )
    filled = await submit(client, "/office/care/fill", {"week": "2026-11-30", "assign": assigned})
    assert filled.status_code == 200
    assert "2 visits confirmed" in filled.text
    assert "Could not be confirmed (1)" in filled.text
    assert (
        "Ewan is not available from 09:00 to 10:00 on Monday 30 November 2026: they are off sick."
        in filled.text
    )
    board = await read(client, "/office/care/day?on=2026-11-30")
    assert "2 visits: 1 unfilled, 1 booked." in board

    again = await submit(
        client, "/office/care/fill", {"week": "2026-11-30", "assign": ["nonsense"]}
    )
    assert again.status_code == 422 and "The proposal was not in the expected form" in again.text
