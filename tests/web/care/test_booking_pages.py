"""Booking a visit from the pages, as a user or a carer: what they see, and every refusal."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest

from coop.application import Coop
from tests.app.care.leeds import TUESDAY, book
from tests.web.care.town import as_, booking, events, seen, services_of, town_of
from tests.web.helpers import post_form


async def test_a_user_books_a_visit_from_a_named_pa_and_sees_it_coming_up(
    client, coop: Coop
) -> None:
    town = await town_of(client, coop)
    await as_(client, "Grace")
    form = await client.get("/care/book")
    assert form.status_code == 200
    for task in ("Personal care", "Help with medicines", "Making meals"):  # her plan's tasks
        assert task in form.text
    assert "Moving with a hoist" not in form.text  # not in her plan
    assert "Marcus" in form.text and "Ewan" in form.text
    sent = await post_form(
        client, "/care/book", booking(pa=str(town.member["Ewan"]), tasks=["personal_care", "meals"])
    )
    assert sent.status_code == 303, sent.text
    page = await client.get(sent.headers["location"])
    assert "Your visit has been asked for." in page.text
    assert "Tuesday 24 November 2026, 10:00 for 1 hour" in page.text
    assert "Asked for: waiting for Ewan to say yes" in page.text
    upcoming = await client.get("/care/visits")
    assert "Tuesday 24 November 2026, 10:00 for 1 hour" in upcoming.text
    assert "For meals and personal care" in upcoming.text


async def test_a_confirmed_visit_reads_as_booked_with_its_pa(client, coop: Coop) -> None:
    town = await town_of(client, coop)
    book(coop, town, "Grace", TUESDAY, 14)
    await seen(client)
    await as_(client, "Grace")
    assert "Booked with Ewan" in (await client.get("/care/visits")).text


BAD = [
    pytest.param(booking(day="20"), "day", "A visit must be in the future.", id="in the past"),
    pytest.param(
        booking(hours="0", mins="0"),
        "hours",
        "at least 1 minute and at most 24 hours",
        id="zero length",
    ),
    pytest.param(
        booking(hours="24", mins="30"),
        "hours",
        "at least 1 minute and at most 24 hours",
        id="over a day",
    ),
    pytest.param(
        booking(hours="", mins=""), "hours", "Enter how long the visit will be", id="no length"
    ),
    pytest.param(booking(hours="one"), "hours", "in figures", id="length in words"),
    pytest.param(
        booking(day="", month="", year=""), "day", "Enter the date of the visit", id="no date"
    ),
    pytest.param(booking(day="31", month="11"), "day", "must be a real date", id="no such date"),
    pytest.param(booking(time="25:00"), "time", "as a time of day", id="no such time"),
    pytest.param(
        booking(tasks=[]), "tasks", "Choose at least one thing the visit is for", id="no task"
    ),
    pytest.param(
        booking(tasks=["hoist"]), "tasks", "hoist is not in it", id="task not in the plan"
    ),
    pytest.param(booking(pa=str(uuid4())), "pa", "Choose a PA from the list", id="forged PA"),
    pytest.param(
        booking(hours="11"),
        "day",
        "A coordinator must approve the extra hours",
        id="over funded hours",
    ),
]


async def test_a_booking_that_cannot_be_is_refused_in_an_error_summary_and_stores_nothing(
    client, coop: Coop
) -> None:
    await town_of(client, coop)
    await as_(client, "Grace")
    before = await events(client)
    for case in BAD:
        form, field, message = case.values
        sent = await post_form(client, "/care/book", form)
        assert sent.status_code in (409, 422), (case.id, sent.status_code)
        assert "There is a problem" in sent.text and "<title>Error: Book a visit" in sent.text
        assert f'href="#{field}"' in sent.text and message in sent.text, case.id
        assert 'value="10:00"' in sent.text or case.id == "no such time"  # answers kept
    assert await events(client) == before


async def test_an_overlapping_visit_is_refused_saying_which_visit_is_in_the_way(
    client, coop: Coop
) -> None:
    town = await town_of(client, coop)
    book(coop, town, "Grace", TUESDAY, 10)
    await seen(client)
    await as_(client, "Grace")
    before = await events(client)
    sent = await post_form(client, "/care/book", booking(time="10:30"))
    assert sent.status_code == 409
    assert "Grace already has a visit from 10:00 to 11:00." in sent.text
    assert await events(client) == before


async def test_a_pa_the_user_does_not_want_is_refused_by_the_pas_box(client, coop: Coop) -> None:
    town = await town_of(client, coop)
    await as_(client, "Siobhan")  # her plan: never Marcus
    assert "Marcus" not in (await client.get("/care/book")).text
    before = await events(client)
    sent = await post_form(client, "/care/book", booking(pa=str(town.member["Marcus"])))
    assert sent.status_code == 409
    assert '<a href="#pa">Siobhan has asked not to have visits from Marcus.</a>' in sent.text
    assert await events(client) == before


async def test_a_carer_books_for_the_user_who_consents_to_them(client, coop: Coop) -> None:
    town = await town_of(client, coop)
    await as_(client, "Priya")
    form = await client.get("/care/book")
    assert "For Grace" in form.text and f'name="for" value="{town.member["Grace"]}"' in form.text
    sent = await post_form(client, "/care/book", booking(**{"for": str(town.member["Grace"])}))
    assert sent.status_code == 303, sent.text
    row = await services_of(client).pool.fetchrow("SELECT user_id, requested_by FROM care_visits")
    assert row["user_id"] == town.member["Grace"] and row["requested_by"] == "carer"
    assert "Visits for the people you care for" in (await client.get("/care/visits")).text
    # Caring for two people, Priya is asked whom each page is about.
    coop.ask_to_link_carer(town.member["Priya"], town.member["Siobhan"], by=town.account["Priya"])
    coop.consent_to_carer(town.member["Siobhan"], town.member["Priya"], by=town.account["Siobhan"])
    await seen(client)
    asked = await client.get("/care/book")
    assert "Who is the visit for?" in asked.text and "Siobhan" in asked.text
    nobody = await post_form(client, "/care/book", booking())
    assert nobody.status_code == 422
    assert "Choose the person you are arranging care for." in nobody.text
    chosen = await client.get(f"/care/book?for={town.member['Siobhan']}")
    assert "For Siobhan" in chosen.text


async def test_a_carer_without_consent_is_refused_by_name_and_nothing_is_stored(
    client, coop: Coop
) -> None:
    town = await town_of(client, coop)
    await as_(client, "Hannah")  # asked to care for Siobhan, who has not agreed
    assert "No one has agreed yet" in (await client.get("/care/book")).text
    before = await events(client)
    sent = await post_form(client, "/care/book", booking(**{"for": str(town.member["Siobhan"])}))
    assert sent.status_code == 403
    number = await services_of(client).pool.fetchval(
        "SELECT membership_number FROM members WHERE member_id = $1", town.member["Siobhan"]
    )
    assert (
        f"Member {number} has not agreed to you being their carer, so you cannot arrange care"
        " for them." in sent.text
    )
    assert "Siobhan" not in sent.text.split("<main")[1]  # not named until she agrees
    refused = await client.get(f"/care/plan?for={town.member['Siobhan']}")
    assert refused.status_code == 403
    assert await events(client) == before


async def test_a_user_cannot_book_for_someone_else_nor_with_a_forged_id(client, coop: Coop) -> None:
    town = await town_of(client, coop)
    await as_(client, "Siobhan")
    before = await events(client)
    for someone in (town.member["Grace"], uuid4(), "not-an-id"):
        sent = await post_form(client, "/care/book", booking(**{"for": str(someone)}))
        assert sent.status_code == 403
        assert "You can see and arrange care only for yourself" in sent.text
    assert await events(client) == before


async def test_two_overlapping_bookings_sent_at_once_hold_only_one(client, coop: Coop) -> None:
    town = await town_of(client, coop)
    await as_(client, "Grace")
    forms = [booking(time="10:00"), booking(time="10:30"), booking(time="10:45")]
    sent = await asyncio.gather(*(post_form(client, "/care/book", f) for f in forms))
    assert sorted(r.status_code for r in sent) == [303, 409, 409]
    for refused in (r for r in sent if r.status_code == 409):
        assert "Grace already has a visit from" in refused.text
    await seen(client)
    held = await services_of(client).pool.fetchval(
        "SELECT count(*) FROM care_visits WHERE user_id = $1", town.member["Grace"]
    )
    assert held == 1
