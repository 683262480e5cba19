"""A trustee asks for the register of members as a PDF and follows it being made: the
progress page with and without JavaScript, axe-clean, focus left where it was."""

from __future__ import annotations

import io
import re

import pytest
from playwright.async_api import Page, expect
from pypdf import PdfReader

from coop.application import Coop
from coop.clock import FixedClock
from tests.browser.helpers import Checks, Server, inspect, open_trustees_page, sign_in
from tests.browser.membership.test_registers import (
    GRACE,
    TODAY,
    a_coop_with_some_history,
    clock,  # noqa: F401 (the fixture: commands dated on the real clock's days)
    long_date,
)

pytestmark = pytest.mark.browser


async def test_a_trustee_follows_the_register_pdf_being_made_and_downloads_it(
    page: Page,
    checks: Checks,
    coop: Coop,
    clock: FixedClock,  # noqa: F811
    app_server: Server,
    javascript: bool,
) -> None:
    await a_coop_with_some_history(coop, clock, app_server)
    await sign_in(page, checks, GRACE)
    await open_trustees_page(page, "Register of members")
    await page.get_by_role("button", name=re.compile(r"^Make a PDF")).click()

    title = f"Register of members as at {long_date(TODAY)}"
    await expect(page).to_have_url(re.compile(r"/renders/[0-9a-f-]{36}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await expect(page).to_have_title(f"{title} – coop")
    await expect(page.get_by_role("link", name="Back")).to_have_attribute(
        "href", f"/register?as_at={TODAY.isoformat()}"
    )
    ready = page.get_by_text("The PDF is ready.")
    if not await ready.is_visible():  # still being made: its progress, and how to see more
        await expect(
            page.get_by_role("progressbar", name="How much of the PDF is made")
        ).to_be_visible()
        await checks("register-pdf-being-made")
    if javascript:  # htmx asks again until it is made, and the live region says so
        await expect(ready).to_be_visible(timeout=60_000)
        await expect(page.locator("#status-announcer")).to_have_text(
            "The PDF is ready to download."
        )
        assert await inspect(page, "document.activeElement === document.body"), "focus moved"
    else:  # a link asks again
        for _ in range(60):
            if await ready.is_visible():
                break
            await page.get_by_role("link", name="Check how far it has got").click()
            await page.wait_for_timeout(1000)
        await expect(ready).to_be_visible()
    await checks("register-pdf-ready")

    download = page.get_by_role("link", name=re.compile(rf"^Download {title} \(PDF, "))
    href = await download.get_attribute("href")
    assert href is not None
    response = await page.request.get(href)
    assert response.ok
    assert f"register-of-members-{TODAY}.pdf" in response.headers["content-disposition"]
    text = PdfReader(io.BytesIO(await response.body())).pages[0].extract_text()
    assert "Register of members" in text and "Grace Okafor" in text
