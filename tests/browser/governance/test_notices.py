"""The office's notices pages in a browser: a general meeting's notices, the letters
made with their progress, marked as posted by keyboard alone; axe-clean at 320 px."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg
import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.meetings import MeetingKind
from coop.domain.membership.member_details import ContactMethod
from tests.browser.governance.test_ballots import TRUSTEE as BY
from tests.browser.governance.test_governance_admin import TRUSTEE, trustee_and_members
from tests.browser.helpers import Checks, Server, caught_up, inspect, sign_in, tab_to
from tests.people import details

pytestmark = pytest.mark.browser


@pytest.fixture
def clock() -> FixedClock:
    """The server runs on the real clock; commands made here must not be dated after it."""
    return FixedClock(datetime.now(UTC))


async def notices_ready(page: Page, server: Server, meeting: UUID) -> None:
    """The server gives notice and makes the letters on its own, within a few seconds;
    then the office opens the meeting's notices (before, that page is rightly Not Found)."""
    conn = await asyncpg.connect(server.db_url)
    try:
        for _ in range(300):
            batches = await conn.fetch(
                "SELECT pdf IS NOT NULL AS made FROM notice_batches WHERE subject_id = $1",
                meeting,
            )
            if batches and all(b["made"] for b in batches):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the server did not give notice and make the letters")
    finally:
        await conn.close()
    await page.goto(f"/office/notices/{meeting}")


async def test_the_office_downloads_the_letters_and_marks_them_posted_by_keyboard(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    await trustee_and_members(coop, app_server)
    siobhan = coop.apply_for_membership(
        details("Siobhan Kelly", contact_methods=(ContactMethod.LARGE_PRINT,))
    ).subject
    coop.admit(siobhan, by=BY, minute_reference="BM-2")
    agm = coop.convene_meeting(
        MeetingKind.AGM,
        title="AGM 2027",
        starts_at=clock.now() + timedelta(days=30),
        held_on=(clock.now() + timedelta(days=30)).date(),
        place="The Old Library, Leeds",
        agenda=("Accounts", "Electing trustees"),
        by=BY,
    )
    await caught_up(app_server, agm.position)
    await sign_in(page, checks, TRUSTEE)
    await notices_ready(page, app_server, agm.subject)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Notices: AGM 2027")
    waiting = page.get_by_role("table", name="5 members not reached yet")
    await expect(waiting.get_by_role("row", name=re.compile("Siobhan Kelly"))).to_contain_text(
        "Large print letter"
    )
    await checks("notices")
    await page.set_viewport_size({"width": 320, "height": 800})
    assert await inspect(page, "document.documentElement.scrollWidth") <= 320
    await checks()
    await page.set_viewport_size({"width": 1280, "height": 800})

    download_link = page.get_by_role("link", name="Download the 1 large print letter (PDF)")
    async with page.expect_download() as download:
        await download_link.click()
    assert (await download.value).suggested_filename.endswith(".pdf")
    posted = page.get_by_role("button", name="Mark these letters as posted")
    await tab_to(page, posted)
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("The letters are marked as posted.")).to_be_visible()
    await expect(page.get_by_role("table", name="1 member given notice")).to_contain_text(
        "Siobhan Kelly"
    )
    await checks("notices-posted")
    await page.get_by_role("link", name="Back to notices to members").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Notices to members")
    await checks("notices-list")
