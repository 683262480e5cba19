"""After the year is closed, in a browser and by keyboard alone: the treasurer spends what
the members funded from its surplus, and records a late fix for it in this year; axe on
every page, with JavaScript and without, and at 320 px wide."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from tests.app.finance.world import books_up_to_date
from tests.browser.helpers import (
    Checks,
    Server,
    assert_error_summary_focused,
    assert_fits,
    retype,
    sign_in,
    skip_to_content,
    tab_to,
)
from tests.web.finance.world import RESPITE, TREASURER, Books, a_year_of_care, respite_funded

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> FixedClock:
    """A month ago: the members' ballot takes four weeks, and the server runs on the real
    clock, so what is made here must be dated before it."""
    return FixedClock(datetime.now(UTC) - timedelta(days=30))


def this_year() -> date:
    """The 1 April that starts the financial year today falls in."""
    today = datetime.now(UTC).date()
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


@pytest.fixture
def books(coop: Coop, clock: FixedClock, db_url: str) -> Books:
    """2025 to 2026 closed, this year open, and £2,000 of respite breaks funded."""
    books = a_year_of_care(coop)
    books_up_to_date(db_url)  # the year can close once its books have every visit
    respite_funded(coop, clock, books, this_year())
    return books


@pytest.fixture
def app_server(books: Books, app_server: Server) -> Server:
    """The server starts on books already funded. Its scheduler ticks every second: had
    it seen the ballot before the test had voted, it would have opened it itself."""
    return app_server


async def type_date(page: Page, day: date) -> None:
    """Day, month and year, a box each, by keyboard."""
    await tab_to(page, page.get_by_label("Day"))
    await page.keyboard.type(str(day.day))
    await page.keyboard.press("Tab")
    await page.keyboard.type(str(day.month))
    await page.keyboard.press("Tab")
    await page.keyboard.type(str(day.year))


async def test_the_treasurer_spends_what_the_members_funded_by_keyboard_alone(
    page: Page, checks: Checks, app_server: Server
) -> None:
    await sign_in(page, checks, TREASURER)
    heading = page.get_by_role("heading", level=1)
    await tab_to(
        page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Books")
    )
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("The co-op's books")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("link", name="What the members funded from a surplus"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("What the members funded")
    await checks("finance-commitments")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("link", name=f"Spend on {RESPITE}"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text(f"Spend on {RESPITE}")
    await checks("finance-spend")

    # Sent with the amount mistyped: the summary takes focus and says what to fix.
    await skip_to_content(page)
    await tab_to(page, page.get_by_label("Rent"))
    for _ in range(3):  # Rent, Insurance, Training, then Other cost
        await page.keyboard.press("ArrowDown")
    await expect(page.get_by_label("Other cost")).to_be_checked()
    await tab_to(page, page.get_by_label("Amount"))
    await page.keyboard.type("fifteen hundred")
    await type_date(page, datetime.now(UTC).date())
    await tab_to(page, page.get_by_label("Reference"))
    await page.keyboard.type("Respite Breaks Ltd 12")
    await tab_to(page, page.get_by_role("button", name="Record the spending"))
    await page.keyboard.press("Enter")
    link = await assert_error_summary_focused(
        page,
        f"Spend on {RESPITE}",
        "Amount must be an amount of money in pounds, like 250 or 250.50",
    )
    await expect(page.get_by_label("Other cost")).to_be_checked()
    await expect(page.get_by_label("Reference")).to_have_value("Respite Breaks Ltd 12")
    await checks("finance-spend-error")
    await page.set_viewport_size({"width": 320, "height": 640})
    await assert_fits(page, 320)
    await checks("finance-spend-error-320px")
    await tab_to(page, link)
    await page.keyboard.press("Enter")
    await expect(page.get_by_label("Amount")).to_be_focused()
    await retype(page, "1500")
    await tab_to(page, page.get_by_role("button", name="Record the spending"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text(
        "The spending has been recorded against the commitment."
    )
    row = page.get_by_role("row").filter(has_text=RESPITE)
    spent, left = row.get_by_role("cell").nth(2), row.get_by_role("cell").nth(3)
    await expect(spent).to_have_text("£1,500.00")
    await expect(left).to_have_text("£500.00")
    await assert_fits(page, 320)
    await checks("finance-commitments-spent-320px")


async def test_the_treasurer_records_a_late_fix_by_keyboard_alone(
    page: Page, checks: Checks, books: Books, app_server: Server
) -> None:
    await sign_in(page, checks, TREASURER)
    heading = page.get_by_role("heading", level=1)
    await page.goto(f"/finance/periods/{books.period}/ledger")
    await checks("finance-ledger-closed")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("button", name="Record a late fix"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Record a late fix")
    await checks("finance-late-fix")

    # Sent without saying why: the summary takes focus and says what to fix.
    await skip_to_content(page)
    await tab_to(page, page.get_by_label("Grant"))
    for _ in range(4):  # Grant, Donation, Other income, Money in from users, then Rent
        await page.keyboard.press("ArrowDown")
    await expect(page.get_by_label("Rent")).to_be_checked()
    await tab_to(page, page.get_by_label("Amount"))
    await page.keyboard.type("650")
    await type_date(page, datetime.now(UTC).date())
    await tab_to(page, page.get_by_label("Reference"))
    await page.keyboard.type("Invoice 802")
    await tab_to(page, page.get_by_role("button", name="Record the late fix"))
    await page.keyboard.press("Enter")
    link = await assert_error_summary_focused(
        page, "Record a late fix for 2025 to 2026", "Enter why the closed period needs this fix"
    )
    await expect(page.get_by_label("Amount")).to_have_value("650")
    await checks("finance-late-fix-error")
    await page.set_viewport_size({"width": 320, "height": 640})
    await assert_fits(page, 320)
    await checks("finance-late-fix-error-320px")
    await tab_to(page, link)
    await page.keyboard.press("Enter")
    reason = page.get_by_label("Why does 2025 to 2026 need this fix?")
    await expect(reason).to_be_focused()
    await page.keyboard.type("The March rent invoice came after the close")
    await tab_to(page, page.get_by_role("button", name="Record the late fix"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text(
        "The late fix has been recorded in this period, naming the closed one."
    )
    row = page.get_by_role("row").filter(has_text="Invoice 802")
    await expect(row).to_contain_text("£650.00")
    await expect(row).to_contain_text("2025 to 2026: The March rent invoice came after the close")
    await assert_fits(page, 320)
    await checks("finance-late-fix-recorded-320px")
