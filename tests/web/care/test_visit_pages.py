"""One visit from the pages: changing it, cancelling it (warned of a late charge), its notes,
and who read them; the Easy Read pages; what another user's visit shows."""

from __future__ import annotations

from uuid import uuid4

from coop.application import Coop
from coop.clock import FixedClock
from tests.app.care.leeds import TUESDAY, WEDNESDAY, at, book
from tests.web.care.town import as_, booking, events, seen, services_of, town_of
from tests.web.helpers import post_form


async def test_a_user_moves_a_visit_and_its_pa_keeps_it_when_free(client, coop: Coop) -> None:
    town = await town_of(client, coop)
    visit = book(coop, town, "Grace", TUESDAY, 10)
    await seen(client)
    await as_(client, "Grace")
    form = await client.get(f"/care/visits/{visit}/change")
    assert 'value="10:00"' in form.text and 'value="24"' in form.text  # as booked
    moved = await post_form(client, f"/care/visits/{visit}/change", booking(time="14:00"))
    assert moved.status_code == 303
    page = await client.get(moved.headers["location"])
    assert "The visit has been moved." in page.text
    assert "Tuesday 24 November 2026, 14:00 for 1 hour" in page.text
    assert "Booked with Ewan" in page.text


async def test_a_move_that_cannot_be_is_refused_and_changes_nothing(client, coop: Coop) -> None:
    town = await town_of(client, coop)
    visit = book(coop, town, "Grace", TUESDAY, 10)
    book(coop, town, "Grace", TUESDAY, 15, pa="Marcus")
    await seen(client)
    await as_(client, "Grace")
    before = await events(client)
    for form, message in [
        (booking(time="15:30"), "Grace already has a visit from 15:00 to 16:00."),
        (booking(day="1"), "The new time must be in the future."),
        (booking(hours="30"), "at most 24 hours"),
    ]:
        sent = await post_form(client, f"/care/visits/{visit}/change", form)
        assert sent.status_code in (409, 422) and message in sent.text, sent.text
        assert "There is a problem" in sent.text
    assert await events(client) == before


async def test_a_late_cancellation_is_warned_of_and_then_charged(client, coop: Coop) -> None:
    town = await town_of(client, coop)
    soon = book(coop, town, "Grace", TUESDAY, 9)  # 23 hours from now: inside the 24
    later = book(coop, town, "Grace", WEDNESDAY, 11)
    await seen(client)
    await as_(client, "Priya")  # Grace's carer
    warned = await client.get(f"/care/visits/{soon}/cancel")
    assert "This visit starts in less than 24 hours" in warned.text
    assert "50% of its cost will be charged" in warned.text
    assert "There is no charge" in (await client.get(f"/care/visits/{later}/cancel")).text
    sent = await post_form(
        client, f"/care/visits/{soon}/cancel", {"reason": "Grace is in hospital"}
    )
    assert sent.status_code == 303
    page = await client.get(sent.headers["location"])
    assert "The visit has been cancelled." in page.text
    assert "This was a late cancellation, so 50% of the visit's cost is charged" in page.text
    assert "Change the time" not in page.text
    upcoming = await client.get("/care/visits")
    assert "Tuesday 24 November 2026, 09:00" not in upcoming.text
    assert "Wednesday 25 November 2026, 11:00" in upcoming.text
    again = await post_form(client, f"/care/visits/{soon}/cancel", {"reason": ""})
    assert again.status_code == 409 and "This visit cannot be changed" in again.text


