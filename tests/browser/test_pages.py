"""The pages everyone can reach, and signing in with a mistake."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.domain.accounts import Role
from coop.web.accounts.passwords import hash_password
from tests.browser.helpers import Checks, Server, caught_up, inspect, sign_in
from tests.web.helpers import TRUSTEE_PASSWORD, open_trustee

pytestmark = pytest.mark.browser


async def test_help_is_in_the_same_place_on_every_page_and_each_help_page_passes(
    page: Page, checks: Checks
) -> None:
    for start in ("/", "/apply", "/sign-in"):
        await page.goto(start)
        footer = page.get_by_role("contentinfo")
        await expect(footer.get_by_role("link", name="Get help")).to_have_attribute("href", "/help")
    await footer.get_by_role("link", name="Get help").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Get help")
    await expect(footer.get_by_role("link", name="Get help")).to_have_attribute(
        "aria-current", "page"
    )
    await checks("help")
    await footer.get_by_role("link", name="Accessibility").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility")
    await checks("accessibility")


async def test_a_wrong_password_is_explained_and_the_email_address_kept(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    done = open_trustee(coop, "priya.raman@example.org", "Priya Raman")
    await caught_up(app_server, done.position)
    await page.goto("/sign-in")
    await page.get_by_label("Email address").fill("priya.raman@example.org")
    await page.get_by_label("Password", exact=True).fill("not my password")
    await page.get_by_role("button", name="Sign in").click()

    await expect(page).to_have_title("Error: Sign in – coop")
    summary = page.locator(".govuk-error-summary")
    await expect(summary.get_by_role("link")).to_have_text(
        re.compile(r"^The email address or password is not right")
    )
    assert await inspect(page, "document.activeElement.closest('.govuk-error-summary') !== null")
    await expect(page.get_by_label("Email address")).to_have_value("priya.raman@example.org")
    await expect(page.get_by_label("Password", exact=True)).to_have_value("")
    await checks("sign-in-errors")


async def test_the_page_not_found_and_not_allowed_pages_are_accessible_and_offer_a_way_on(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    checks.problems.expected.update({403, 404})
    response = await page.goto("/no-such-page")
    assert response is not None and response.status == 404
    await expect(page).to_have_title("Page not found – coop")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    await expect(page.get_by_role("main").get_by_role("link", name="get help")).to_be_visible()
    await checks("not-found")

    member = coop.open_account(
        name="Tom Whitfield",
        email="tom.whitfield@example.org",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(Role.MEMBER,),
    )
    await caught_up(app_server, member.position)
    await sign_in(page, checks, "tom.whitfield@example.org")
    response = await page.goto("/register")
    assert response is not None and response.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text("You cannot see this page")
    await checks("not-allowed")
