"""Accounts in a browser: the office reads an invitation in its outbox, the member sets a
password from its link, and a forgotten password is reset by a one-time link."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg
import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from coop.config import DEFAULT_COOP_NAME
from coop.infra import one_time_links as tokens
from coop.infra.mail import messages, outbox
from coop.web.accounts.passwords import hash_password
from tests.browser.helpers import Checks, Server, caught_up, inspect, sign_in
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD, open_trustee

pytestmark = pytest.mark.browser

GRACE = "grace.okafor@example.org"
AMIRA = "amira.hassan@example.org"
NEW_PASSWORD = "yellow kettle on a bike"
LINK = re.compile(r"https?://[^/\s]+(/(?:invitations|password-reset)/[A-Za-z0-9_-]+)")


@pytest.fixture
def clock() -> FixedClock:
    """Commands made here are dated on the real clock's day, as the server's are."""
    return FixedClock(datetime.now(UTC))


def admitted(coop: Coop, name: str = "Amira Hassan") -> tuple[UUID, int]:
    """An admitted member without an account yet; their id, and the log's position."""
    member_id = coop.apply_for_membership(details(name)).subject
    done = coop.admit(member_id, by=uuid4(), minute_reference="B2026-11 item 4")
    return member_id, done.position


async def invite(app_server: Server, member_id: UUID, name: str, email: str) -> None:
    """What the trustees' Invite button does: a one-time link, mailed through the outbox."""
    conn = await asyncpg.connect(app_server.db_url)
    try:
        now = datetime.now(UTC)
        async with conn.transaction():
            token = await tokens.issue(
                conn,
                tokens.INVITATION,
                now=now,
                lifetime=tokens.INVITATION_LIFETIME,
                member_id=member_id,
            )
            subject, body = messages.invitation(
                DEFAULT_COOP_NAME, name, f"{app_server.url}/invitations/{token}"
            )
            await outbox.enqueue(conn, email, subject, body, now=now)
    finally:
        await conn.close()


async def link_in_last_mail(app_server: Server, to: str) -> str:
    """The path of the link in the newest message to ``to``, read from the outbox table."""
    conn = await asyncpg.connect(app_server.db_url)
    try:
        body = await conn.fetchval(
            "SELECT body FROM outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1", to
        )
    finally:
        await conn.close()
    assert body is not None, f"no mail to {to}"
    found = LINK.search(body)
    assert found, body
    return found.group(1)


async def expect_error_summary(page: Page, title: str, message: str, anchor: str) -> None:
    await expect(page).to_have_title(f"Error: {title} – coop")
    summary = page.locator(".govuk-error-summary")
    await expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert await inspect(page, "document.activeElement.closest('.govuk-error-summary') !== null"), (
        "focus is not on the error summary"
    )
    await expect(summary.get_by_role("link", name=message)).to_have_attribute("href", f"#{anchor}")


async def paste_password(page: Page, label: str, password: str) -> None:
    """What a paste or a password manager does."""
    await page.get_by_label(label, exact=True).focus()
    await page.keyboard.insert_text(password)


