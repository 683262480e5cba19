"""Calendar feeds from the pages: the owner gets, renews and stops a secret address, and a
calendar app reads RFC 5545 there (parsed here with the icalendar package)."""

from __future__ import annotations

import re

import httpx
import icalendar

from coop.application import Coop
from tests.app.care.leeds import TUESDAY, WEDNESDAY, at, book
from tests.web.care.town import as_, seen, town_of
from tests.web.helpers import post_form


async def _new_address(client: httpx.AsyncClient) -> str:
    page = await post_form(client, "/care/calendar/renew", {})
    assert page.status_code == 200 and "We show it only this once" in page.text
    found = re.search(
        r'id="feed-address">http://testserver\.local(/calendar/[^<]+\.ics)<', page.text
    )
    assert found is not None, page.text
    return found[1]


def _events(feed: httpx.Response) -> dict[str, icalendar.Event]:
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    parsed = icalendar.Calendar.from_ical(feed.content)
    return {str(e["UID"]): e for e in parsed.walk("VEVENT")}


async def test_a_user_gets_a_feed_of_their_visits_that_a_calendar_can_read(
    client, coop: Coop
) -> None:
    town = await town_of(client, coop)
    kept = book(coop, town, "Grace", TUESDAY, 10)
    cancelled = book(coop, town, "Grace", WEDNESDAY, 10)
    coop.cancel_visit(cancelled, by=town.account["Grace"])
    await seen(client)
    await as_(client, "Grace")
    assert "You do not have a calendar feed." in (await client.get("/care/calendar")).text
    address = await _new_address(client)
    client.cookies.clear()  # a calendar app signs in to nothing
    got = _events(await client.get(address))
    assert str(got[f"{kept}@coop"]["SUMMARY"]) == "Care visit: Ewan"
    assert got[f"{kept}@coop"].decoded("DTSTART") == at(TUESDAY, 10)
    assert str(got[f"{cancelled}@coop"]["STATUS"]) == "CANCELLED"
    await as_(client, "Grace")
    assert "Your calendar feed is on." in (await client.get("/care/calendar")).text


async def test_renewing_kills_the_old_address_and_stopping_kills_the_feed(
    client, coop: Coop
) -> None:
    town = await town_of(client, coop)
    book(coop, town, "Grace", TUESDAY, 10)
    await seen(client)
    await as_(client, "Ewan")  # a PA: his rota
    first = await _new_address(client)
    rota = _events(await client.get(first))
    assert [str(e["SUMMARY"]) for e in rota.values()] == ["Care visit: Grace"]
    second = await _new_address(client)
    assert (await client.get(first)).status_code == 404
    assert (await client.get(second)).status_code == 200
    stopped = await post_form(client, "/care/calendar/revoke", {})
    assert stopped.status_code == 303
    assert "Its address no longer works." in (await client.get(stopped.headers["location"])).text
    gone = await client.get(second)
    assert gone.status_code == 404 and "There is no calendar at this address." in gone.text
    assert (await client.get("/calendar/made-up-secret.ics")).status_code == 404
