"""Ballots in a browser: voting by keyboard, the live turnout, Easy Read, results, receipts."""

from __future__ import annotations

import asyncio
import contextlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock, today
from coop.domain.governance.ballots import BallotError, BallotKind, Elector, Mark, Option
from coop.domain.governance.rules import model_rules
from coop.domain.governance.seats import Trustee
from coop.domain.membership.member_details import Office
from coop.domain.membership.members import MemberClass
from coop.web.accounts.passwords import hash_password
from tests.browser.helpers import Checks, Server, caught_up, inspect, sign_in
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD

pytestmark = pytest.mark.browser

AMIRA = "amira.hassan@example.org"
PASSWORD_HASH = hash_password(TRUSTEE_PASSWORD)
PEOPLE = [
    ("Amira Hassan", MemberClass.USER),
    ("Tom Whitfield", MemberClass.USER),
    ("Priya Raman", MemberClass.CARER),
    ("Ewan McAllister", MemberClass.PA),
]
TRUSTEE = uuid4()


@pytest.fixture
def clock() -> FixedClock:
    """Commands made here use the real time, as the server does."""
    return FixedClock(datetime.now(UTC))


def co_op(coop: Coop) -> dict[str, Elector]:
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026 resolution 1")
    electors = {}
    for name, member_class in PEOPLE:
        member_id = coop.apply_for_membership(details(name, requested_class=member_class)).subject
        coop.admit(member_id, by=TRUSTEE, minute_reference="BM-1")
        coop.open_account(
            name=name,
            email=details(name).email,
            password_hash=PASSWORD_HASH,
            roles=(),
            member_id=member_id,
        )
        electors[name] = Elector(member_id, str(member_class))
    return electors


def resolution(coop: Coop, clock: FixedClock, electors: dict[str, Elector], **fields: Any) -> UUID:
    """Opening now (the server's scheduler may open it first, with the same members)."""
    clock.set(datetime.now(UTC))
    ballot = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        opens_at=clock.now(),
        by=TRUSTEE,
        **{
            "title": "Raise PA pay by 50p an hour",
            "question": "Should the co-op raise PA pay by 50p an hour from April?",
            "easy_read": "Should PAs get 50p more for each hour they work?",
            "closes_at": clock.now() + timedelta(days=7),
            **fields,
        },
    ).subject
    with contextlib.suppress(BallotError):
        coop.open_ballot(ballot, list(electors.values()))
    return ballot


async def counted(server: Server, ballot: UUID) -> None:
    """Wait for the server's own scheduler to close and count the ballot."""
    conn = await asyncpg.connect(server.db_url)
    try:
        for _ in range(300):
            state = await conn.fetchval("SELECT state FROM ballots WHERE ballot_id = $1", ballot)
            if state == "counted":
                return
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    raise AssertionError("the scheduler did not count the ballot")


async def focus_is_on_error_summary(page: Page) -> bool:
    return bool(
        await inspect(page, "document.activeElement.closest('.govuk-error-summary') !== null")
    )


