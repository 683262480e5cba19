"""The money pages in a browser: the treasurer records a cost by keyboard alone, the
trustees close the year and declare its surplus, and a PA reads their pay and the
surplus; axe on every page, with JavaScript and without, and at 320 px wide."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from tests.browser.helpers import (
    Checks,
    Server,
    assert_error_summary_focused,
    assert_fits,
    caught_up,
    retype,
    sign_in,
    skip_to_content,
    tab_to,
)
from tests.web.finance.world import DEV_EMAIL, TREASURER, TRUSTEE, Books, a_year_of_care

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> FixedClock:
    """The server runs on the real clock; commands made here must not be dated after it."""
    return FixedClock(datetime.now(UTC))


async def books_open(coop: Coop, app_server: Server) -> Books:
    books = a_year_of_care(coop)
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    return books


async def test_the_treasurer_records_a_cost_by_keyboard_alone(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    await books_open(coop, app_server)
    await sign_in(page, checks, TREASURER)
    heading = page.get_by_role("heading", level=1)
    await tab_to(
        page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Books")
    )
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("The co-op's books")
    await checks("finance-periods")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("link", name="2025 to 2026"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("2025 to 2026")
    await checks("finance-period-open")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("link", name="The treasurer's ledger"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("The treasurer's ledger")
    await checks("finance-ledger")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("button", name="Record income or a cost"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Record income or a cost")
    await checks("finance-entry")

    # Sent with the amount mistyped: the summary takes focus and says what to fix.
    await skip_to_content(page)
    await tab_to(page, page.get_by_label("Grant"))
    for _ in range(4):  # Grant, Donation, Other income, Money in from users, then Rent
        await page.keyboard.press("ArrowDown")
    await expect(page.get_by_label("Rent")).to_be_checked()
    await tab_to(page, page.get_by_label("Amount"))
    await page.keyboard.type("six fifty")
    await tab_to(page, page.get_by_label("Day"))
    await page.keyboard.type("1")
    await page.keyboard.press("Tab")
    await page.keyboard.type("6")
    await page.keyboard.press("Tab")
    await page.keyboard.type("2025")
    await tab_to(page, page.get_by_label("Reference"))
    await page.keyboard.type("Invoice 771")
    await tab_to(page, page.get_by_role("button", name="Record the entry"))
    await page.keyboard.press("Enter")
    link = await assert_error_summary_focused(
        page,
        "Record income or a cost",
        "Amount must be an amount of money in pounds, like 250 or 250.50",
    )
    await expect(page.get_by_label("Rent")).to_be_checked()
    await expect(page.get_by_label("Reference")).to_have_value("Invoice 771")
    await checks("finance-entry-error")
    await tab_to(page, link)
    await page.keyboard.press("Enter")
    await expect(page.get_by_label("Amount")).to_be_focused()
    await retype(page, "650")
    await tab_to(page, page.get_by_role("button", name="Record the entry"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text("The entry has been recorded.")
    row = page.get_by_role("row").filter(has_text="Invoice 771")
    await expect(row).to_contain_text("£650.00")
    await checks("finance-ledger-recorded")
    await page.set_viewport_size({"width": 320, "height": 640})
    await page.reload()
    await assert_fits(page, 320)
    await checks("finance-ledger-320px")


async def test_trustees_close_the_year_and_declare_its_surplus(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    books = await books_open(coop, app_server)
    await sign_in(page, checks, TRUSTEE)
    heading = page.get_by_role("heading", level=1)
    await page.goto("/finance/rates")
    await checks("finance-rates")
    await page.get_by_role("button", name="Adopt new rates").click()
    await expect(heading).to_have_text("Adopt new rates")
    await checks("finance-adopt-rates")
    await page.goto("/finance/periods/new")
    await checks("finance-open-period")
    await page.goto(f"/finance/periods/{books.period}")
    await page.get_by_role("button", name="Close the period").click()
    await expect(heading).to_have_text("Close the period")
    await expect(page.get_by_text("The books have taken in every visit")).to_be_visible()
    await checks("finance-close")
    await page.get_by_role("button", name="Close the period").click()
    await assert_error_summary_focused(
        page, "Close 2025 to 2026", "Enter the board minute that records the decision"
    )
    await checks("finance-close-error")
    await page.get_by_label("Board minute").fill("Board 2026/04 minute 3")
    await page.get_by_role("button", name="Close the period").click()
    await expect(page.get_by_role("alert")).to_contain_text("The period has been closed")
    await expect(page.get_by_role("table")).to_contain_text("June 2025")
    await checks("finance-period-closed")
    await page.set_viewport_size({"width": 320, "height": 640})
    await page.reload()
    await assert_fits(page, 320)
    await checks("finance-period-320px")
    await page.set_viewport_size({"width": 1024, "height": 768})
    await page.get_by_role("button", name="Declare the surplus").click()
    await expect(heading).to_have_text("Declare the surplus")
    await checks("finance-declare")
    await page.get_by_label("How much may members decide how to spend?").fill("100")
    await page.get_by_label("Board minute").fill("Board 2026/04 minute 4")
    await page.get_by_role("button", name="Declare the surplus").click()
    await expect(page.get_by_role("alert")).to_contain_text("has been declared")
    await checks()
    # Nothing funded yet: spending a commitment is in test_after_the_close.py.
    await page.goto("/finance/commitments")
    await expect(page.get_by_text("The members have not funded anything")).to_be_visible()
    await checks("finance-commitments-none")


async def test_a_pa_reads_their_pay_and_the_surplus(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    books = await books_open(coop, app_server)
    done = coop.close_period(books.period, minute="Board 2026/04 minute 3", by=books.treasurer)
    await caught_up(app_server, done.position)
    await sign_in(page, checks, DEV_EMAIL)
    heading = page.get_by_role("heading", level=1)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Your pay").click()
    await expect(page.get_by_text("Your pay statement")).to_be_visible()
    await checks("finance-pay-this-month")
    await page.goto(f"/finance/pay/{books.dev}?month=2025-06")
    await expect(heading).to_have_text("June 2025")
    await expect(page.get_by_role("table")).to_contain_text("£14.80")
    await checks("finance-pay")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Surplus").click()
    await expect(heading).to_have_text("The co-op's surplus")
    await checks("finance-surplus-list")
    await page.get_by_role("link", name="2025 to 2026").click()
    await expect(heading).to_have_text("The surplus of 2025 to 2026")
    await checks("finance-surplus")
    await page.get_by_role("link", name="Read this in Easy Read").click()
    await expect(page.get_by_text("This is about one year of the co-op's money.")).to_be_visible()
    await checks("finance-surplus-easy-read")
