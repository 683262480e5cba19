"""The governance record in a real browser: axe-clean, usable at 320px, filtered by keyboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import BallotKind, Mark
from coop.web.accounts.passwords import hash_password
from tests.app.governance.test_ballots import amira_changes_her_mind, co_op
from tests.browser.helpers import (
    Checks,
    Server,
    assert_error_summary_focused,
    caught_up,
    inspect,
    sign_in,
    skip_to_content,
    tab_to,
)
from tests.conftest import TODAY
from tests.web.helpers import TRUSTEE_PASSWORD

pytestmark = pytest.mark.browser

# As tests.browser.test_reflow.WIDTHS, but a table of tallies may scroll inside its own
# focusable region: WCAG 1.4.10 excepts data tables, whose meaning needs their columns.
WIDTHS_BUT_TABLES = """({
  scroll: document.documentElement.scrollWidth,
  widest: Math.max(...[...document.querySelectorAll("body *")]
    .filter((e) => !e.closest(".coop-table-wrapper table"))
    .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
    .map((e) => e.getBoundingClientRect().right)),
})"""


async def assert_fits_but_tables(page: Page, width: int) -> None:
    widths = await inspect(page, WIDTHS_BUT_TABLES)
    assert widths["scroll"] <= width and widths["widest"] <= width, (page.url, widths)


async def test_a_member_reads_and_filters_the_record_by_keyboard_at_320px(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    electors = co_op(coop)
    # Closing far off: the server's own scheduler, on the real clock, must not close it.
    ballot = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Raise PA pay by 50p an hour",
        question="Should the co-op raise PA pay by 50p an hour from April?",
        opens_at=clock.now(),
        closes_at=datetime.now(UTC) + timedelta(days=30),
        by=uuid4(),
    ).subject
    coop.declare_interest(ballot, electors[3].member_id, "I am a PA: my own pay")
    coop.open_ballot(ballot, electors)
    for member, answer in amira_changes_her_mind(electors):
        coop.cast_vote(ballot, member, Mark(answer=answer), cast_by=member)
    coop.close_ballot(ballot)
    done = coop.open_account(
        name="Amira Hassan",
        email="amira.hassan@example.org",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(),
        member_id=electors[0].member_id,
    )
    await caught_up(app_server, done.position)
    await sign_in(page, checks, "amira.hassan@example.org")

    await page.set_viewport_size({"width": 320, "height": 640})
    await page.goto("/record")
    await expect(page.get_by_role("heading", level=1)).to_have_text("The governance record")
    await expect(page.get_by_role("heading", name="8 decisions")).to_be_visible()
    await assert_fits_but_tables(page, 320)
    await checks("record-320px")

    # By keyboard alone: the year, then the button.
    await skip_to_content(page)
    year = page.get_by_label("Year")
    await tab_to(page, year)
    await page.keyboard.type("26")
    await page.keyboard.press("Enter")
    link = await assert_error_summary_focused(
        page, "The governance record", "Enter the year as 4 digits, like 2026"
    )
    await checks()
    await link.press("Enter")
    await expect(year).to_be_focused()
    await page.keyboard.press("ControlOrMeta+A")
    await page.keyboard.type(str(TODAY.year))
    await tab_to(page, page.get_by_role("button", name="Show decisions"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name=f"8 decisions in {TODAY.year}")).to_be_visible()
    await expect(page.get_by_text("Ewan McAllister: I am a PA: my own pay")).to_be_visible()
    await assert_fits_but_tables(page, 320)
    await checks()