async def test_a_member_votes_on_a_resolution_by_keyboard_and_changes_her_vote(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server, javascript: bool
) -> None:
    electors = co_op(coop)
    ballot = resolution(coop, clock, electors)
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, AMIRA)

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Ballots").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Ballots")
    await expect(page.get_by_text("You have not voted yet")).to_be_visible()
    await checks("ballots")
    await page.get_by_role("link", name="Raise PA pay by 50p an hour").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Raise PA pay by 50p an hour")
    await expect(page.get_by_text("0 of 4 members have voted (0%).")).to_be_visible()
    await checks("ballot")

    # Sent without a choice: the error summary takes focus and links to the radios.
    send = page.get_by_role("button", name="Send my vote")
    await send.focus()
    await page.keyboard.press("Enter")
    await expect(page).to_have_title("Error: Raise PA pay by 50p an hour – coop")
    message = "Choose how you vote: for, against or abstain"
    assert await focus_is_on_error_summary(page), "focus is not on the error summary"
    await checks("ballot-error")
    await page.locator(".govuk-error-summary").get_by_role("link", name=message).click()
    choice = page.get_by_role("group", name="How do you vote?")
    await expect(choice.get_by_label("For", exact=True)).to_be_focused()

    # By keyboard alone: arrow to "Against", tab to the button, Enter.
    await page.keyboard.press("ArrowDown")
    await expect(choice.get_by_label("Against")).to_be_checked()
    await page.keyboard.press("Tab")
    await expect(send).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your vote has been recorded")
    await expect(page.get_by_text("Your vote: Against.")).to_be_visible()
    await checks("ballot-voted")

    await page.get_by_role("link", name="Back to the ballot").click()
    await expect(page.get_by_text("Change your vote: only your last vote counts")).to_be_visible()
    await expect(choice.get_by_label("Against")).to_be_checked()
    await choice.get_by_label("Against").focus()
    await page.keyboard.press("ArrowUp")
    await expect(choice.get_by_label("For", exact=True)).to_be_checked()
    await page.get_by_role("button", name="Change my vote").press("Enter")
    await expect(page.get_by_text("Your vote: For.")).to_be_visible()

    if javascript:  # the turnout updates itself, and says so once
        await page.get_by_role("link", name="Back to the ballot").click()
        await expect(page.get_by_text("1 of 4 members have voted (25%).")).to_be_visible()
        tom = electors["Tom Whitfield"].member_id
        coop.cast_vote(ballot, tom, Mark(answer="against"), cast_by=tom)
        await expect(page.locator("#status-announcer")).to_have_text(
            "Turnout updated: 2 of 4 members have voted.", timeout=15_000
        )
        await expect(page.get_by_text("2 of 4 members have voted (50%).")).to_be_visible()
        await checks("ballot-turnout-updated")


async def test_the_easy_read_page_and_a_secret_vote_with_its_receipt(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    electors = co_op(coop)
    resolution(coop, clock, electors, secret=True)
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, AMIRA)
    await page.goto("/ballots")
    await page.get_by_role("link", name="Raise PA pay by 50p an hour").click()
    await page.get_by_role("link", name="Read this ballot in Easy Read").click()
    await expect(page).to_have_title("Raise PA pay by 50p an hour: Easy Read – coop")
    await expect(
        page.get_by_text("Your vote is secret. Nobody can see how you voted.")
    ).to_be_visible()
    await expect(page.get_by_role("img", name="A closed lock")).to_be_visible()
    await expect(page.get_by_role("img", name="A calendar").first).to_be_visible()
    size = await inspect(
        page,
        "parseFloat(getComputedStyle(document.querySelector('.coop-easy-read__text')).fontSize)",
    )
    assert size >= 19, size  # at least 14pt
    await checks("ballot-easy-read")

    await page.get_by_label("Yes, I agree (for)").check()
    await page.get_by_role("button", name="Send my vote").click()
    # An Easy Read voter stays in Easy Read.
    await expect(page.get_by_role("heading", level=1)).to_have_text("You have voted")
    await expect(page).to_have_title("You have voted: Easy Read – coop")
    receipt = await page.locator(".coop-receipt").text_content()
    assert receipt and re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", receipt)
    await checks("ballot-receipt-easy-read")
    await page.get_by_role("link", name="Back to the vote").click()
    await expect(page).to_have_title("Raise PA pay by 50p an hour: Easy Read – coop")
    await expect(page.get_by_text(receipt)).to_have_count(0)  # shown once only
    await expect(page.get_by_text("The boxes are empty again.")).to_be_visible()
    await checks("ballot-easy-read-voted")
    await page.get_by_role("link", name="Back to the standard version").click()
    await expect(page.get_by_text("we do not keep your choices next to your name")).to_be_visible()
    await checks("ballot-secret-voted")


