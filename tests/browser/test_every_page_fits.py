"""Every page a person can open from the menu's world fits the screen: at 320 and 1280 CSS
pixels nothing is cut off and the page never scrolls sideways (a wide table scrolls
inside its own labelled region, which WCAG 1.4.10 allows for data tables).

The pages are every GET route of the app that needs no reference in its address and
is not a download, visited by a staff member with every office (trustee, coordinator,
treasurer), a PA and a user of a small care co-op.
"""

from __future__ import annotations

import pytest
from litestar.routes import HTTPRoute
from playwright.async_api import Page

from coop.application import Coop
from coop.config import Settings
from coop.domain.accounts import Role
from coop.web.accounts.passwords import hash_password
from coop.web.app import create_app
from tests.app.care.leeds import leeds
from tests.browser.helpers import Checks, Problems, Server, assert_fits, caught_up, sign_in
from tests.web.helpers import TRUSTEE_PASSWORD

pytestmark = pytest.mark.browser

STAFF = "office@example.org"
_NOT_PAGES = (".csv", ".pdf", ".ics", ".txt", ".json", ".blt", ".pb")


def pages() -> list[str]:
    """Every page's address that names nothing: GET, not the API, not a download."""
    app = create_app(Settings(secret_key="x"), "postgresql://unused/unused")
    found = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "GET" not in route.methods:
            continue
        path = route.path
        if "{" in path or path.startswith(("/api", "/static")) or path.endswith(_NOT_PAGES):
            continue
        if path in ("/sign-in", "/password-reset", "/apply"):
            continue  # signed-in people are sent on; these are checked signed out elsewhere
        found.add(path)
    return sorted(found)


async def test_every_page_fits_320_and_1280_pixels(
    page: Page,
    checks: Checks,
    problems: Problems,
    coop: Coop,
    app_server: Server,
    javascript: bool,
) -> None:
    if not javascript:
        pytest.skip("the layout is the same without JavaScript; once is enough")
    password = hash_password(TRUSTEE_PASSWORD)
    leeds(coop, password_hash=password)
    coop.open_account(
        name="Olu Bello",
        email=STAFF,
        password_hash=password,
        roles=(Role.MEMBER, Role.TRUSTEE, Role.COORDINATOR, Role.TREASURER),
    )
    await caught_up(app_server, coop.recorder.max_notification_id() or 0)
    problems.expected |= {403, 404}  # pages that are not this person's are passed over
    for who in (STAFF, "ewan@example.org", "grace@example.org"):  # the office, a PA, a user
        await page.context.clear_cookies()
        await page.set_viewport_size({"width": 1280, "height": 800})
        await sign_in(page, checks, who)
        seen = 0
        for path in pages():
            answer = await page.goto(path)
            assert answer is not None
            if answer.status in (403, 404):
                continue  # not this person's page
            assert answer.status == 200, (who, path, answer.status)
            seen += 1
            for width in (320, 1280):
                await page.set_viewport_size({"width": width, "height": 800})
                await assert_fits(page, width, f"{path} (as {who})")
        assert seen >= 10, who
