"""The care pages for PAs and the office in a browser: axe-clean and 320 px wide on every
page, and a PA's keyboard journey from accepting a request to checking in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID

import msgspec
import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import UK, FixedClock
from coop.domain.care.availability import WeeklyPattern, Window
from coop.web.accounts.passwords import hash_password
from tests.app.care.leeds import leeds
from tests.browser.governance.test_taking_part import sign_out
from tests.browser.helpers import (
    Checks,
    Server,
    assert_fits,
    caught_up,
    sign_in,
    skip_to_content,
    tab_to,
)
from tests.web.helpers import TRUSTEE_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> FixedClock:
    """Leeds is set up on its own date (23 November 2026); ``staff_co_op`` then moves
    the clock to now, as the server runs on the real clock."""
    return FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


class Staff(msgspec.Struct, frozen=True):
    offered: UUID  # to Ewan, starting in ten minutes
    booked: UUID  # Ewan's, tomorrow
    open: UUID  # Grace's, next week, no PA yet
    aisha: UUID


async def staff_co_op(coop: Coop, clock: FixedClock, server: Server) -> Staff:
    """Leeds, with Ewan working any hour, a request offered to him, and one still open."""
    town = leeds(coop)
    clock.set(datetime.now(UTC))
    for account in (town.account["Ewan"], town.joy):
        coop.change_password(account, hash_password(TRUSTEE_PASSWORD))
    now = clock.now().astimezone(UK)
    every_hour = tuple(Window(d, 0, 24 * 60) for d in range(7))
    pattern = WeeklyPattern(starts_on=now.date(), windows=every_hour)
    coop.set_availability(town.member["Ewan"], pattern, by=town.account["Ewan"])
    coop.set_availability(town.member["Marcus"], pattern, by=town.account["Marcus"])

    def request(user: str, at: datetime, pa: str | None = None) -> UUID:
        return coop.request_visit(
            town.member[user],
            day=at.date(),
            start=at.time().replace(second=0, microsecond=0),
            minutes=60,
            tasks=("personal_care",),
            pa_id=None if pa is None else town.member[pa],
            by=town.account[user],
        ).subject

    offered = request("Grace", now + timedelta(minutes=10))
    coop.offer_visit(offered, [town.member["Ewan"]], by=town.joy)
    booked = request("Siobhan", now + timedelta(days=1), pa="Ewan")
    coop.accept_visit(booked, by=town.account["Ewan"])
    still_open = request("Grace", now + timedelta(days=7))
    await caught_up(server, coop.recorder.max_notification_id() or 0)
    return Staff(offered, booked, still_open, town.member["Aisha"])


async def look(
    page: Page, checks: Checks, path: str, heading: str | re.Pattern[str], picture: str
) -> None:
    """Go to the page: its heading, nothing cut off at 320 px, axe-clean; a screenshot."""
    await page.goto(path)
    await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    await assert_fits(page, 320)
    await checks(f"{picture}-320px")


async def test_every_staff_page_is_axe_clean_and_fits_a_320_px_phone(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    staff = await staff_co_op(coop, clock, app_server)
    await sign_in(page, checks, "ewan@example.org")
    await page.set_viewport_size({"width": 320, "height": 640})
    await look(page, checks, "/pa/rota", "My rota", "pa-rota")
    await look(page, checks, "/pa/requests", "Requests for me", "pa-requests")
    await look(page, checks, "/pa/availability", "My availability", "pa-availability")
    await look(page, checks, f"/pa/visits/{staff.booked}", "Visit to Siobhan", "pa-visit")
    await page.get_by_role("button", name="Check in now").click()  # a day early: a reason
    await expect(page.locator(".govuk-error-summary")).to_contain_text("say why")
    await checks("pa-check-in-error-320px")
    await sign_out(page)

    await page.set_viewport_size({"width": 1024, "height": 768})
    await sign_in(page, checks, "joy@example.org")
    await page.set_viewport_size({"width": 320, "height": 640})
    await look(page, checks, "/office/care/day", re.compile(r"\d{4}$"), "office-day")
    await look(page, checks, "/office/care/book", "Book a visit", "office-book")
    await page.get_by_role("button", name="Book the visit").click()
    await expect(page.locator(".govuk-error-summary")).to_contain_text("Choose who the visit")
    await checks("office-book-errors-320px")
    await look(page, checks, f"/office/care/visits/{staff.open}", "Visit to Grace", "office-visit")
    await expect(page.get_by_role("button", name="Confirm Marcus")).to_be_visible()
    await look(page, checks, "/office/care/fill", "Fill the week", "office-fill")
    await look(page, checks, "/office/care/pas", "PAs and skills", "office-pas")
    await look(
        page, checks, f"/office/care/pas/{staff.aisha}/skills", "Aisha's skills", "office-skills"
    )


async def test_a_pa_accepts_a_request_and_checks_in_by_keyboard_alone(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    await staff_co_op(coop, clock, app_server)
    await sign_in(page, checks, "ewan@example.org")
    heading = page.get_by_role("heading", level=1)

    await tab_to(
        page, page.get_by_role("navigation", name="Main").get_by_role("link", name="My rota")
    )
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("My rota")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("link", name="Requests for me"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Requests for me")
    await checks()
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("button", name="Accept"))
    await page.keyboard.press("Enter")
    await expect(
        page.get_by_text("You have accepted the visit. It is on your rota.")
    ).to_be_visible()
    await expect(page.get_by_text("Nothing is waiting for your answer.")).to_be_visible()
    await checks("pa-accepted")

    # The banner has taken focus (GOV.UK's script): its link is the next stop.
    await tab_to(page, page.get_by_role("link", name="See your rota"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("My rota")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("link", name=re.compile(r": Grace$")))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Visit to Grace")
    await expect(page.get_by_text("Key safe: 4271")).to_be_visible()
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("button", name="Check in now"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("You have checked in.")).to_be_visible()
    await expect(page.get_by_role("button", name="Check out now")).to_be_visible()
    await checks("pa-checked-in")
