"""Reinvestment proposals in a browser: a member proposes by keyboard, a trustee decides."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from tests.app.finance.world import a_summer_of_care, surplus_declared
from tests.browser.governance.test_ballots import clock, co_op, focus_is_on_error_summary
from tests.browser.helpers import Checks, Server, caught_up, sign_in
from tests.web.helpers import open_trustee

pytestmark = pytest.mark.browser
__all__ = ["clock"]  # the browser tests' real-time clock fixture

EWAN = "ewan.mcallister@example.org"
GRACE = "grace.okafor@example.org"
TITLE = "50p an hour more for PAs"


async def surplus_ballot(coop: Coop, clock: FixedClock, server: Server) -> UUID:
    """240 hours of care in 2025 to 2026, the year closed and £2,500 of its surplus
    declared; members propose for a week, voting opens in a fortnight."""
    people, period = a_summer_of_care(coop, rules=False)
    await caught_up(server, coop.recorder.max_notification_id() or 0)  # the close reads them
    surplus_declared(coop, people, period, pence=250_000)
    now = clock.now()
    return coop.draft_reinvestment(
        period,
        title="Sharing out last year's surplus",
        question="Which of these should the co-op spend its surplus on?",
        topic="surplus",
        opens_at=now + timedelta(days=14),
        closes_at=now + timedelta(days=21),
        proposals_until=now + timedelta(days=7),
        by=people.trustee,
    ).subject


async def test_a_member_proposes_a_rate_change_by_keyboard_and_a_trustee_puts_it_on_the_ballot(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server, javascript: bool
) -> None:
    co_op(coop)
    open_trustee(coop, GRACE)
    ballot = await surplus_ballot(coop, clock, app_server)
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, EWAN)

    await page.goto(f"/ballots/{ballot}")
    await page.get_by_role("link", name="Propose an option, or see members’ proposals").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Members’ proposals")
    await expect(page.get_by_text("Nobody has proposed an option yet.")).to_be_visible()
    await checks("proposals-empty")
    await page.get_by_role("link", name="Propose an option").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Propose an option")
    await checks("propose")

    # Sent empty: the error summary takes focus and links to each question.
    send = page.get_by_role("button", name="Send my proposal")
    await send.focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert await focus_is_on_error_summary(page)
    await expect(page).to_have_title(
        "Error: Propose an option: Sharing out last year's surplus – coop"
    )
    await checks("propose-errors")
    await page.get_by_role("link", name="Select how the option is costed").click()
    await expect(page.get_by_role("radio", name="A sum of money")).to_be_focused()

    # By keyboard: type, and choose radios with the space bar.
    await page.get_by_label("Title").focus()
    await page.keyboard.type(TITLE)
    await page.get_by_label("Description").focus()
    await page.keyboard.type("Raise PA pay by 50p an hour from April.")
    await page.get_by_role("radio", name="PAs", exact=True).focus()
    await page.keyboard.press("Space")
    await page.get_by_role("radio", name="A change to an hourly rate").focus()
    await page.keyboard.press("Space")
    await page.get_by_role("radio", name="PAs are paid more per hour").focus()
    await page.keyboard.press("Space")
    await page.get_by_label("By how much per hour, in pence?").focus()
    await page.keyboard.type("50")
    await checks()
    await send.focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("Your proposal has been sent to the trustees.")).to_be_visible()
    costing = "50p an hour more for PAs × 240 hours of care delivered in 2025 to 2026 = £120.00"
    await expect(page.get_by_text(costing)).to_be_visible()
    await checks("proposals")

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("alert")).to_contain_text("You have signed out.")
    await sign_in(page, checks, GRACE)
    await page.goto(f"/trustees/ballots/{ballot}")
    await expect(page.get_by_role("heading", name="Members’ proposals")).to_be_visible()
    await expect(page.get_by_text("Ewan McAllister, a PA member (number 4)")).to_be_visible()
    await checks("proposals-admin")
    # Declining without a reason: the summary links to this proposal's reason box.
    await page.get_by_role("button", name=f"Decline {TITLE}").click()
    assert await focus_is_on_error_summary(page)
    await page.get_by_role("link", name="Say why the proposal is not going on the ballot").click()
    await expect(page.get_by_role("textbox", name="Or decline it")).to_be_focused()
    await checks()
    await page.get_by_role("button", name=f"Put on the ballot {TITLE}").click()
    await expect(page.get_by_text("The proposal is now an option on the ballot.")).to_be_visible()
    await expect(page.get_by_role("rowheader", name=TITLE)).to_be_visible()
    await checks()
