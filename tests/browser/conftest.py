"""Browser tests: the real app in its own process, driven by Debian's Chromium.

Each test gets a fresh database (``db_url``), a ``coop serve`` process on a
free loopback port, and a browser context with JavaScript on or off
(``javascript`` is parametrized, so every journey runs both ways). Tests call
``checks()`` on every page they visit (see ``helpers.Checks``), and the
context fails the test at the end if anything went wrong in the browser.

Playwright's async API is used, not pytest-playwright's sync fixtures: a
running sync Playwright marks its event loop as running in the main thread,
which breaks ``asyncio.run`` in our database fixtures and pytest-asyncio's
session loop in the other test packages. The async API shares that loop.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.browser.helpers import Checks, Problems, Server
from tests.conftest import SECRET

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30
# The page reports what its CSP blocks; Chromium also logs each violation to
# the console, which covers contexts without JavaScript.
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` in ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});
"""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"the browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, headless (Playwright's own download does not work here)."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(scope="session")
async def browser(browser_type_launch_args: dict[str, Any]) -> AsyncIterator[Browser]:
    """One Chromium for the whole session."""
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(**browser_type_launch_args)
        yield launched
        await launched.close()


# --- the app under test ------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_serving(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Return once GET / answers; fail with the server's log if it never does."""
    with httpx.Client(timeout=2) as client:
        for _ in range(STARTUP_SECONDS * 20):
            with contextlib.suppress(httpx.TransportError):
                if client.get(url + "/").status_code == 200:
                    return
            # Waiting on the process doubles as the pause between attempts.
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.05)
                break
    raise RuntimeError(f"coop serve did not start at {url}:\n{log.read_text()}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def app_server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    """``python -m coop.cli serve`` on this test's database, stopped at teardown."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "COOP_HOST": "127.0.0.1",
        "COOP_PORT": str(port),
        "COOP_DATA_DIR": str(tmp_path / "data"),
        "COOP_SECRET_KEY": SECRET,  # the key the `coop` fixture signs its claims with
        "COOP_DB_POOL_SIZE": "4",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "coop.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_serving(proc, url, log)
            yield Server(url, db_url)
        finally:
            _stop(proc)


# --- the browser -------------------------------------------------------------


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def javascript(request: pytest.FixtureRequest) -> bool:
    """Every journey runs with JavaScript on and off."""
    return bool(request.param)


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.fixture
async def context(
    browser: Browser, app_server: Server, javascript: bool, problems: Problems
) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile on the app under test, watched for problems."""
    ctx = await browser.new_context(
        base_url=app_server.url, java_script_enabled=javascript, locale="en-GB"
    )
    await ctx.add_init_script(REPORT_CSP)
    ctx.on("console", problems.console)
    ctx.on("requestfailed", problems.failed)
    ctx.on("response", problems.response)
    ctx.on("weberror", problems.web_error)
    try:
        yield ctx
    finally:
        await ctx.close()
    problems.assert_none()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


@pytest.fixture
def checks(page: Page, problems: Problems, javascript: bool) -> Checks:
    """Call on every page visited: no axe violations, nothing gone wrong."""
    return Checks(page, problems, javascript)
