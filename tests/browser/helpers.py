"""What every browser test checks on every page, and a few ways to look inside one."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from axe_playwright_python.async_playwright import Axe
from axe_playwright_python.base import AXE_SCRIPT
from playwright.async_api import (
    ConsoleMessage,
    Locator,
    Page,
    Request,
    Response,
    WebError,
    expect,
)

from coop.projections.runner import ALL
from coop.projections.waiting import ProjectionWaiter
from tests.web.helpers import TRUSTEE_PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "screenshots"
AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],  # axe skips the detail of passes; violations are complete
}
_FORM_REDISPLAYED = re.compile(r"^Failed to load resource: .* status of 422\b")
# With JavaScript off, Chromium runs no timers, not even in an isolated world;
# axe waits on setTimeout, so there it runs on microtasks instead.
_TIMERS_ON_MICROTASKS = (
    "window.setTimeout = (fn, ms, ...args) => { Promise.resolve().then(() => fn(...args)); return 0; };"
    "window.clearTimeout = () => {};"
)


# The page's scrolling width, and the widest right edge of anything shown in it (with
# what that is, to find it).
WIDTHS = """(() => {
  // What scrolls inside its own box (a wide table in its wrapper, as WCAG 1.4.10
  // allows for data tables) is measured by that box, not by what it holds.
  const scrolls = (e) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const inScroller = (e) => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p)) return true;
    }
    return false;
  };
  const shown = [...document.querySelectorAll("body *")]
    .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
    .filter((e) => !inScroller(e));
  const widest = shown.reduce((a, e) =>
    e.getBoundingClientRect().right > a.getBoundingClientRect().right ? e : a, document.body);
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  return {
    scroll: document.documentElement.scrollWidth,
    widest: widest.getBoundingClientRect().right,
    element: name(widest) + " in " + name(widest.parentElement),
  };
})()"""


@dataclass(frozen=True)
class Server:
    """A running ``coop serve``: where it answers, and its database."""

    url: str
    db_url: str


async def caught_up(server: Server, position: int) -> None:
    """Wait (on the worker's NOTIFY) until the server's projections have applied ``position``."""
    pool = await asyncpg.create_pool(server.db_url, min_size=1, max_size=1)
    waiter = ProjectionWaiter(server.db_url, pool)
    try:
        await waiter.start()
        # Generous: it returns as soon as reached, and CI runs two workers on two cores.
        reached = await waiter.wait_for(position, [p.name for p in ALL], timeout=60)
    finally:
        await waiter.stop()
        await pool.close()
    assert reached, f"the projections did not reach position {position}"


async def inspect(page: Page, expression: str) -> Any:
    """Evaluate ``expression`` in an isolated world of the page's main frame.

    It sees the page's DOM but none of its scripts, and it works with
    JavaScript turned off, where ``page.evaluate`` never returns.
    """
    cdp = await page.context.new_cdp_session(page)
    try:
        tree = await cdp.send("Page.getFrameTree")
        world = await cdp.send(
            "Page.createIsolatedWorld",
            {"frameId": tree["frameTree"]["frame"]["id"], "worldName": "coop-tests"},
        )
        answer = await cdp.send(
            "Runtime.evaluate",
            {
                "expression": expression,
                "contextId": world["executionContextId"],
                "returnByValue": True,
                "awaitPromise": True,
            },
        )
    finally:
        await cdp.detach()
    if "exceptionDetails" in answer:
        raise AssertionError(f"{expression[:80]!r} failed: {answer['exceptionDetails']}")
    return answer["result"].get("value")


async def axe_violations(page: Page, javascript: bool) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now."""
    if javascript:
        results = await Axe().run(page, options=AXE_OPTIONS)
        return list(results.response["violations"])
    run = f"{_TIMERS_ON_MICROTASKS}{AXE_SCRIPT}\n;axe.run(document, {json.dumps(AXE_OPTIONS)})"
    results = await inspect(page, run)
    return list(results["violations"])


async def assert_no_axe_violations(page: Page, javascript: bool) -> None:
    """Zero axe violations for WCAG 2.2 A and AA and best practice; else say each one."""
    violations = await axe_violations(page, javascript)
    if violations:
        lines = [f"axe found {len(violations)} violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"]:
                lines.append(f"    at {node['target']}: {node.get('failureSummary', '')}")
        message = "\n".join(lines)
        print(message)
        raise AssertionError(message)


@dataclass
class Problems:
    """What went wrong in the browser, as it happened."""

    seen: list[str] = field(default_factory=list)
    # Statuses a test asks for on purpose (its "page not found" page, say).
    expected: set[int] = field(default_factory=set)
    # Files sent as attachments: Chromium ends such a navigation as ERR_ABORTED by design.
    downloads: set[str] = field(default_factory=set)

    def console(self, message: ConsoleMessage) -> None:
        if _FORM_REDISPLAYED.match(message.text) or (
            self.expected and "Failed to load resource" in message.text
        ):
            return  # Chromium logs every 4xx; `response` below judges statuses
        if message.type == "error" or "Content Security Policy" in message.text:
            self.seen.append(f"console {message.type}: {message.text} ({message.location})")

    def failed(self, request: Request) -> None:
        if request.failure == "net::ERR_ABORTED" and request.resource_type != "document":
            return  # the page navigated on before a sub-resource (say the favicon) arrived
        if request.failure == "net::ERR_ABORTED" and request.url in self.downloads:
            return  # a download: the page stays where it was
        self.seen.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def response(self, response: Response) -> None:
        if response.headers.get("content-disposition", "").startswith("attachment"):
            self.downloads.add(response.url)
        # 422 is a form re-rendered with its errors; any other 4xx or 5xx is a fault.
        if (
            response.status >= 400
            and response.status != 422
            and response.status not in self.expected
        ):
            self.seen.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def web_error(self, error: WebError) -> None:
        self.seen.append(f"uncaught error: {error.error}")

    def assert_none(self) -> None:
        assert not self.seen, "problems in the browser:\n" + "\n".join(self.seen)


@dataclass
class Checks:
    """What every page must pass, each time a test looks at one."""

    page: Page
    problems: Problems
    javascript: bool

    async def __call__(self, screenshot: str | None = None, *, full_page: bool = True) -> None:
        """No problems so far and no axe violations; ``screenshot`` names a picture to save."""
        self.problems.assert_none()
        await assert_no_axe_violations(self.page, self.javascript)
        if screenshot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            suffix = "js" if self.javascript else "no-js"
            path = SCREENSHOTS / f"{screenshot}-{suffix}.png"
            await self.page.screenshot(path=path, full_page=full_page)


async def sign_in(page: Page, checks: Checks, email: str, password: str = TRUSTEE_PASSWORD) -> None:
    """Sign in from the home page as a person would, pasting the password."""
    await page.goto("/")
    await checks()
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    await checks("sign-in")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).focus()
    await page.keyboard.insert_text(password)  # what a paste or a password manager does
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_text(re.compile(r"^Signed in as"))).to_be_visible()


