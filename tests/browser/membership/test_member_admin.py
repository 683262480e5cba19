"""A trustee looks after a member's record in a browser: find them, read the record, end
the membership (with a mistake first), by mouse and by keyboard alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from playwright.async_api import Locator, Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.membership.member_details import Office
from coop.domain.membership.members import MemberClass
from coop.web.accounts.passwords import hash_password
from tests.browser.helpers import Checks, Server, caught_up, inspect, open_trustees_page, sign_in
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD, open_trustee

pytestmark = pytest.mark.browser

TRUSTEE = "grace.okafor@example.org"


@pytest.fixture
def clock() -> FixedClock:
    """The server runs on the real clock; commands made here must not be dated after it."""
    return FixedClock(datetime.now(UTC))


async def a_small_coop(coop: Coop, app_server: Server) -> None:
    open_trustee(coop, TRUSTEE, "Grace Okafor")
    for name, member_class in (
        ("Amira Hassan", MemberClass.USER),
        ("Ewan McAllister", MemberClass.PA),
        ("Priya Raman", MemberClass.CARER),
    ):
        member_id = coop.apply_for_membership(details(name, requested_class=member_class)).subject
        done = coop.admit(member_id, by=uuid4(), minute_reference="B2026-10 item 3")
    done = coop.take_office(member_id, Office.TRUSTEE, by=uuid4(), reference="AGM2026 item 7")
    await caught_up(app_server, done.position)


async def test_a_trustee_finds_a_member_and_ends_their_membership(
    page: Page, checks: Checks, javascript: bool, coop: Coop, app_server: Server
) -> None:
    await a_small_coop(coop, app_server)
    await sign_in(page, checks, TRUSTEE)
    await open_trustees_page(page, "Members")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    await expect(page.get_by_role("region", name="3 members")).to_be_visible()
    await checks("members-list")

    page_loads: list[str] = []
    page.on("domcontentloaded", lambda loaded: page_loads.append(loaded.url))
    await page.get_by_label("Search by name, membership number or email").fill("priya")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_role("region", name="1 member, matching “priya”")).to_be_visible()
    if javascript:
        assert page_loads == [], "the page was loaded again instead of the results swapped"
        await expect(page.locator("#status-announcer")).to_have_text("1 member, matching “priya”")
        await expect(page).to_have_url(re.compile(r"/trustees/members\?q=priya"))
    await checks("members-search")

    await page.get_by_role("link", name="Priya Raman").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Priya Raman")
    await expect(page).to_have_title("Priya Raman, member 3 – coop")
    timeline = page.get_by_role("region", name="What has happened")
    await expect(timeline.get_by_role("row", name=re.compile("Appointed trustee"))).to_contain_text(
        "AGM2026 item 7"
    )
    await checks("member-record")

    await page.get_by_role("link", name="End membership").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("End membership")
    await checks("end-membership")
    await page.get_by_label("Expulsion").check()
    await page.get_by_role("button", name="End membership").click()

    message = "Enter the reference of the general meeting's special resolution"
    await expect(page).to_have_title(re.compile(r"^Error: End Priya Raman's membership"))
    summary = page.locator(".govuk-error-summary")
    assert await inspect(page, "document.activeElement.closest('.govuk-error-summary') !== null")
    await expect(page.get_by_label("Expulsion")).to_be_checked()  # answers are kept
    reference = page.get_by_label("Reference", exact=True)
    await expect(reference).to_have_accessible_description(re.compile(rf"Error:\s+{message}"))
    await checks("end-membership-error")
    await summary.get_by_role("link", name=message).click()
    await expect(reference).to_be_focused()
    await reference.fill("SGM2026-2 resolution 1")
    await page.get_by_role("button", name="End membership").click()

    await expect(page.get_by_role("alert")).to_contain_text("Priya Raman's membership has ended.")
    await expect(page.get_by_text("Former member")).to_be_visible()
    await expect(
        timeline.get_by_role("row", name=re.compile(r"Membership ended \(expulsion\)")).last
    ).to_contain_text("SGM2026-2 resolution 1")
    await expect(page.get_by_text(re.compile(r"can be erased from \d+ \w+ 20\d\d"))).to_be_visible()
    await expect(page.get_by_role("link", name="Repay or cancel share")).to_be_visible()
    await checks("member-record-ended")

    await page.get_by_role("link", name="Repay or cancel share").click()
    await checks("share")
    await page.get_by_role("link", name="Back to the member's record").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Priya Raman")


async def test_a_trustee_records_a_change_of_class_by_keyboard_alone(
    page: Page, checks: Checks, javascript: bool, coop: Coop, app_server: Server
) -> None:
    await a_small_coop(coop, app_server)
    await sign_in(page, checks, TRUSTEE)
    await page.goto("/")

    async def tab_to(target: Locator) -> None:
        for _ in range(60):  # never click: only Tab, as a keyboard user moves
            await page.keyboard.press("Tab")
            if await target.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {target}")

    await open_trustees_page(page, "Members", keyboard=True)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    await tab_to(page.get_by_role("link", name="Ewan McAllister"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ewan McAllister")
    await tab_to(page.get_by_role("link", name="Change class"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Change class")
    await tab_to(page.get_by_label("User"))
    await page.keyboard.press("Space")
    await expect(page.get_by_label("User")).to_be_checked()
    await tab_to(page.get_by_label("Board minute reference"))
    await page.keyboard.type("B2026-11 item 6")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text(
        "Ewan McAllister is now in the User class."
    )
    await checks("class-changed-by-keyboard")


async def test_the_roles_and_erase_pages_pass_the_checks(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    open_trustee(coop, TRUSTEE, "Grace Okafor")
    member_id = coop.apply_for_membership(details("Amira Hassan")).subject
    coop.admit(member_id, by=uuid4(), minute_reference="B1")
    account = coop.open_account(
        name="Amira Hassan",
        email="amira.hassan@example.org",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(),
        member_id=member_id,
    )
    await caught_up(app_server, account.position)
    await sign_in(page, checks, TRUSTEE)
    await page.goto(f"/trustees/members/{member_id}")
    await page.get_by_role("link", name="Change staff roles").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Staff roles")
    await checks("staff-roles")
    await page.get_by_label("Coordinator").check()
    await page.get_by_role("button", name="Save roles").click()
    await expect(page.get_by_role("alert")).to_contain_text("staff roles have been changed")
    await expect(page.get_by_text("Coordinator", exact=True)).to_be_visible()
    await checks()
    await page.goto(f"/trustees/members/{member_id}/erase")
    await expect(page.get_by_text("Only a former member or a refused applicant")).to_be_visible()
    await checks("erase-not-possible")


async def test_without_a_mail_server_an_invitation_is_said_to_wait_in_the_outbox(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    await a_small_coop(coop, app_server)
    await sign_in(page, checks, TRUSTEE)
    await open_trustees_page(page, "Members")
    await page.get_by_role("link", name="Amira Hassan").click()
    await page.get_by_role("button", name="Invite to sign in").click()
    banner = page.get_by_role("region", name="Important")
    await expect(banner).to_contain_text(
        "An invitation to sign in for Amira Hassan is waiting in the outbox."
    )
    await expect(page.get_by_text("has been sent to Amira Hassan")).to_have_count(0)
    await checks("member-invited-no-mail-server")
    await banner.get_by_role("link", name="Open the outbox").focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    await expect(page.get_by_role("link", name=re.compile("Set up your"))).to_be_visible()
