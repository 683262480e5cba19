"""On the day, from the PA's phone: the visit, checking in and out, and a note."""

from __future__ import annotations

import httpx

from coop.application import Coop
from coop.clock import FixedClock
from tests.app.care.leeds import TUESDAY, at, book
from tests.web.care.staff import as_, caught_up, fetch, leeds_online, read, submit


async def test_a_pa_checks_in_and_out_of_their_visit_and_writes_a_note(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    town = await leeds_online(client, coop)
    visit = book(coop, town, "Grace", TUESDAY, 9)
    await caught_up(client)
    clock.set(at(TUESDAY, 9, 5))
    await as_(client, "Ewan")

    page = await read(client, f"/pa/visits/{visit}")
    assert "Visit to Grace" in page and "Tuesday 24 November 2026, 09:00 to 10:00" in page
    assert "7 Harehills Lane" in page and "Key safe: 4271" in page
    assert "Check in now" in page and "Write a note" not in page

    checked_in = await submit(client, f"/pa/visits/{visit}/check-in", {"reason": ""})
    assert checked_in.status_code == 303
    page = await read(client, checked_in.headers["location"])
    assert "You have checked in." in page and "09:05" in page and "Check out now" in page

    clock.set(at(TUESDAY, 10, 2))
    checked_out = await submit(client, f"/pa/visits/{visit}/check-out", {"reason": ""})
    page = await read(client, checked_out.headers["location"])
    assert "You have checked out. Thank you." in page and "10:02" in page

    empty = await submit(client, f"/pa/visits/{visit}/notes", {"note": "  "})
    assert empty.status_code == 422 and "Write the note" in empty.text
    noted = await submit(
        client, f"/pa/visits/{visit}/notes", {"note": "Grace was in good spirits."}
    )
    page = await read(client, noted.headers["location"])
    assert "Your note has been saved." in page and "1 written" in page
    assert "Grace was in good spirits." not in page  # the words stay sealed on the write side
    notes = coop.read_visit_notes(visit, by=town.account["Grace"])
    assert [n.text for n in notes] == ["Grace was in good spirits."]


async def test_checking_in_late_asks_for_a_reason_and_stores_nothing_without_one(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    town = await leeds_online(client, coop)
    visit = book(coop, town, "Siobhan", TUESDAY, 10)
    await caught_up(client)
    clock.set(at(TUESDAY, 10, 50))
    await as_(client, "Ewan")

    late = await submit(client, f"/pa/visits/{visit}/check-in", {"reason": ""})
    assert late.status_code == 422
    assert "Error: Visit to Siobhan" in late.text
    assert "You checked in 50 minutes after the planned start (10:00): say why" in late.text
    assert "Check in now" in await read(client, f"/pa/visits/{visit}")  # not checked in

    with_reason = await submit(
        client, f"/pa/visits/{visit}/check-in", {"reason": "The bus broke down"}
    )
    assert with_reason.status_code == 303
    assert "Checked in" in await read(client, f"/pa/visits/{visit}")


async def test_a_pa_cannot_see_or_check_in_to_another_pas_visit(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    town = await leeds_online(client, coop)
    visit = book(coop, town, "Grace", TUESDAY, 9)  # Ewan's
    await caught_up(client)
    clock.set(at(TUESDAY, 9))
    await as_(client, "Marcus")

    seen = await fetch(client, f"/pa/visits/{visit}")
    assert seen.status_code == 403 and "this visit is not yours" in seen.text
    assert "Harehills" not in seen.text and "4271" not in seen.text
    for action in ("check-in", "check-out", "notes"):
        refused = await submit(client, f"/pa/visits/{visit}/{action}", {"note": "x"})
        assert refused.status_code == 403, action
        assert "Only the visit's own PA can" in refused.text and "Harehills" not in refused.text
    forged = await submit(client, "/pa/visits/6f1c3c56-0000-4000-8000-000000000000/check-in")
    assert forged.status_code == 404 and "There is no visit with that reference." in forged.text

    await as_(client, "Ewan")
    assert "Check in now" in await read(client, f"/pa/visits/{visit}")  # nothing stored
