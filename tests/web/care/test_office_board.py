"""The coordinator's day board, over HTTP: every visit of a day and how it is going."""

from __future__ import annotations

import httpx

from coop.application import Coop
from coop.clock import FixedClock
from tests.app.care.leeds import WEDNESDAY, book
from tests.projections.care.test_care_reads import tuesday_in_the_office
from tests.web.care.staff import as_, caught_up, fetch, leeds_online, read


async def test_the_board_shows_the_days_visits_on_time_late_missed_and_unfilled(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    town = await leeds_online(client, coop)
    book(coop, town, "Grace", WEDNESDAY, 9)  # another day
    tuesday_in_the_office(coop, clock, town)  # the clock is now Tuesday 13:00
    await caught_up(client)
    await as_(client, "Joy")

    page = await read(client, "/office/care/day")
    assert "Tuesday 24 November 2026" in page and "Today" in page
    assert "6 visits: 1 late, 1 missed, 1 unfilled, 1 on time, 1 booked, 1 cancelled." in page
    assert "Nobody yet" in page  # the unfilled one
    assert "in at 10:50" in page and "09:00 to 10:00" in page
    assert "16:15 to 17:00" in page

    fragment = await fetch(client, "/office/care/day?on=2026-11-24")
    assert "<html" in fragment.text
    only_the_board = await client.get(
        "/office/care/day?on=2026-11-24", headers={"HX-Request": "true"}
    )
    assert "<html" not in only_the_board.text and 'id="board"' in only_the_board.text

    wednesday = await read(client, "/office/care/day?on-day=25&on-month=11&on-year=2026")
    assert "Wednesday 25 November 2026" in wednesday and "1 visit: 1 booked." in wednesday
    bad = await fetch(client, "/office/care/day?on-day=31&on-month=2&on-year=2026")
    assert bad.status_code == 422
    assert "The day to show must be a real date" in bad.text
