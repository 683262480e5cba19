"""Applying to join, in a browser: by mouse, by keyboard alone, and with mistakes."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Locator, Page, expect

from tests.browser.helpers import Checks, inspect

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"^[0-9A-F]{8}$")
AGREES = re.compile(r"^I agree with the co-op's purpose")


async def expect_application_received(page: Page) -> None:
    """The confirmation page, with a reference to read out; its own address is secret."""
    await expect(page.get_by_role("heading", level=1)).to_have_text("Application received")
    await expect(page).to_have_title("Application received – coop")
    reference = (await page.locator(".govuk-panel__body strong").inner_text()).strip()
    assert REFERENCE.match(reference), reference
    # The address ends in a random reference of its own, not in anything made from the
    # member's id (which the short reference is).
    secret = page.url.rsplit("/", 1)[-1]
    assert len(secret) == 32 and reference not in secret.upper()


async def test_an_applicant_applies_from_the_home_page_and_gets_a_reference(
    page: Page, checks: Checks
) -> None:
    await page.goto("/")
    await checks("home")
    await page.get_by_role("button", name="Apply to join").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Apply to join "))
    await checks("apply")

    await page.get_by_label("Full name").fill("Amira Hassan")
    await page.get_by_label("What would you like us to call you? (optional)").fill("Amira")
    await page.get_by_label("Email address (optional)").fill("amira.hassan@example.org")
    await page.get_by_label("Phone number (optional)").fill("0113 496 0000")
    await page.get_by_label("Postal address").fill("14 Roundhay Road\nLeeds")
    await page.get_by_label("Postcode").fill("ls8 2ab")
    contact = page.get_by_role("group", name="How would you like us to contact you?")
    await contact.get_by_label("Email", exact=True).check()
    await contact.get_by_label("Easy Read documents").check()
    await (
        page.get_by_role("group", name="Which of these describes you?")
        .get_by_label("I use care and support")
        .check()
    )
    await page.get_by_label("Tell us anything that would help you take part (optional)").fill(
        "Documents in Easy Read, please"
    )
    await page.get_by_label(AGREES).check()
    await page.get_by_role("button", name="Send application").click()

    await expect_application_received(page)
    await checks("received")


async def press_tab_to(page: Page, target: Locator) -> None:
    await page.keyboard.press("Tab")
    await expect(target).to_be_focused()


async def test_an_applicant_applies_by_keyboard_alone(page: Page, checks: Checks) -> None:
    await page.goto("/")
    skip_link = page.get_by_role("link", name="Skip to main content")
    await press_tab_to(page, skip_link)
    await page.keyboard.press("Enter")
    await expect(page.locator("#main-content")).to_be_focused()
    await press_tab_to(page, page.get_by_role("button", name="Apply to join"))
    await page.keyboard.press("Enter")
    await expect(page).to_have_title("Apply to join – coop")
    await checks()

    await press_tab_to(page, skip_link)
    await page.keyboard.press("Enter")
    await expect(page.locator("#main-content")).to_be_focused()
    contact = page.get_by_role("group", name="How would you like us to contact you?")
    describes = page.get_by_role("group", name="Which of these describes you?")
    # Every stop in the form, in order: (what gets focus, what to do there).
    stops: list[tuple[Locator, str | None]] = [
        (page.get_by_label("Full name"), "Ewan McAllister"),
        (page.get_by_label("What would you like us to call you? (optional)"), "Ewan"),
        (page.get_by_label("Email address (optional)"), "ewan@example.org"),
        (page.get_by_label("Phone number (optional)"), "07700 900982"),
        (page.get_by_label("Postal address"), "2 Harehills Lane\nLeeds"),
        (page.get_by_label("Postcode"), "LS9 6AB"),
        (contact.get_by_label("Email", exact=True), " "),
        (contact.get_by_label("Phone call"), " "),
        (contact.get_by_label("Letter by post"), None),
        (contact.get_by_label("Easy Read documents"), None),
        (contact.get_by_label("Large print"), None),
        (contact.get_by_label("British Sign Language (BSL) interpreter"), None),
        # Tab enters a radio group at its first option, and the next Tab leaves it.
        (describes.get_by_label("I use care and support"), " "),
        (page.get_by_label("Tell us anything that would help you take part (optional)"), None),
        (page.get_by_label(AGREES), " "),
        (page.get_by_role("button", name="Send application"), "Enter"),
    ]
    for target, action in stops:
        await press_tab_to(page, target)
        if action == " ":
            await page.keyboard.press("Space")
            await expect(target).to_be_checked()
        elif action == "Enter":
            await page.keyboard.press("Enter")
        elif action:
            await page.keyboard.type(action)  # a newline types as Enter

    await expect_application_received(page)
    await checks()


async def test_an_application_with_mistakes_is_shown_again_with_the_answers_kept(
    page: Page, checks: Checks
) -> None:
    await page.goto("/apply")
    await page.get_by_role("button", name="Send application").click()

    await expect(page).to_have_title(re.compile(r"^Error: Apply to join – coop$"))
    summary = page.locator(".govuk-error-summary")
    await expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert await inspect(page, "document.activeElement.closest('.govuk-error-summary') !== null"), (
        "focus is not on the error summary"
    )
    await checks("apply-errors")

    links = summary.get_by_role("link")
    expected = {
        "name": "Enter your full name",
        "email": "Enter an email address or a phone number, so we can contact you",
        "address": "Enter your postal address",
        "postcode": "Enter your postcode",
        "contact_methods": "Select at least one way we can contact you",
        "requested_class": "Select whether you use care, are a carer, or are a personal assistant",
        "agrees_with_purpose": re.compile(r"."),
    }
    await expect(links).to_have_count(len(expected))
    for index, (field_id, message) in enumerate(expected.items()):
        link = links.nth(index)
        await expect(link).to_have_text(message)
        await expect(link).to_have_attribute("href", f"#{field_id}")
        await link.click()
        await expect(page.locator(f"#{field_id}")).to_be_focused()
        # The field says what is wrong with it too, in its accessible description.
        described = await inspect(
            page,
            f"document.getElementById({field_id!r}).closest('.govuk-form-group')"
            ".querySelector('.govuk-error-message').textContent.trim()",
        )
        assert described.startswith("Error:"), described

    # Fix some answers, get one wrong, leave the rest: what was given is kept.
    await page.get_by_label("Full name").fill("Siobhan Kelly")
    await page.get_by_label("Phone number (optional)").fill("0113 496 0123")
    await page.get_by_label("Postcode").fill("LS8")
    await page.get_by_label("Phone call").check()
    await page.get_by_label("I am an unpaid carer").check()
    await page.get_by_role("button", name="Send application").click()

    await expect(page).to_have_title(re.compile(r"^Error: "))
    await expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter your postal address",
            "Enter a real postcode, like LS1 4AP",
            re.compile(r"."),  # agreeing with the purpose
        ]
    )
    await expect(page.get_by_label("Full name")).to_have_value("Siobhan Kelly")
    await expect(page.get_by_label("Phone number (optional)")).to_have_value("0113 496 0123")
    await expect(page.get_by_label("Postcode")).to_have_value("LS8")
    await expect(page.get_by_label("Postcode")).to_have_accessible_description(
        re.compile(r"^Error:\s+Enter a real postcode")
    )
    await expect(page.get_by_label("Phone call")).to_be_checked()
    await expect(page.get_by_label("Email", exact=True)).not_to_be_checked()
    await expect(page.get_by_label("I am an unpaid carer")).to_be_checked()
    assert await inspect(page, "document.activeElement.closest('.govuk-error-summary') !== null")
    await checks()
