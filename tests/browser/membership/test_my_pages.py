"""A member's own pages in a browser: their membership, details, share, carers, data and leaving."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import UK, FixedClock
from coop.config import DEFAULT_COOP_NAME
from coop.domain.membership.members import MemberClass
from coop.web.accounts.passwords import hash_password
from tests.browser.helpers import Checks, Server, caught_up, inspect, sign_in
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD

pytestmark = pytest.mark.browser

AMIRA = "amira.hassan@example.org"
PRIYA = "priya.raman@example.org"
TODAY = f"{datetime.now(UK).date():%-d %B %Y}"  # the server runs on the real clock
# A password hash is slow to make on purpose: make it once for everyone here.
PASSWORD_HASH = hash_password(TRUSTEE_PASSWORD)


@pytest.fixture
def clock() -> FixedClock:
    """Commands made here are dated on the real clock's day, as the server's are."""
    return FixedClock(datetime.now(UTC))


def member(coop: Coop, name: str, member_class: MemberClass = MemberClass.USER) -> tuple[UUID, int]:
    """An admitted member with an account (password TRUSTEE_PASSWORD); their id and position."""
    member_id = coop.apply_for_membership(details(name, requested_class=member_class)).subject
    coop.admit(member_id, by=uuid4(), minute_reference="B2026-11 item 4")
    done = coop.open_account(
        name=name,
        email=details(name).email,
        password_hash=PASSWORD_HASH,
        roles=(),
        member_id=member_id,
    )
    return member_id, done.position


async def expect_error_summary(page: Page, title: str, message: str, anchor: str) -> None:
    """The page again, titled as an error, focus on a summary that links to the field."""
    await expect(page).to_have_title(f"Error: {title} – coop")
    summary = page.locator(".govuk-error-summary")
    await expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert await inspect(page, "document.activeElement.closest('.govuk-error-summary') !== null"), (
        "focus is not on the error summary"
    )
    await expect(summary.get_by_role("link", name=message)).to_have_attribute("href", f"#{anchor}")


async def sign_out(page: Page) -> None:
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("alert")).to_contain_text("You have signed out.")


async def test_a_member_reads_her_membership_updates_her_details_and_leaves(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    member(coop, "Tom Whitfield")  # number 1
    _, position = member(coop, "Amira Hassan")
    await caught_up(app_server, position)
    await sign_in(page, checks, AMIRA)

    main_nav = page.get_by_role("navigation", name="Main")
    await main_nav.get_by_role("link", name="Your membership").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your membership")
    await expect(main_nav.get_by_role("link", name="Your membership")).to_have_attribute(
        "aria-current", "page"
    )
    number = page.locator(".govuk-summary-list__row", has_text="Membership number")
    await expect(number.get_by_role("definition")).to_have_text("2")
    await expect(page.get_by_text("User (someone who uses care and support)")).to_be_visible()
    await expect(page.get_by_text("1 share, £1.00 paid")).to_be_visible()
    await checks("my")

    # Contact details: a mistake first, then a change that is saved.
    await page.get_by_role("link", name="Your contact details and how we contact you").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your contact details")
    await expect(page.get_by_role("navigation", name="Back").get_by_role("link")).to_have_text(
        "Back to your membership"
    )
    email = page.get_by_label("Email address for contacting you (optional)")
    await expect(email).to_have_value(AMIRA)
    await expect(page.get_by_label("Postcode")).to_have_value("LS8 2AB")
    contact = page.get_by_role("group", name="How would you like us to contact you?")
    await expect(contact.get_by_label("Email", exact=True)).to_be_checked()
    await checks("my-details")

    await email.fill("amira-at-example")
    await page.get_by_label("Phone number (optional)").fill("07700 900123")
    await page.get_by_role("button", name="Save your details").click()
    message = "Enter an email address in the correct format, like name@example.com"
    await expect_error_summary(page, "Your contact details", message, "email")
    await expect(email).to_have_accessible_description(re.compile(rf"^Error:\s+{message}$"))
    await expect(email).to_have_value("amira-at-example")  # the answers are kept
    await expect(page.get_by_label("Phone number (optional)")).to_have_value("07700 900123")
    await checks("my-details-error")
    await page.locator(".govuk-error-summary").get_by_role("link", name=message).click()
    await expect(email).to_be_focused()

    await email.fill("amira@example.net")
    await page.get_by_label("Postcode").fill("ls7 3ab")
    await contact.get_by_label("Large print").check()
    await page.get_by_label("Tell us anything that would help you take part (optional)").fill(
        "Please send papers a week before meetings"
    )
    await page.get_by_role("button", name="Save your details").click()
    await expect(page).to_have_url(re.compile(r"/my/details\?updated=1$"))
    await expect(page.get_by_role("alert")).to_contain_text("Your details have been saved.")
    await expect(page).to_have_title("Your contact details – coop")
    await expect(email).to_have_value("amira@example.net")
    await expect(page.get_by_label("Postcode")).to_have_value("LS7 3AB")
    await expect(contact.get_by_label("Large print")).to_be_checked()
    await expect(page.get_by_text(f"You sign in with {AMIRA}")).to_be_visible()  # unchanged
    await checks("my-details-saved")

    await page.get_by_role("link", name="Back to your membership").click()
    await page.get_by_role("link", name="Your share in the co-op").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your share")
    await expect(
        page.locator(".govuk-summary-list__row", has_text="Amount paid").get_by_role("definition")
    ).to_have_text("£1.00")
    await checks("my-share")

    await page.get_by_role("link", name="Back to your membership").click()
    await page.get_by_role("link", name="Download your data").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Download your data")
    download = page.get_by_role("button", name="Download your data (JSON file)")
    await expect(download).to_have_attribute("href", "/my/data.json")
    await expect(download).to_have_attribute("download", "")
    await checks("my-data")

    # Leaving: read what happens, forget to confirm, then confirm.
    await page.get_by_role("link", name="Back to your membership").click()
    await page.get_by_role("link", name="Leave the co-op").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Leave the co-op")
    await expect(page.get_by_text(f"Your membership ends today, {TODAY}.")).to_be_visible()
    await expect(page.get_by_text("You cannot undo this.")).to_be_visible()
    sure = page.get_by_role("group", name="Are you sure you want to leave?")
    confirm = sure.get_by_label(f"Yes, I want to leave {DEFAULT_COOP_NAME}")
    await expect(confirm).not_to_be_checked()
    await checks("my-leave")
    await page.get_by_role("button", name="Leave the co-op").click()
    message = "Confirm that you want to leave the co-op"
    await expect_error_summary(page, "Leave the co-op", message, "confirm")
    await expect(sure).to_have_accessible_description(re.compile(rf"Error:\s+{message}$"))
    await checks("my-leave-error")
    await page.locator(".govuk-error-summary").get_by_role("link", name=message).click()
    await expect(confirm).to_be_focused()
    await page.keyboard.press("Space")
    await expect(confirm).to_be_checked()
    await page.get_by_role("button", name="Leave the co-op").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("You have left the co-op")
    await expect(page.locator(".govuk-panel__body")).to_contain_text(TODAY)
    await expect(page.get_by_text("Your membership number was 2.")).to_be_visible()
    await checks("my-left")
    await page.get_by_role("link", name="see your membership").click()
    await expect(page.get_by_text(f"Your membership ended on {TODAY}.")).to_be_visible()
    await expect(page.get_by_role("link", name="Leave the co-op")).to_have_count(0)
    await checks("my-former")


async def test_a_carer_asks_by_membership_number_and_the_member_consents(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    member(coop, "Amira Hassan")  # number 1
    priya, _ = member(coop, "Priya Raman", MemberClass.CARER)
    _, position = member(coop, "Ewan McAllister", MemberClass.PA)  # number 3
    await caught_up(app_server, position)

    await sign_in(page, checks, PRIYA)
    await (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Your membership")
        .click()
    )
    await page.get_by_role("link", name="People you care for", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("People you care for")
    await expect(page.get_by_text("You have not asked to be linked to anyone yet.")).to_be_visible()
    number = page.get_by_label("Their membership number")
    await expect(number).to_have_accessible_description(
        re.compile(r"^It is on their membership page in coop")
    )
    await checks("my-carers-carer")

    await number.fill("3")  # a personal assistant, not someone who uses care
    await page.get_by_role("button", name="Ask to be linked").click()
    message = "There is no current member in the user class with number 3"
    await expect_error_summary(page, "People you care for", message, "number")
    await expect(number).to_have_accessible_description(re.compile(rf"Error:\s+{message}$"))
    await expect(number).to_have_value("3")
    await expect(page.get_by_text("Ewan")).to_have_count(0)  # who holds a number stays private
    await checks("my-carers-ask-error")

    await number.fill("1")
    await page.get_by_role("button", name="Ask to be linked").click()
    await expect(page.get_by_role("alert")).to_contain_text("Your request has been sent.")
    requests = page.get_by_role("region", name="People you asked to be linked to")
    await expect(requests.get_by_role("row", name=re.compile("^Member 1"))).to_contain_text(
        "Waiting for them to agree"
    )
    await expect(page.get_by_text("Amira")).to_have_count(0)  # not named until she agrees
    await checks("my-carers-asked")
    await sign_out(page)

    # Amira, on the same computer later (the sign-in pages were checked above).
    await page.goto("/sign-in")
    await page.get_by_label("Email address").fill(AMIRA)
    await page.get_by_label("Password", exact=True).fill(TRUSTEE_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text(re.compile(r"^Signed in as"))).to_contain_text("Amira Hassan")
    await page.goto("/my")
    await page.get_by_role("link", name="Your carers").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your carers")
    await expect(page.get_by_role("heading", level=3, name="Priya Raman")).to_be_visible()
    await expect(
        page.get_by_text("Do you agree that Priya Raman can book and manage visits for you?")
    ).to_be_visible()
    await expect(
        page.get_by_role("button", name=re.compile(r"^Decline\s+Priya Raman's request$"))
    ).to_be_visible()
    consent = page.get_by_role(
        "button", name=re.compile(r"^Consent\s+to Priya Raman being linked to you$")
    )
    await expect(consent).to_have_attribute("type", "submit")
    await checks("my-carers-user")
    await consent.click()

    await expect(page).to_have_url(re.compile(r"/my/carers\?done=consented$"))
    await expect(page.get_by_role("alert")).to_contain_text("The carer is now linked to you.")
    await expect(page.get_by_text("No one is waiting for your answer.")).to_be_visible()
    withdraw = page.get_by_role("button", name=re.compile(r"^Withdraw consent\s+for Priya Raman$"))
    await expect(withdraw).to_be_visible()
    await expect(page.locator(f'form[action="/my/carers/{priya}/withdraw"]')).to_have_count(1)
    await checks("my-carers-consented")
