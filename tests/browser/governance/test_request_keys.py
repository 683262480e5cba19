"""A vote whose answer was lost, sent again from the browser: the page says it was done
and when, by keyboard, axe-clean, and the ballot's page says when the vote was recorded."""

from __future__ import annotations

import asyncpg
import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from tests.browser.governance.test_ballots import AMIRA, co_op, resolution
from tests.browser.helpers import Checks, Server, caught_up, inspect, sign_in

pytestmark = pytest.mark.browser

KEY_FIELD = "document.querySelector('form[action$=\"/vote\"] input[name=request_key]')"


async def test_a_vote_sent_again_after_its_answer_was_lost_says_it_was_done_and_when(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    ballot = resolution(coop, clock, co_op(coop))
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    await sign_in(page, checks, AMIRA)
    await page.goto(f"/ballots/{ballot}")
    key = await inspect(page, f"{KEY_FIELD}.value")
    choice = page.get_by_role("group", name="How do you vote?")
    await choice.get_by_label("For", exact=True).check()
    await page.get_by_role("button", name="Send my vote").press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Your vote has been recorded")

    # The answer was lost (the web process died after the vote was saved) ...
    conn = await asyncpg.connect(app_server.db_url)
    try:
        await conn.execute("UPDATE coop_request_keys SET status = NULL, location = NULL")
    finally:
        await conn.close()
    # ... so the browser sends the same form again, its key and all.
    await page.goto(f"/ballots/{ballot}")
    await inspect(page, f"{KEY_FIELD}.value = {key!r}")
    await choice.get_by_label("For", exact=True).check()
    await page.get_by_role("button", name="Change my vote").press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("This was done already")
    await expect(page.get_by_text("It was recorded at")).to_be_visible()
    await checks("already-done")

    await page.get_by_role("link", name="Go back to the page you were on").press("Enter")
    await expect(page.get_by_text("Your vote was recorded at")).to_be_visible()
    await expect(page.get_by_text("Your vote: For.")).to_be_visible()
