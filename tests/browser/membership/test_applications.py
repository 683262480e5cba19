"""A trustee decides applications in a browser: admit, refuse, see the register."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Locator, Page, expect

from coop.application import Coop
from coop.domain.membership.members import MemberClass
from tests.browser.helpers import Checks, Server, caught_up, inspect, open_trustees_page, sign_in
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD, open_trustee

pytestmark = pytest.mark.browser

TRUSTEE = "grace.okafor@example.org"


async def a_trustee_and_two_applicants(coop: Coop, app_server: Server) -> None:
    open_trustee(coop, TRUSTEE, "Grace Okafor")
    coop.apply_for_membership(details("Amira Hassan"))
    done = coop.apply_for_membership(details("Ewan McAllister", requested_class=MemberClass.PA))
    await caught_up(app_server, done.position)


async def test_a_trustee_admits_one_applicant_refuses_another_and_sees_the_register(
    page: Page, checks: Checks, javascript: bool, coop: Coop, app_server: Server
) -> None:
    await a_trustee_and_two_applicants(coop, app_server)
    await sign_in(page, checks, TRUSTEE)
    await checks()

    await open_trustees_page(page, "Applications")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Applications waiting for a decision"
    )
    await checks("applications")

    amira = page.get_by_role("region", name="Amira Hassan")
    await expect(amira.get_by_text("Saving…")).to_be_hidden()  # shown only while saving
    await amira.get_by_label("Board minute reference").fill("B2026-11 item 4")
    page_loads: list[str] = []
    page.on("framenavigated", lambda frame: page_loads.append(frame.url))
    await amira.get_by_role("button", name="Admit Amira Hassan").click()
    if javascript:
        # htmx swapped the card in place; focus and the live region follow it.
        heading = page.get_by_role("heading", name="Amira Hassan is now member number 1")
        await expect(heading).to_be_focused()
        await expect(page.locator("#status-announcer")).to_have_text(
            "Amira Hassan admitted as member number 1"
        )
        assert page_loads == [], "the page was loaded again instead of the card swapped"
        await expect(page.get_by_role("region", name="Ewan McAllister")).to_be_visible()
        await checks("decided-card")
    else:
        await expect(page).to_have_url(re.compile(r"/trustees/applications\?decided="))
        await expect(page.get_by_role("alert")).to_contain_text(
            "Amira Hassan is now member number 1."
        )
        await checks("decided-banner")

    await page.get_by_role("link", name="Refuse Ewan McAllister's application").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Refuse Ewan McAllister's application"
    )
    await checks("refuse")
    await page.get_by_label("Why is the application refused?").fill(
        "Our rules say a PA can join once they have worked for a member for three months."
    )
    await page.get_by_label("Board minute reference").fill("B2026-11 item 5")
    await page.get_by_role("button", name="Refuse application").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "Ewan McAllister's application was refused."
    )
    await expect(
        page.get_by_text("There are no applications waiting for a decision.")
    ).to_be_visible()
    await checks()

    await open_trustees_page(page, "Register of members")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Register of members")
    amira_row = page.get_by_role("row", name=re.compile(r"Amira Hassan"))
    await expect(amira_row).to_contain_text("LS8 2AB")
    await expect(amira_row.get_by_role("cell").first).to_have_text("1")
    await expect(page.get_by_role("row", name=re.compile(r"Ewan McAllister"))).to_have_count(0)
    address = amira_row.get_by_role("cell", name=re.compile(r"Roundhay Road"))
    assert await address.inner_text() == "14 Roundhay Road\nLeeds\nLS8 2AB"  # line by line
    await checks("register")
    # At 320px the wide table scrolls inside its own region, not the page.
    await page.set_viewport_size({"width": 320, "height": 640})
    assert await inspect(page, "document.documentElement.scrollWidth") <= 320
    table_region = page.get_by_role("region", name="1 member")
    assert await inspect(
        page,
        "(e => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto')"
        "(document.querySelector('.coop-table-wrapper'))",
    ), "the register does not scroll in its own region"
    await table_region.focus()  # so keyboard users can scroll it
    await expect(table_region).to_be_focused()
    await checks("register-320px")
    await page.set_viewport_size({"width": 1280, "height": 720})

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("alert")).to_contain_text("You have signed out.")
    await expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")
    ).to_be_visible()
    await checks()
    await page.goto("/register")  # no longer shown: sign in first
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


async def test_admitting_without_a_minute_reference_says_what_to_enter(
    page: Page, checks: Checks, javascript: bool, coop: Coop, app_server: Server
) -> None:
    await a_trustee_and_two_applicants(coop, app_server)
    await sign_in(page, checks, TRUSTEE)
    await page.goto("/trustees/applications")
    amira = page.get_by_role("region", name="Amira Hassan")
    await amira.get_by_role("button", name="Admit Amira Hassan").click()

    message = "Enter the board minute reference for this decision"
    minute = amira.get_by_label("Board minute reference")
    field_id = await minute.get_attribute("id")
    if javascript:
        # The card alone is re-rendered with the message by its field.
        await expect(amira.locator(".govuk-error-message")).to_contain_text(message)
        await expect(page).to_have_title("Applications waiting for a decision – coop")
        await expect(page.locator(".govuk-error-summary")).to_have_count(0)
        await expect(minute).to_be_focused()
        await expect(page.locator("#status-announcer")).to_have_text(message)
    else:
        await expect(page).to_have_title(re.compile(r"^Error: Applications waiting"))
        summary = page.locator(".govuk-error-summary")
        await expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
        assert await inspect(
            page, "document.activeElement.closest('.govuk-error-summary') !== null"
        )
        link = summary.get_by_role("link", name=message)
        await expect(link).to_have_attribute("href", f"#{field_id}")
        await link.click()
        await expect(minute).to_be_focused()
    await expect(minute).to_have_attribute(
        "aria-describedby", re.compile(rf"(^|\s){re.escape(f'{field_id}-error')}(\s|$)")
    )
    await expect(minute).to_have_accessible_description(re.compile(rf"Error:\s+{message}"))
    await checks("admit-error-card" if javascript else "admit-error-page")

    # The re-rendered form still works.
    await minute.fill("B2026-11 item 4")
    await amira.get_by_role("button", name="Admit Amira Hassan").click()
    await expect(page.get_by_text("Amira Hassan is now member number 1").first).to_be_visible()
    await checks()


async def test_names_beyond_basic_latin_are_shown_in_our_typeface(
    page: Page, checks: Checks, javascript: bool, coop: Coop, app_server: Server
) -> None:
    open_trustee(coop, TRUSTEE, "Grace Okafor")
    done = coop.apply_for_membership(details("Łukasz Wójcik", email="lukasz.wojcik@example.org"))
    await caught_up(app_server, done.position)
    await sign_in(page, checks, TRUSTEE)
    await page.goto(app_server.url + "/trustees/applications")
    await expect(page.get_by_role("heading", name="Łukasz Wójcik")).to_be_visible()
    await page.evaluate("document.fonts.ready")
    loaded = await page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.unicodeRange).join(' ')"
    )
    assert "U+100-2BA" in loaded.upper().replace("U+0100", "U+100")  # the Latin Extended face
    await checks("latin-extended-name")


async def test_a_trustee_signs_in_and_admits_by_keyboard_alone(
    page: Page, checks: Checks, javascript: bool, coop: Coop, app_server: Server
) -> None:
    await a_trustee_and_two_applicants(coop, app_server)
    await page.goto("/sign-in")

    async def tab_to(target: Locator) -> None:
        for _ in range(40):  # never click: only Tab, as a keyboard user moves
            await page.keyboard.press("Tab")
            if await target.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {target}")

    await tab_to(page.get_by_label("Email address"))
    await page.keyboard.type(TRUSTEE)
    await tab_to(page.get_by_label("Password", exact=True))
    await page.keyboard.insert_text(TRUSTEE_PASSWORD)
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("Signed in as")).to_be_visible()

    await open_trustees_page(page, "Applications", keyboard=True)
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Applications waiting for a decision"
    )
    amira = page.get_by_role("region", name="Amira Hassan")
    await tab_to(amira.get_by_label("Board minute reference"))
    await page.keyboard.type("B2026-11 item 4")
    await tab_to(amira.get_by_role("button", name="Admit Amira Hassan"))
    await page.keyboard.press("Enter")
    if javascript:
        await expect(
            page.get_by_role("heading", name="Amira Hassan is now member number 1")
        ).to_be_focused()
    else:
        await expect(page.get_by_text("Amira Hassan is now member number 1.")).to_be_visible()
    await checks("admitted-by-keyboard")
