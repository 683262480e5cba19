"""Booking a visit in a browser, by keyboard alone, with JavaScript on and off: every care
page a user sees on the way is axe-clean, and the booking form fits a 320px phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import UK, FixedClock
from tests.app.care.leeds import TUESDAY, at, book, leeds
from tests.browser.helpers import (
    Checks,
    Server,
    assert_error_summary_focused,
    assert_fits,
    caught_up,
    sign_in,
    skip_to_content,
    tab_to,
)
from tests.web.care.town import PASSWORD_HASH

pytestmark = pytest.mark.browser


async def test_a_user_books_a_visit_by_keyboard_and_every_care_page_is_axe_clean(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    town = leeds(coop, password_hash=PASSWORD_HASH)
    delivered = book(coop, town, "Grace", TUESDAY, 10)  # in November: before the real clock
    clock.set(at(TUESDAY, 10, 2))
    coop.check_in(delivered, by=town.account["Ewan"])
    coop.write_visit_note(delivered, "Grace took her tablets.", by=town.account["Ewan"])
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    # The server runs on the real clock: book a fortnight ahead of it.
    day = datetime.now(UTC).astimezone(UK).date() + timedelta(days=14)
    await sign_in(page, checks, "grace@example.org")

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Visits").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your visits")
    await checks("care-visits")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("button", name="Book a visit"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Book a visit")
    await checks("care-book")

    submit = page.get_by_role("button", name="Book the visit")
    await tab_to(page, submit)
    await page.keyboard.press("Enter")
    link = await assert_error_summary_focused(page, "Book a visit", "Enter the date of the visit")
    await checks("care-book-errors")
    await tab_to(page, link)
    await page.keyboard.press("Enter")  # the summary's link takes focus to the day box
    await expect(page.get_by_label("Day")).to_be_focused()
    for text in (str(day.day), str(day.month), str(day.year), "10:30", "1", "30"):
        await page.keyboard.type(text)
        await page.keyboard.press("Tab")
    await tab_to(page, page.get_by_label("Personal care (washing, dressing, the toilet)"))
    await page.keyboard.press("Space")
    await tab_to(page, submit)
    await page.keyboard.press("Enter")

    await expect(page.get_by_role("alert")).to_contain_text("Your visit has been asked for.")
    when = f"{day:%A} {day.day} {day:%B %Y}, 10:30 for 1 hour 30 minutes"
    await expect(page.get_by_text(when)).to_be_visible()
    await checks("care-visit-booked")

    for path, heading in [
        ("/care/visits/easy-read", "Your visits"),
        ("/care/book/easy-read", "Book a visit"),
        ("/care/plan", "Your support plan"),
        ("/care/notes-read", "Who has read your visit notes"),
        ("/care/calendar", "Your visits in your calendar"),
        (f"/care/visits/{delivered}/notes", "Notes of the visit on Tuesday 24 November 2026"),
    ]:
        await page.goto(path)
        await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        await checks(path.strip("/").replace("/", "-"))
    await page.goto("/care/visits")
    await page.get_by_role("link", name=when).click()
    await page.get_by_role("button", name="Cancel the visit").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Cancel the visit on")
    await checks("care-cancel")
    await page.get_by_role("link", name="Back to the visit").click()
    await page.get_by_role("button", name="Change the time").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Change the time of the visit")
    await checks("care-change")


async def test_the_booking_form_fits_a_320px_phone(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    leeds(coop, password_hash=PASSWORD_HASH)
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, "priya@example.org")  # Grace's carer
    await page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/care/book", "/care/visits", "/care/plan/change"):
        await page.goto(path)
        await assert_fits(page, 320)
        await checks()
