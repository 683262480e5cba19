"""A trustee pages through a long register and members list, by keyboard, with JavaScript on
and off, at 1280px and 320px: plain links, the search kept, the as-at date kept.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from tests.browser.helpers import Checks, Server, caught_up, inspect, sign_in
from tests.browser.membership.test_registers import tab_to
from tests.web.helpers import open_trustee
from tests.web.membership.test_paging import old_register

pytestmark = pytest.mark.browser

GRACE = "grace.okafor@example.org"


async def test_a_trustee_pages_through_the_register_and_the_members_list_by_keyboard(
    page: Page, checks: Checks, coop: Coop, app_server: Server, javascript: bool
) -> None:
    trustee = open_trustee(coop, email=GRACE)
    done = coop.import_members(old_register(), source="old.csv", by=trustee.subject)
    assert done.position is not None
    await caught_up(app_server, done.position)
    await sign_in(page, checks, GRACE)

    # The register as at a past date, then its next page by Tab and Enter alone.
    await page.goto("/register?as_at=2020-06-01")
    paging = page.get_by_role("navigation", name="Pages of the register")
    await expect(page.get_by_text("Showing 1 to 100 of 152 entries")).to_be_visible()
    await expect(paging.get_by_role("link", name="Page 1")).to_have_attribute(
        "aria-current", "page"
    )
    await checks("register-paged")
    await tab_to(page, paging.get_by_role("link", name="Next page"))
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/register\?as_at=2020-06-01&page=2$"))
    await expect(page.get_by_text("Showing 101 to 152 of 152 entries")).to_be_visible()
    await expect(page.get_by_role("table").locator("caption")).to_have_text(
        "As at 1 June 2020: 152 members, 0 former"
    )

    # Find by name, still as at that date.
    await page.get_by_label("Find an entry by name or membership number").fill("okafor")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"/register\?as_at=2020-06-01&q=okafor$"))
    await expect(page.get_by_role("navigation", name="Pages of the register")).to_have_count(0)
    await expect(page.get_by_role("table").locator("caption")).to_have_text(
        "As at 1 June 2020: 76 members, 0 former, matching “okafor”"
    )

    # At 320px the pagination wraps: the page itself never scrolls sideways.
    await page.goto("/register?page=2")
    await page.set_viewport_size({"width": 320, "height": 640})
    assert await inspect(page, "document.documentElement.scrollWidth") <= 320
    await checks("register-paged-320px")
    await page.set_viewport_size({"width": 1280, "height": 720})

    # The members list: search (htmx swaps the results when JavaScript is on), then page 2.
    await page.goto("/trustees/members")
    await page.get_by_label("Search by name, membership number or email").fill("raman")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_text("Showing 1 to 100 of 125 members")).to_be_visible()
    await checks("members-paged")
    members = page.get_by_role("navigation", name="Pages of the members list")
    await members.get_by_role("link", name="Page 2").click()
    await expect(page).to_have_url(re.compile(r"/trustees/members\?q=raman&page=2$"))
    await expect(page.get_by_text("Showing 101 to 125 of 125 members")).to_be_visible()
    await expect(page.get_by_label("Search by name, membership number or email")).to_have_value(
        "raman"
    )
    rows = page.get_by_role("table").locator("tbody").get_by_role("row")
    await expect(rows).to_have_count(25)
    await expect(rows.first).to_contain_text("Cac Raman")  # member 202
