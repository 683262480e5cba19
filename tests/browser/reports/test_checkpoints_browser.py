"""The public checkpoints page in a real browser: axe-clean, and the long key wraps at 320px."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from playwright.async_api import Page

from coop.application import Coop
from coop.infra.audit_checkpoints import generate_key
from tests.browser.helpers import Checks
from tests.browser.test_reflow import assert_fits
from tests.infra.test_audit_chain import some_history

pytestmark = pytest.mark.browser


async def test_the_checkpoints_page_fits_320_css_pixels_and_is_axe_clean(
    page: Page, checks: Checks, coop: Coop, tmp_path: Path
) -> None:
    generate_key(tmp_path / "data" / "audit_signing_key", "127.0.0.1/coop")
    some_history(coop)
    await page.set_viewport_size({"width": 320, "height": 640})
    for _ in range(50):  # the server's scheduler signs one within a tick or two
        await page.goto("/audit/checkpoints")
        if await page.get_by_role("link", name="Checkpoint 1").count():
            break
        await asyncio.sleep(0.2)
    assert await page.get_by_role("link", name="Checkpoint 1").count() == 1
    await assert_fits(page, 320)
    await checks("checkpoints-320px")
