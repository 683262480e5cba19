"""Homes in a browser: a member reaches their ballot from the home by keyboard alone, the
home fits a 320 px phone, and a trustee's menu stays on one row at 1280 px."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from tests.browser.governance.test_ballots import AMIRA, co_op, resolution
from tests.browser.helpers import Checks, Server, assert_fits, caught_up, inspect, sign_in, tab_to
from tests.web.helpers import open_trustee

pytestmark = pytest.mark.browser

GRACE = "grace.okafor@example.org"
# The top of each item of the main menu, in CSS pixels.
MENU_ROWS = """[...document.querySelectorAll('#navigation > li')]
  .map((li) => Math.round(li.getBoundingClientRect().top))"""


@pytest.fixture
def clock() -> FixedClock:
    """Commands made here use the real time, as the server does."""
    return FixedClock(datetime.now(UTC))


async def test_a_member_goes_from_the_home_to_the_ballot_waiting_for_them_by_keyboard(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    electors = co_op(coop)
    resolution(coop, clock, electors)
    title = "Raise PA pay by 50p an hour"
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, AMIRA)
    await page.set_viewport_size({"width": 320, "height": 640})

    await page.goto("/")
    vote = page.get_by_role("link", name=f"Vote in {title}")
    await expect(vote).to_be_visible()
    await assert_fits(page, 320)
    await checks("member-home-320px")
    await tab_to(page, vote)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)

    await page.goto("/easy-read")
    await expect(page.get_by_role("link", name=f"Vote in {title}")).to_be_visible()
    await assert_fits(page, 320)
    await checks("member-home-easy-read-320px")


async def test_a_trustees_home_and_menu_fit_one_row_at_1280_pixels(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    co_op(coop)
    open_trustee(coop)
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await page.set_viewport_size({"width": 1280, "height": 800})
    await sign_in(page, checks, GRACE)

    await page.goto("/")
    rows = set(await inspect(page, MENU_ROWS))
    assert len(rows) == 1, f"the menu wraps onto {len(rows)} rows at 1280px"
    await checks("trustee-home")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Trustees").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Trustees")
    await checks("trustees-page")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Office").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Office")
    await checks("office-page")