async def test_another_users_visit_and_forged_ids_are_refused_saying_why(
    client, coop: Coop
) -> None:
    town = await town_of(client, coop)
    graces = book(coop, town, "Grace", TUESDAY, 10)
    await seen(client)
    await as_(client, "Siobhan")
    before = await events(client)
    for path in ("", "/change", "/cancel", "/notes"):
        got = await client.get(f"/care/visits/{graces}{path}")
        assert got.status_code == 403, path
        assert "You can see and arrange care only for yourself" in got.text
        assert "Grace" not in got.text.split("<main")[1]  # not even her name
    for path in ("/change", "/cancel"):
        sent = await post_form(client, f"/care/visits/{graces}{path}", booking())
        assert sent.status_code == 403
    forged = await client.get(f"/care/visits/{uuid4()}")
    assert forged.status_code == 404 and "There is no visit with that reference." in forged.text
    await as_(client, "Hannah")  # a carer, but Siobhan has not agreed, and Grace is not hers
    assert (await client.get(f"/care/visits/{graces}")).status_code == 403
    assert await events(client) == before
    # Once Grace withdraws her consent, Priya can no longer see or cancel her visits.
    coop.withdraw_carer_consent(
        town.member["Grace"], town.member["Priya"], by=town.account["Grace"]
    )
    await seen(client)
    await as_(client, "Priya")
    for path in ("", "/cancel"):
        got = await client.get(f"/care/visits/{graces}{path}")
        assert got.status_code == 403 and "has withdrawn their consent to you being" in got.text
    withdrawn = await events(client)
    sent = await post_form(client, f"/care/visits/{graces}/cancel", {"reason": ""})
    assert sent.status_code == 403 and await events(client) == withdrawn


async def test_notes_are_shown_to_the_carer_and_the_user_sees_who_read_them(
    client, coop: Coop, clock: FixedClock
) -> None:
    town = await town_of(client, coop)
    visit = book(coop, town, "Grace", TUESDAY, 10)
    clock.set(at(TUESDAY, 10, 2))
    coop.check_in(visit, by=town.account["Ewan"])
    coop.write_visit_note(
        visit, "Grace took her tablets.\nA little breathless.", by=town.account["Ewan"]
    )
    await seen(client)
    await as_(client, "Priya")
    notes = await client.get(f"/care/visits/{visit}/notes")
    assert notes.status_code == 200
    assert "Written by Ewan at 10:02am on Tuesday 24 November 2026" in notes.text
    assert "Grace took her tablets.\nA little breathless." in notes.text
    assert "Grace can see that you read them" in notes.text
    await seen(client)
    await as_(client, "Grace")
    assert "Read the visit notes (1)" in (await client.get(f"/care/visits/{visit}")).text
    await client.get(f"/care/visits/{visit}/notes")  # her own read is not recorded
    await seen(client)
    reads = await client.get("/care/notes-read")
    assert (
        "<strong>Priya</strong> (Carer) read the notes of the visit at 10am on Tuesday 24 November 2026, at 10:02am on Tuesday 24 November 2026."
        in reads.text
    )
    assert reads.text.count("read the notes") == 1


async def test_the_easy_read_pages_say_one_thing_at_a_time_with_pictures(
    client, coop: Coop
) -> None:
    town = await town_of(client, coop)
    book(coop, town, "Grace", TUESDAY, 10)
    await seen(client)
    await as_(client, "Grace")
    upcoming = await client.get("/care/visits/easy-read")
    assert "You have 1 visit coming up." in upcoming.text
    assert "Tuesday 24 November at 10:00" in upcoming.text and "Ewan is coming." in upcoming.text
    assert 'alt="A calendar"' in upcoming.text
    form = await client.get("/care/book/easy-read")
    assert (
        "Choose the day of the visit." in form.text and 'name="view" value="easy-read"' in form.text
    )
    before = await events(client)
    wrong = await post_form(client, "/care/book", booking(day="1", view="easy-read"))
    assert (
        wrong.status_code == 422
        and "Easy Read" in wrong.text
        and "There is a problem" in wrong.text
    )
    assert await events(client) == before
    sent = await post_form(client, "/care/book", booking(time="15:00", view="easy-read"))
    assert sent.status_code == 303 and sent.headers["location"].endswith("view=easy-read")
    page = await client.get(sent.headers["location"])
    assert 'href="/care/visits/easy-read"' in page.text
    assert services_of(client) is not None
