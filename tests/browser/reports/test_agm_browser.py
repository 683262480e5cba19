"""The AGM pack in a real browser, with and without JavaScript: a trustee chooses the
year and builds the signed pack by keyboard alone, reads it at 320 px (axe-clean, the
tables scrolling inside their own regions) and downloads its tables; a bad year is
named in the error summary."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.accounts import Role
from coop.infra.audit_checkpoints import generate_key
from coop.web.accounts.passwords import hash_password
from tests.browser.helpers import (
    Checks,
    Server,
    assert_error_summary_focused,
    assert_fits,
    caught_up,
    sign_in,
    skip_to_content,
    tab_to,
)
from tests.projections.reports.agm_world import a_year_at_the_coop
from tests.web.helpers import TRUSTEE_PASSWORD

pytestmark = pytest.mark.browser

TRUSTEE = "ruth.adeyemi@board.example.org"


class ServerCaughtUp:
    """Waits for the running server's read models, as the world needs before its close."""

    def __init__(self, server: Server) -> None:
        self.server = server

    async def seen(self, position: int, *projections: str) -> None:
        await caught_up(self.server, position)


async def test_a_trustee_builds_reads_and_downloads_the_pack_by_keyboard_at_320px(
    page: Page,
    checks: Checks,
    coop: Coop,
    clock: FixedClock,
    pool: asyncpg.Pool,
    app_server: Server,
    tmp_path: Path,
) -> None:
    generate_key(tmp_path / "data" / "audit_signing_key", "127.0.0.1/coop")
    await a_year_at_the_coop(coop, clock, pool, share_out=False, waiting=ServerCaughtUp(app_server))
    done = coop.open_account(
        name="Ruth Adeyemi",
        email=TRUSTEE,
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(Role.TRUSTEE,),
    )
    await caught_up(app_server, done.position)
    await sign_in(page, checks, TRUSTEE)
    await page.set_viewport_size({"width": 320, "height": 640})
    heading = page.get_by_role("heading", level=1)

    await page.goto("/reports/agm")
    await expect(heading).to_have_text("AGM pack")
    await assert_fits(page, 320)
    await checks("agm-choose-320px")

    await skip_to_content(page)
    await tab_to(page, page.get_by_label("Which year?"))
    await page.keyboard.type("1999")
    await page.keyboard.press("Enter")
    await assert_error_summary_focused(page, "AGM pack", "Enter a year from 2000 to 2026")
    await checks("agm-bad-year-320px")

    await tab_to(page, page.get_by_label("Which year?"))
    await page.keyboard.press("ControlOrMeta+A")
    await page.keyboard.type("2026")
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("AGM pack 2026")
    build = page.get_by_role("button", name="Build and sign the pack for 2026")
    await tab_to(page, build)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("button", name="Build and sign the pack again")).to_be_visible()

    members = page.get_by_role("region", name="Members by class")
    await expect(members.get_by_role("row")).to_have_count(4)  # the header, users, carers, PAs
    await expect(
        page.get_by_role("img", name="Hours of care by PA, the year to 31 March 2026")
    ).to_be_visible()
    await tab_to(page, page.get_by_role("region", name="Decisions"))  # it scrolls by keyboard
    await assert_fits(page, 320)
    await checks("agm-pack-320px")

    async with page.expect_download() as downloading:
        await page.get_by_role(
            "link", name="Its tables as spreadsheets (CSV files in a zip)"
        ).click()
    assert (await downloading.value).suggested_filename == "agm-pack-2026-tables.zip"

    await page.set_viewport_size({"width": 1280, "height": 900})
    await assert_fits(page, 1280)
    await checks("agm-pack-1280px")
