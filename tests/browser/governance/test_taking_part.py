"""Members taking part in governance in a browser: declaring an interest (by keyboard alone,
with the rules' policy explained), and naming an advocate who casts a supported vote."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import BallotKind
from tests.browser.governance.test_ballots import AMIRA, co_op, resolution
from tests.browser.helpers import (
    Checks,
    Server,
    assert_error_summary_focused,
    caught_up,
    sign_in,
    skip_to_content,
    tab_to,
)

pytestmark = pytest.mark.browser

PRIYA = "priya.raman@example.org"


@pytest.fixture
def clock() -> FixedClock:
    """The server runs on the real clock; commands made here must not be dated after it."""
    return FixedClock(datetime.now(UTC))


async def sign_out(page: Page) -> None:
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_text(re.compile(r"^Signed in as"))).to_have_count(0)


async def test_a_member_declares_an_interest_and_stands_aside_by_keyboard_alone(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    electors = co_op(coop)
    # On trustee pay the model rules say stand aside; on PA pay, declare and still vote.
    coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Pay the trustees",
        question="Should the co-op pay its trustees £500 a year?",
        topic="trustee_pay",
        opens_at=clock.now() + timedelta(days=1),
        closes_at=clock.now() + timedelta(days=8),
        by=uuid4(),
    )
    pa_pay = resolution(coop, clock, electors, topic="pa_pay")
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, AMIRA)
    heading = page.get_by_role("heading", level=1)

    await tab_to(
        page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Ballots")
    )
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Ballots")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("link", name="Pay the trustees"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Pay the trustees")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("link", name="Declare an interest in this decision"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Declare an interest")
    await expect(page).to_have_title("Declare an interest: Pay the trustees – coop")
    policy = page.locator(".govuk-inset-text")
    await expect(policy).to_contain_text("members with an interest stand aside")
    await expect(policy).to_contain_text("you will not be on the list of voters")
    await checks("declare")

    await skip_to_content(page)
    await tab_to(page, page.get_by_role("button", name="Declare my interest"))
    await page.keyboard.press("Enter")
    link = await assert_error_summary_focused(
        page,
        "Declare an interest: Pay the trustees",
        "Say what your interest is, for example “I am a PA, so a pay rise would affect me”",
    )
    interest = page.get_by_label("What is your interest?")
    await expect(interest).to_have_accessible_description(
        re.compile(r"Error:\s+Say what your interest is")
    )
    await checks("declare-error")
    await tab_to(page, link)
    await page.keyboard.press("Enter")
    await expect(interest).to_be_focused()
    await page.keyboard.type("I hope to be elected a trustee.")
    await tab_to(page, page.get_by_role("button", name="Declare my interest"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text("Your interest has been recorded.")
    await expect(page.get_by_text("You declared: I hope to be elected a trustee.")).to_be_visible()
    await expect(page.get_by_role("button", name="Declare my interest")).to_have_count(0)
    await checks("declared")

    # Where the rules say declare, the page says the member still votes.
    await page.goto(f"/ballots/{pa_pay}/declare")
    await expect(policy).to_contain_text("members with an interest declare it and still vote")
    await expect(page.get_by_role("button", name="Declare my interest")).to_be_visible()
    await checks("declare-still-vote")


async def test_a_member_names_an_advocate_who_casts_a_supported_vote_then_ends_it(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    electors = co_op(coop)
    resolution(coop, clock, electors)
    resolution(coop, clock, electors, title="Open a day centre", secret=True)
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    heading = page.get_by_role("heading", level=1)

    await sign_in(page, checks, AMIRA)
    await page.goto("/my")
    await page.get_by_role("link", name="Your advocate (someone who helps you vote)").click()
    await expect(heading).to_have_text("Your advocate")
    await expect(page.get_by_text("You have not named an advocate.")).to_be_visible()
    await checks("advocate")
    number = page.get_by_label("Their membership number")
    await number.fill("1")
    await page.get_by_role("button", name="Name my advocate").click()
    link = await assert_error_summary_focused(
        page, "Your advocate", "That is your own membership number: enter your advocate's"
    )
    await checks("advocate-error")
    await link.click()
    await expect(number).to_be_focused()
    await number.fill("3")
    await page.get_by_role("button", name="Name my advocate").click()
    await expect(page.get_by_role("alert")).to_contain_text("You have named your advocate.")
    await expect(page.get_by_text("Priya Raman, member 3 can vote for you.")).to_be_visible()
    await checks("advocate-named")
    await sign_out(page)

    await sign_in(page, checks, PRIYA)
    await page.goto("/my/advocate")
    await expect(
        page.get_by_role("heading", name="People who have named you as their advocate")
    ).to_be_visible()
    await page.get_by_role(
        "link", name="Vote for Amira Hassan in Raise PA pay by 50p an hour"
    ).click()
    await expect(heading).to_have_text("Raise PA pay by 50p an hour")
    await expect(page.get_by_text("Amira Hassan named you as their advocate.")).to_be_visible()
    await checks("vote-for")
    send = page.get_by_role("button", name="Send the vote for Amira Hassan")
    await send.click()
    link = await assert_error_summary_focused(
        page,
        "Vote for Amira Hassan: Raise PA pay by 50p an hour",
        "Choose how you vote: for, against or abstain",
    )
    await checks("vote-for-error")
    await link.click()
    choice = page.get_by_role("group", name="How does Amira Hassan vote?")
    await expect(choice.get_by_label("For", exact=True)).to_be_focused()
    await choice.get_by_label("Against").check()
    await send.click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "Your vote for Amira Hassan has been recorded as a supported vote."
    )
    await expect(
        page.get_by_text("A vote for Amira Hassan is already recorded: Against.")
    ).to_be_visible()
    await expect(choice.get_by_label("Against")).to_be_checked()  # the vote recorded
    await checks("vote-for-recorded")

    await page.get_by_role("link", name="Back to supported voting").click()
    await page.get_by_role("link", name="Vote for Amira Hassan in Open a day centre").click()
    await (
        page.get_by_role("group", name="How does Amira Hassan vote?")
        .get_by_label("For", exact=True)
        .check()
    )
    await send.click()
    await expect(heading).to_have_text("The vote for Amira Hassan has been recorded")
    receipt = await page.locator(".coop-receipt").text_content()
    assert receipt and re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", receipt)
    await checks("voted-for-receipt")
    await sign_out(page)

    await sign_in(page, checks, AMIRA)
    await page.goto("/my/advocate")
    await page.get_by_role("button", name="Stop my advocate voting for me").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "Your advocate can no longer vote for you."
    )
    await expect(page.get_by_text("You have not named an advocate.")).to_be_visible()
    await checks("advocate-ended")