async def test_the_results_page_has_a_chart_with_its_table_and_receipts_check_out(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    electors = co_op(coop)
    ballot = resolution(
        coop, clock, electors, secret=True, closes_at=datetime.now(UTC) + timedelta(seconds=4)
    )
    receipts = {}
    for (name, e), answer in zip(
        electors.items(), ["for", "for", "against", "abstain"], strict=True
    ):
        receipts[name] = coop.cast_vote(
            ballot, e.member_id, Mark(answer=answer), cast_by=e.member_id
        )
    await counted(app_server, ballot)
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, AMIRA)
    await page.goto("/ballots")
    await page.get_by_role("link", name="See the results of Raise PA pay by 50p an hour").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Results: Raise PA pay by 50p an hour"
    )
    votes = page.get_by_role("table", name="Votes cast (the figures in the chart)")
    await expect(votes.get_by_role("row", name=re.compile(r"^For 2 50% 66\.7%"))).to_be_visible()
    await expect(page.locator(".coop-chart").first).to_have_attribute("aria-hidden", "true")
    await expect(
        page.get_by_role("row", name=re.compile(r"^Users 50% \(counted as 66\.7%\) 2 0 0"))
    ).to_be_visible()
    await checks("ballot-results")

    await page.get_by_role("link", name="Check a receipt code").click()
    code = page.get_by_label("Receipt code")
    await code.fill("K7QF-M2XA")
    await page.get_by_role("button", name="Check the code").click()
    await expect(page).to_have_title("Error: Check a receipt code – coop")
    assert await focus_is_on_error_summary(page), "focus is not on the error summary"
    await checks("ballot-receipt-error")
    await code.fill(receipts["Priya Raman"].receipt or "")
    await page.get_by_role("button", name="Check the code").click()
    await expect(
        page.get_by_role("heading", name="This receipt's ballot paper is in the count")
    ).to_be_visible()
    await expect(page.get_by_text("it says Against")).to_be_visible()
    await checks("ballot-receipt-checked")


async def test_an_elections_reserved_seats_read_clearly_on_its_page_and_its_results(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    electors = co_op(coop)
    tom, amira = electors["Tom Whitfield"].member_id, electors["Amira Hassan"].member_id
    coop.take_office(tom, Office.TRUSTEE, by=TRUSTEE, reference="AGM 2026")  # his term runs on
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    clock.set(datetime.now(UTC))
    candidates = tuple(
        Option(id=str(electors[n].member_id), label=n, member_class=electors[n].member_class)
        for n in ("Amira Hassan", "Priya Raman", "Ewan McAllister")
    )
    ballot = coop.draft_ballot(
        kind=BallotKind.ELECTION,
        title="Trustee election 2026",
        question="Elect two trustees",
        seats=2,
        options=candidates,
        opens_at=clock.now(),
        closes_at=clock.now() + timedelta(seconds=15),
        by=TRUSTEE,
    ).subject
    # The server's scheduler may open it first: from the same register of trustees.
    with contextlib.suppress(BallotError):
        coop.open_ballot(ballot, list(electors.values()), [Trustee(tom, "user", today(clock))])
    coop.cast_vote(ballot, amira, Mark(ranking=(candidates[0].id,)), cast_by=amira)
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, AMIRA)
    await page.goto(f"/ballots/{ballot}")
    reserved = "1 seat is reserved for a user: 1 user trustee continues in office."
    await expect(page.get_by_text(reserved)).to_be_visible()
    await checks("election-reserved-seats")

    await counted(app_server, ballot)
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await page.goto(f"/ballots/{ballot}/results")
    await expect(page.get_by_text(reserved)).to_be_visible()
    await checks("election-results-reserved-seats")
    # The papers download by a plain link, with or without JavaScript.
    papers = page.get_by_role("link", name="Download the ballot papers to recount them (BLT file)")
    async with page.expect_download() as downloading:
        await papers.click()
    assert (await downloading.value).suggested_filename == "trustee-election-2026.blt"
