"""The care reports in a real browser: axe-clean and 320 px wide, the tables scrolling
inside focusable regions, and a year chosen by keyboard alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from coop.web.accounts.passwords import hash_password
from tests.app.care.leeds import leeds
from tests.browser.helpers import (
    Checks,
    Server,
    caught_up,
    inspect,
    sign_in,
    skip_to_content,
    tab_to,
)
from tests.browser.membership.test_registers import CUT_OFF_OUTSIDE_TABLE
from tests.web.helpers import TRUSTEE_PASSWORD
from tests.web.reports.test_care_reports import a_season_of_care

pytestmark = pytest.mark.browser


async def assert_fits_but_for_tables(page: Page) -> None:
    """At 320 px the page never scrolls sideways; only a table may, inside its own region."""
    assert await inspect(page, "document.documentElement.scrollWidth") <= 320, page.url
    assert await inspect(page, CUT_OFF_OUTSIDE_TABLE) <= 320, page.url


@pytest.fixture
def clock() -> FixedClock:
    """Leeds and its autumn of care are written as at 23 November 2026."""
    return FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


async def test_the_care_reports_fit_320_px_are_axe_clean_and_work_by_keyboard(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    town = leeds(coop)
    coop.change_password(town.joy, hash_password(TRUSTEE_PASSWORD))
    visits = a_season_of_care(coop, town)
    coop.read_visit_notes(visits["september"], by=town.account["Priya"])
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, "joy@example.org")
    await page.set_viewport_size({"width": 320, "height": 640})
    heading = page.get_by_role("heading", level=1)

    await page.goto("/reports/care?year=2025")
    await skip_to_content(page)
    await tab_to(page, page.get_by_label("Show a year"))
    await page.keyboard.type("2026")  # the field is empty: "2025" came in the link
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Care report: 2026")
    by_pa = page.get_by_role("region", name="Hours of care by PA")
    await expect(by_pa.get_by_role("row")).to_have_count(3)  # the header, Marcus, Ewan
    await tab_to(page, by_pa)  # the table scrolls inside it, from the keyboard too
    await assert_fits_but_for_tables(page)
    await checks("care-report-320px")

    await page.goto(
        "/reports/care?from-day=1&from-month=11&from-year=2026&to-day=1&to-month=10&to-year=2026"
    )
    await expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The last day must be the same as or after the first day"
    )
    await assert_fits_but_for_tables(page)
    await checks("care-report-error-320px")

    await page.goto("/reports/care/notes-read")
    await page.get_by_label("Whose notes?").select_option(label="Grace")
    await page.get_by_role("button", name="Show who read them").click()
    await expect(heading).to_have_text("Who has read Grace's visit notes")
    await expect(
        page.get_by_role("region", name="1 read of Grace's notes, newest first")
    ).to_be_visible()
    await assert_fits_but_for_tables(page)
    await checks("care-notes-read-320px")