async def tab_to(page: Page, target: Locator, *, presses: int = 80) -> None:
    """Press Tab until ``target`` has focus, as a keyboard user moves; never click."""
    for _ in range(presses):
        await page.keyboard.press("Tab")
        if await target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


async def skip_to_content(page: Page) -> None:
    """Follow the skip link, first on the page, past the header and navigation."""
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    await page.keyboard.press("Enter")


async def retype(page: Page, text: str) -> None:
    """Replace what the focused field holds, by keyboard."""
    await page.keyboard.press("ControlOrMeta+A")
    await page.keyboard.type(text)


async def assert_error_summary_focused(page: Page, title: str, message: str) -> Locator:
    """The page says ``Error:`` in its title, its error summary has focus and says
    ``message`` as a link; returns that link."""
    await expect(page).to_have_title(f"Error: {title} – coop")
    focused = "document.activeElement.closest('.govuk-error-summary') !== null"
    assert await inspect(page, focused), "focus is not on the error summary"
    link = page.locator(".govuk-error-summary").get_by_role("link", name=message)
    await expect(link).to_be_visible()
    return link


def trustees_link(page: Page, name: str) -> Locator:
    """A link on the Trustees page (the menu's "Trustees"), where trustees' pages are listed."""
    return page.get_by_role("main").get_by_role("link", name=name, exact=True)


async def open_trustees_page(page: Page, name: str, *, keyboard: bool = False) -> None:
    """Go to one of the trustees' pages through the menu's "Trustees" page: by clicking, or
    by Tab and Enter alone."""
    menu = page.get_by_role("navigation", name="Main").get_by_role("link", name="Trustees")
    if keyboard:
        await tab_to(page, menu)
        await page.keyboard.press("Enter")
        await tab_to(page, trustees_link(page, name))
        await page.keyboard.press("Enter")
    else:
        await menu.click()
        await trustees_link(page, name).click()


async def assert_fits(page: Page, width: int, where: str = "") -> None:
    """Nothing on the page is cut off at ``width`` CSS pixels, and it does not scroll
    sideways (WCAG 1.4.10)."""
    where = where or page.url
    widths = await inspect(page, WIDTHS)
    assert widths["scroll"] <= width, f"{where} scrolls sideways at {width}px: {widths}"
    assert widths["widest"] <= width, f"something on {where} is cut off at {width}px: {widths}"
