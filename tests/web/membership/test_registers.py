"""The registers on the web: as at a chosen date, and downloaded as CSV (the PDF:
test_register_renders.py)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from uuid import uuid4

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.membership.member_details import Cessation
from tests.people import details
from tests.web.membership.test_applications import signed_in_trustee

TRUSTEE = uuid4()


async def history(client, coop: Coop, clock: FixedClock) -> None:
    """Amira joins on 23 Nov 2026; a member with a spreadsheet-formula name joins a week
    later; Amira leaves on 7 Dec 2026."""
    amira = coop.apply_for_membership(details("Amira Hassan")).subject
    coop.admit(amira, by=TRUSTEE, minute_reference="BM-1")
    clock.advance(timedelta(days=7))
    trick = coop.apply_for_membership(details("=HYPERLINK(1) Smith", email="trick@example.org"))
    coop.admit(trick.subject, by=TRUSTEE, minute_reference="BM-2")
    clock.advance(timedelta(days=7))
    done = coop.cease(amira, Cessation.WITHDRAWAL, on=clock.now().date(), by=TRUSTEE)
    await client.app.state["services"].seen(done.position, "members")


async def test_the_register_as_at_a_past_date_shows_who_was_a_member_then(
    client, coop: Coop, clock: FixedClock
) -> None:
    await history(client, coop, clock)
    await signed_in_trustee(client, coop)  # after the clock moved on: sessions expire
    then = await client.get("/register", params={"day": "25", "month": "11", "year": "2026"})
    assert then.status_code == 200
    assert "Amira Hassan" in then.text and "HYPERLINK" not in then.text
    assert "As at 25 November 2026: 1 member, 0 former" in then.text
    now = await client.get("/register")
    assert "As at 7 December 2026: 1 member, 1 former" in now.text
    assert "7 Dec 2026 (withdrawal)" in now.text  # ceased entries are kept


async def test_a_date_that_is_not_real_or_in_the_future_is_explained(
    client, coop: Coop, clock: FixedClock
) -> None:
    await signed_in_trustee(client, coop)
    for asked, message in [
        ({"day": "31", "month": "2", "year": "2026"}, "The date must be a real date"),
        ({"day": "1", "month": "1", "year": "2099"}, "The date must be today or in the past"),
        ({"day": "x", "month": "1", "year": "2026"}, "must include a day, month and year"),
        ({"as_at": "yesterday"}, "Enter the date as YYYY-MM-DD"),
    ]:
        page = await client.get("/register", params=asked)
        assert page.status_code == 422, asked
        assert "There is a problem" in page.text and message in page.text, asked
        assert "<title>Error: Register of members" in page.text


async def test_the_register_downloads_as_a_spreadsheet_that_cannot_run_formulas(
    client, coop: Coop, clock: FixedClock
) -> None:
    await history(client, coop, clock)
    await signed_in_trustee(client, coop)  # after the clock moved on: sessions expire
    response = await client.get("/register.csv", params={"as_at": "2026-12-07"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"  # said once
    assert "register-of-members-2026-12-07.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["membership_number"], r["name"], r["date_ceased"]) for r in rows] == [
        ("1", "Amira Hassan", "2026-12-07"),
        ("2", "'=HYPERLINK(1) Smith", ""),
    ]
