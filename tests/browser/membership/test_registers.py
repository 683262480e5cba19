"""A trustee reads the registers in a browser: as at a past date chosen by keyboard alone,
an impossible date explained, the downloads named for screen readers, and reflow at 320px.

One journey (run with JavaScript on and off), so the server and sign-in are shared.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid4

import pytest
from playwright.async_api import Locator, Page, expect

from coop.application import Coop
from coop.clock import UK, FixedClock
from coop.domain.membership.member_details import Cessation, Office
from coop.domain.membership.members import MemberClass
from coop.web.accounts.passwords import hash_password
from tests.browser.helpers import Checks, Server, caught_up, inspect, open_trustees_page, sign_in
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD

pytestmark = pytest.mark.browser

GRACE = "grace.okafor@example.org"
TODAY = datetime.now(UK).date()  # the server runs on the real clock
APPOINTED = TODAY - timedelta(days=70)
AMIRA_JOINED = TODAY - timedelta(days=49)
AS_AT = TODAY - timedelta(days=30)  # the date the trustee asks for
EWAN_JOINED = TODAY - timedelta(days=21)
AMIRA_LEFT = TODAY - timedelta(days=7)
BOARD = uuid4()

# Anything shown outside the table's own scrolling region that pokes out past the edge.
CUT_OFF_OUTSIDE_TABLE = """Math.max(0, ...[...document.querySelectorAll("body *")]
  .filter((e) => !e.closest(".coop-table-wrapper") && e.getClientRects().length
    && getComputedStyle(e).visibility !== "hidden")
  .map((e) => e.getBoundingClientRect().right))"""


@pytest.fixture
def clock() -> FixedClock:
    """Commands made here are dated on the real clock's days, as the server's are."""
    return FixedClock(datetime.now(UTC))


def long_date(d: date) -> str:
    return f"{d:%-d %B %Y}"


def on(clock: FixedClock, day: date) -> None:
    clock.set(datetime.combine(day, time(12), tzinfo=UTC))


def joined(coop: Coop, clock: FixedClock, day: date, name: str, **overrides: object) -> UUID:
    on(clock, day)
    member_id = coop.apply_for_membership(details(name, **overrides)).subject
    coop.admit(member_id, by=BOARD, minute_reference=f"B{day:%Y-%m} item 2")
    return member_id


async def a_coop_with_some_history(coop: Coop, clock: FixedClock, app_server: Server) -> None:
    """Grace joins and becomes a trustee; Amira joins, then Ewan; Amira leaves last week."""
    grace = joined(coop, clock, APPOINTED, "Grace Okafor")
    coop.take_office(grace, Office.TRUSTEE, by=BOARD, reference="AGM 2026 resolution 3")
    amira = joined(coop, clock, AMIRA_JOINED, "Amira Hassan")
    joined(
        coop,
        clock,
        EWAN_JOINED,
        "Ewan McAllister",
        requested_class=MemberClass.PA,
        address="2 Harehills Lane\nLeeds",
        postcode="LS9 6AB",
    )
    on(clock, AMIRA_LEFT)
    coop.cease(amira, Cessation.WITHDRAWAL, on=AMIRA_LEFT, by=BOARD, reference="Letter")
    clock.set(datetime.now(UTC))
    done = coop.open_account(
        name="Grace Okafor",
        email=GRACE,
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(),
        member_id=grace,
    )
    await caught_up(app_server, done.position)


async def tab_to(page: Page, target: Locator) -> None:
    """Press Tab, and only Tab, until ``target`` has focus."""
    for _ in range(40):
        await page.keyboard.press("Tab")
        if await target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


async def expect_downloads(page: Page, path: str, what: str, as_at: date) -> None:
    """The spreadsheet's link and the PDF's button, each saying which register and which
    date to a screen reader (the PDF is made in the background: test_register_pdfs.py)."""
    # The visually hidden part is positioned, so Chromium puts a space before its comma.
    link = page.get_by_role(
        "link", name=re.compile(rf"^spreadsheet \(CSV\)\s?, {what} as at {long_date(as_at)}$")
    )
    await expect(link).to_have_count(1)
    await expect(link).to_have_attribute("href", f"{path}.csv?as_at={as_at.isoformat()}")
    await expect(link).to_have_attribute("download", "")
    button = page.get_by_role(
        "button", name=re.compile(rf"^Make a PDF\s+of the {what} as at {long_date(as_at)}$")
    )
    await expect(button).to_have_count(1)
    form = page.locator("form", has=button)
    await expect(form).to_have_attribute("action", f"{path}.pdf?as_at={as_at.isoformat()}")
    await expect(form).to_have_attribute("method", "post")


async def test_a_trustee_reads_the_registers_as_at_a_date_chosen_by_keyboard(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    await a_coop_with_some_history(coop, clock, app_server)
    await sign_in(page, checks, GRACE)
    await open_trustees_page(page, "Register of members")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Register of members")
    await expect(page).to_have_title("Register of members – coop")
    table = page.get_by_role("table")
    await expect(table.locator("caption")).to_have_text(
        f"As at {long_date(TODAY)}: 2 members, 1 former"
    )
    await expect(page.get_by_role("row", name=re.compile("Amira Hassan"))).to_contain_text(
        f"{AMIRA_LEFT:%-d %b %Y} (withdrawal)"
    )
    await expect_downloads(page, "/register", "register of members", TODAY)
    await checks("register-today")

    # Keyboard alone: Tab to each part of the date, type it, and press Enter on the button.
    when = page.get_by_role("group", name="Show the register as it stood on")
    await expect(when).to_have_accessible_description(re.compile(r"^For example, 31 3 2025"))
    await tab_to(page, when.get_by_label("Day"))
    await page.keyboard.type(str(AS_AT.day))
    for part, value in (("Month", AS_AT.month), ("Year", AS_AT.year)):
        await page.keyboard.press("Tab")
        await expect(when.get_by_label(part)).to_be_focused()
        await page.keyboard.type(str(value))
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Show the register")).to_be_focused()
    await page.keyboard.press("Enter")

    await expect(table.locator("caption")).to_have_text(
        f"As at {long_date(AS_AT)}: 2 members, 0 former"
    )
    await expect(page).to_have_url(
        re.compile(rf"/register\?day={AS_AT.day}&month={AS_AT.month}&year={AS_AT.year}$")
    )
    await expect(
        page.get_by_role("region", name=re.compile(rf"^As at {long_date(AS_AT)}"))
    ).to_be_visible()
    rows = table.locator("tbody").get_by_role("row")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(0)).to_contain_text("Grace Okafor")
    amira = page.get_by_role("row", name=re.compile("Amira Hassan"))
    await expect(amira.get_by_role("cell").last).to_have_text("")  # not ceased yet, then
    await expect(page.get_by_role("row", name=re.compile("Ewan McAllister"))).to_have_count(0)
    await expect(when.get_by_label("Day")).to_have_value(str(AS_AT.day))  # the answer is kept
    await expect(when.get_by_label("Year")).to_have_value(str(AS_AT.year))
    await expect_downloads(page, "/register", "register of members", AS_AT)
    await checks("register-as-at")
    # The spreadsheet link gives that date's register (fetched, not saved by the browser).
    csv_href = await page.get_by_role(
        "link", name=re.compile(r"^spreadsheet \(CSV\)")
    ).get_attribute("href")
    assert csv_href is not None
    response = await page.request.get(csv_href)
    assert response.ok
    assert f"register-of-members-{AS_AT}.csv" in response.headers["content-disposition"]
    body = (await response.body()).decode("utf-8-sig")
    assert "Amira Hassan" in body and "Ewan" not in body

    # At 320px nothing but the table's own region scrolls sideways, and that takes focus.
    await page.set_viewport_size({"width": 320, "height": 640})
    assert await inspect(page, "document.documentElement.scrollWidth") <= 320
    assert await inspect(page, CUT_OFF_OUTSIDE_TABLE) <= 320
    assert await inspect(
        page,
        "(e => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto')"
        "(document.querySelector('.coop-table-wrapper'))",
    ), "the register does not scroll in its own region"
    await tab_to(page, page.get_by_role("region", name=re.compile(r"^As at ")))
    await page.keyboard.press("ArrowRight")  # a keyboard user scrolls it
    for _ in range(20):  # scrolling may be smooth: give it a moment
        if await inspect(page, "document.querySelector('.coop-table-wrapper').scrollLeft") > 0:
            break
        await page.wait_for_timeout(50)
    else:
        raise AssertionError("the arrow key did not scroll the register")
    await checks("register-320px")
    await page.set_viewport_size({"width": 1280, "height": 720})

    # An impossible date: the same page again, with the problem said and focus on it.
    await when.get_by_label("Day").fill("31")
    await when.get_by_label("Month").fill("2")
    await when.get_by_label("Year").fill("2026")
    await page.get_by_role("button", name="Show the register").click()

    message = "The date must be a real date"
    await expect(page).to_have_title("Error: Register of members – coop")
    summary = page.locator(".govuk-error-summary")
    await expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert await inspect(page, "document.activeElement.closest('.govuk-error-summary') !== null"), (
        "focus is not on the error summary"
    )
    await expect(when).to_have_accessible_description(re.compile(rf"Error:\s+{message}$"))
    for part, value in (("Day", "31"), ("Month", "2"), ("Year", "2026")):
        await expect(when.get_by_label(part)).to_have_value(value)
    # Still today's register below the question, with today's downloads.
    await expect(page.get_by_role("table").locator("caption")).to_have_text(
        re.compile(rf"^As at {long_date(TODAY)}:")
    )
    await expect_downloads(page, "/register", "register of members", TODAY)
    await checks("register-impossible-date")
    link = summary.get_by_role("link", name=message)
    await expect(link).to_have_attribute("href", "#day")
    await link.click()
    await expect(when.get_by_label("Day")).to_be_focused()

    await page.goto("/trustees-register")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Register of trustees")
    await expect(page).to_have_title("Register of trustees – coop")
    table = page.get_by_role("region", name=re.compile(r"^As at "))
    await expect(table.locator("caption")).to_have_text(
        f"As at {long_date(TODAY)}: 1 trustee in office"
    )
    grace = table.get_by_role("row", name=re.compile("Grace Okafor"))
    await expect(grace.get_by_role("cell")).to_have_text(
        [
            "1",
            re.compile(r"^14 Roundhay Road\W+Leeds\W+LS8 2AB$"),  # line by line, or by commas
            "Trustee",
            f"{APPOINTED:%-d %b %Y}",
            "AGM 2026 resolution 3",
            "",
            "",
        ]
    )
    await expect_downloads(page, "/trustees-register", "register of trustees", TODAY)
    await checks("trustees-register")

    before = APPOINTED - timedelta(days=1)
    when = page.get_by_role("group", name="Show the register as it stood on")
    await when.get_by_label("Day").fill(str(before.day))
    await when.get_by_label("Month").fill(str(before.month))
    await when.get_by_label("Year").fill(str(before.year))
    await page.get_by_role("button", name="Show the register").click()
    await expect(
        page.get_by_text(f"No trustee had been appointed by {long_date(before)}.")
    ).to_be_visible()
    await expect(page.get_by_role("table")).to_have_count(0)
    await expect_downloads(page, "/trustees-register", "register of trustees", before)
    await checks("trustees-register-empty")
