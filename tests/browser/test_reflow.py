"""Reflow (WCAG 1.4.10) and resized text (WCAG 1.4.4) on the apply page."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.helpers import Checks, assert_fits, inspect

pytestmark = pytest.mark.browser

LABEL_SIZE = "parseFloat(getComputedStyle(document.querySelector('label[for=name]')).fontSize)"


async def test_the_apply_page_fits_320_css_pixels_without_scrolling_sideways(
    page: Page, checks: Checks
) -> None:
    await page.set_viewport_size({"width": 320, "height": 640})
    await page.goto("/")
    await assert_fits(page, 320)
    await checks()
    await page.goto("/apply")
    await assert_fits(page, 320)
    await checks("apply-320px")
    await page.get_by_role("button", name="Send application").click()
    await expect(page).to_have_title(re.compile(r"^Error: "))
    await assert_fits(page, 320)
    await checks("apply-errors-320px")


async def double_the_text_size(page: Page) -> None:
    """The browser's own text size setting, 32px instead of 16px, as a person would set it.

    Chromium forgets it when the page navigates, so call again after each page load.
    """
    normal = await inspect(page, LABEL_SIZE)
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    await cdp.detach()
    assert await inspect(page, LABEL_SIZE) == pytest.approx(2 * normal, abs=1)


async def test_the_apply_page_can_be_used_with_text_at_200_percent(
    page: Page, checks: Checks
) -> None:
    width = 1280
    await page.set_viewport_size({"width": width, "height": 800})
    await page.goto("/apply")
    await double_the_text_size(page)
    await assert_fits(page, width)
    # A full-page screenshot resizes the viewport, which makes Chromium forget the text size.
    await checks("apply-200-percent-text", full_page=False)

    await page.get_by_label("Full name").fill("Hannah Lewis")
    await page.get_by_role("button", name="Send application").click()
    await expect(page).to_have_title(re.compile(r"^Error: "))
    await double_the_text_size(page)
    await expect(page.get_by_role("heading", name="There is a problem")).to_be_in_viewport()
    await expect(page.get_by_label("Full name")).to_have_value("Hannah Lewis")
    await assert_fits(page, width)
    await checks("apply-errors-200-percent-text", full_page=False)