async def test_the_office_reads_an_invitation_and_the_member_sets_her_password_from_it(
    page: Page, checks: Checks, javascript: bool, coop: Coop, app_server: Server
) -> None:
    checks.problems.expected.add(410)  # the used link, at the end
    open_trustee(coop, GRACE, "Grace Okafor")
    tom, _ = admitted(coop, "Tom Whitfield")
    amira, position = admitted(coop)
    await caught_up(app_server, position)
    await invite(app_server, tom, "Tom", "tom.whitfield@example.org")
    await invite(app_server, amira, "Amira", AMIRA)

    # The office, with no mail server, delivers the invitation by hand.
    await sign_in(page, checks, GRACE)
    await page.goto("/office/outbox")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    await expect(page).to_have_title("Outbox – coop")
    await expect(page.get_by_text("No mail server is set up")).to_be_visible()
    mails = page.get_by_role("region", name="2 messages")
    subject = f"Set up your {DEFAULT_COOP_NAME} account"
    row = mails.get_by_role("row", name=re.compile(re.escape(AMIRA)))
    # Every invitation has the same subject: each link says who it is to, for a list of links.
    to_amira = row.get_by_role("link", name=re.compile(rf"^{re.escape(subject)}\s?, to {AMIRA}$"))
    await expect(to_amira).to_be_visible()
    await expect(row).to_contain_text("Not sent yet")
    # Newest first: Amira's, then Tom's.
    await expect(mails.get_by_role("row").nth(1)).to_contain_text(AMIRA)
    await expect(mails.get_by_role("row").nth(2).get_by_role("link")).to_have_accessible_name(
        re.compile(r", to tom\.whitfield@example\.org$")
    )
    await checks("outbox")
    await to_amira.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(subject)
    await expect(page).to_have_title(re.compile(rf"^{re.escape(subject)} \(outbox message \d+\)"))
    await expect(page.locator(".govuk-summary-list__row", has_text="To")).to_contain_text(AMIRA)
    letter = page.locator(".govuk-inset-text", has_text="Dear Amira,")
    await expect(letter).to_contain_text("/invitations/")
    await checks("outbox-message")
    found = LINK.search(await letter.inner_text())
    assert found, "the message does not show its link"
    link = found.group(1)
    await page.get_by_role("link", name="Back to the outbox").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("alert")).to_contain_text("You have signed out.")

    # Amira opens the link: a password that does not match, then one that does.
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    await expect(page.get_by_text("Welcome, Amira.")).to_be_visible()
    email = page.get_by_label("Email address")
    await expect(email).to_have_value(AMIRA)
    await expect(email).to_have_attribute("readonly", "")
    await expect(email).to_have_attribute("autocomplete", "username")
    for label in ("New password", "Type your new password again"):
        await expect(page.get_by_label(label, exact=True)).to_have_attribute(
            "autocomplete", "new-password"
        )
    await expect(page.get_by_label("New password", exact=True)).to_have_accessible_description(
        re.compile(r"^At least 10 characters")
    )
    if javascript:  # GOV.UK's password input adds a button to show what was typed
        await expect(page.get_by_role("button", name="Show password")).to_have_count(2)
    await checks("invitation")

    await paste_password(page, "New password", NEW_PASSWORD)
    await paste_password(page, "Type your new password again", "yellow kettle on a bus")
    await page.get_by_role("button", name="Set password and sign in").click()
    message = "The passwords do not match. Enter the same password in both boxes"
    await expect_error_summary(page, "Set your password", message, "confirm_password")
    again = page.get_by_label("Type your new password again", exact=True)
    await expect(again).to_have_accessible_description(re.compile(rf"Error:\s+{message}$"))
    await expect(again).to_have_value("")  # a password is never sent back
    await expect(email).to_have_value(AMIRA)
    await checks("invitation-error")
    await page.locator(".govuk-error-summary").get_by_role("link", name=message).click()
    await expect(again).to_be_focused()

    await paste_password(page, "New password", NEW_PASSWORD)
    await paste_password(page, "Type your new password again", NEW_PASSWORD)
    await page.get_by_role("button", name="Set password and sign in").click()
    await expect(page.get_by_text(re.compile(r"^Signed in as"))).to_contain_text("Amira Hassan")
    await expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Your membership")
    ).to_be_visible()
    await checks("invitation-accepted")

    response = await page.goto(link)
    assert response is not None and response.status == 410
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "This invitation has already been used"
    )
    await expect(page.get_by_role("main").get_by_role("link", name="Sign in")).to_be_visible()
    await checks("invitation-used")


async def test_a_member_resets_a_forgotten_password_by_a_one_time_link(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    checks.problems.expected.add(410)  # the used link, at the end
    member_id, _ = admitted(coop)
    done = coop.open_account(
        name="Amira Hassan",
        email=AMIRA,
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(),
        member_id=member_id,
    )
    await caught_up(app_server, done.position)

    await page.goto("/sign-in")
    await page.get_by_role("link", name="Forgotten your password?").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    await expect(page.get_by_role("link", name="Back to sign in")).to_have_attribute(
        "href", "/sign-in"
    )
    email = page.get_by_label("Email address")
    await expect(email).to_have_attribute("autocomplete", "username")
    await checks("password-reset")
    await page.get_by_role("button", name="Send me a link").click()
    await expect_error_summary(page, "Reset your password", "Enter your email address", "email")
    await expect(email).to_have_accessible_description(
        re.compile(r"^Error:\s+Enter your email address$")
    )
    await checks("password-reset-error")

    await email.fill(AMIRA)
    await page.get_by_role("button", name="Send me a link").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your link is waiting in the outbox"
    )
    await expect(page.get_by_text(f"If there is an account for {AMIRA}")).to_be_visible()
    await checks("password-reset-sent")

    link = await link_in_last_mail(app_server, AMIRA)
    await page.goto(link)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    await expect(page.get_by_label("Email address")).to_have_value(AMIRA)
    await checks("new-password")
    await paste_password(page, "New password", "short")
    await paste_password(page, "Type your new password again", "short")
    await page.get_by_role("button", name="Change password").click()
    message = "Your password must be at least 10 characters long"
    await expect_error_summary(page, "Choose a new password", message, "password")
    await expect(page.get_by_label("New password", exact=True)).to_have_accessible_description(
        re.compile(rf"Error:\s+{message}$")
    )
    await checks("new-password-error")
    await paste_password(page, "New password", NEW_PASSWORD)
    await paste_password(page, "Type your new password again", NEW_PASSWORD)
    await page.get_by_role("button", name="Change password").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your password has been changed"
    )
    await expect(page).to_have_title("Your password has been changed – coop")
    await checks("password-changed")
    await page.get_by_role("main").get_by_role("link", name="Sign in").click()
    await page.get_by_label("Email address").fill(AMIRA)
    await paste_password(page, "Password", NEW_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text(re.compile(r"^Signed in as"))).to_contain_text("Amira Hassan")

    response = await page.goto(link)
    assert response is not None and response.status == 410
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link has already been used"
    )
    await expect(
        page.get_by_role("main").get_by_role("link", name="Ask for a new link")
    ).to_be_visible()
    await checks("password-reset-link-used")
