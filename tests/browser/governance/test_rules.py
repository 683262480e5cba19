"""Amending the rules in a browser: propose, a malformed setting, the ballot, amend, history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg
import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import UK, FixedClock
from coop.domain.governance.ballots import Mark
from tests.browser.governance.test_ballots import co_op, focus_is_on_error_summary
from tests.browser.helpers import Checks, Server, caught_up, sign_in
from tests.web.helpers import open_trustee

pytestmark = pytest.mark.browser

GRACE = "grace.okafor@example.org"


@pytest.fixture
def clock() -> FixedClock:
    """Commands made here use the real time, as the server does."""
    return FixedClock(datetime.now(UTC))


async def _fill_date(page: Page, group: str, when: datetime) -> None:
    fields = page.get_by_role("group", name=group)
    await fields.get_by_label("Day").fill(str(when.day))
    await fields.get_by_label("Month").fill(str(when.month))
    await fields.get_by_label("Year").fill(str(when.year))


async def test_a_trustee_proposes_new_rules_and_amends_them_once_carried(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server, javascript: bool
) -> None:
    electors = co_op(coop)
    open_trustee(coop, GRACE, "Grace Okafor")
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, GRACE)

    await page.goto("/trustees/rules")
    await expect(page.get_by_role("heading", level=1)).to_have_text("The rules in force")
    await expect(page.get_by_role("heading", name="Version 1 (in force)")).to_be_visible()
    await checks("rules")
    await page.get_by_role("link", name="Propose new rules").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Propose new rules")
    await checks("propose-rules")

    # A malformed weight: the summary takes focus and its link leads to the box.
    carers = page.get_by_role("group", name="Class 2: carer")
    weight = carers.get_by_label("Weight of their votes")
    await expect(weight).to_have_value("25%")
    await weight.fill("a third")
    await page.get_by_role("textbox", name="Title").fill("Give carers a bigger say")
    await page.get_by_role("textbox", name="The question").fill(
        "Should carers' votes carry 30% and PAs' 20%?"
    )
    opens = (datetime.now(UK) + timedelta(days=1)).replace(hour=9)
    closes = opens + timedelta(days=14)
    await _fill_date(page, "Date voting opens", opens)
    await page.get_by_label("Time voting opens").fill("9am")
    await _fill_date(page, "Date voting closes", closes)
    await page.get_by_label("Time voting closes").fill("5pm")
    send = page.get_by_role("button", name="Draft the special resolution")
    await send.focus()
    await page.keyboard.press("Enter")
    await expect(page).to_have_title("Error: Propose new rules – coop")
    assert await focus_is_on_error_summary(page), "focus is not on the error summary"
    await checks("propose-rules-error")
    message = "Enter the weight of the Carers class as a percentage like 25% or a fraction like 1/4"
    await page.locator(".govuk-error-summary").get_by_role("link", name=message).click()
    await expect(weight).to_be_focused()
    await expect(weight).to_have_value("a third")  # the answer is kept

    # Fixed by keyboard, and PAs down to 20 %.
    await page.keyboard.press("ControlOrMeta+a")
    await page.keyboard.type("30%")
    await (
        page.get_by_role("group", name="Class 3: pa")
        .get_by_label("Weight of their votes")
        .fill("20%")
    )
    await send.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Give carers a bigger say")
    await expect(page.get_by_text("The ballot has been drafted.")).to_be_visible()
    changes = page.locator("#rule-changes + p + ul")
    await expect(changes).to_contain_text("The weight of the Carers class changes from 25% to 30%.")
    await expect(changes).to_contain_text("The weight of the PAs class changes from 25% to 20%.")
    await checks("rules-ballot-drafted")

    await page.get_by_role("button", name="Open now").press("Enter")
    await expect(
        page.get_by_text("The ballot is open: its list of voters is fixed.")
    ).to_be_visible()
    ballot_id = re.search(r"/trustees/ballots/([0-9a-f-]{36})", page.url)
    assert ballot_id is not None
    for e in electors.values():
        coop.cast_vote(UUID(ballot_id[1]), e.member_id, Mark(answer="for"), cast_by=e.member_id)
    await page.get_by_role("button", name="Close and count now").press("Enter")
    await expect(page.get_by_text("The ballot has been closed and counted.")).to_be_visible()
    await expect(page.get_by_role("heading", name="Amend the rules")).to_be_visible()
    await checks("rules-ballot-carried")

    await page.get_by_label("Minute reference").fill("AGM 2026 resolution 4")
    await page.get_by_role("button", name="Amend the rules").press("Enter")
    await expect(
        page.get_by_text("The rules have been amended: the new version is in force.")
    ).to_be_visible()
    await expect(page.get_by_role("button", name="Amend the rules")).to_have_count(0)
    await checks("rules-ballot-amended")

    await page.goto("/trustees/rules")
    await expect(page.get_by_text("Version 2 of the rules.")).to_be_visible()
    await expect(page.get_by_role("heading", name="Version 2 (in force)")).to_be_visible()
    await expect(page.get_by_role("link", name="Give carers a bigger say")).to_be_visible()
    await checks("rules-history")
    conn = await asyncpg.connect(app_server.db_url)
    try:
        assert await conn.fetchval("SELECT max(version) FROM rules_versions") == 2
    finally:
        await conn.close()
