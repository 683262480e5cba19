"""A trustee imports the old register in a browser: check, fix, import (JavaScript on and off)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from coop.application import Coop
from tests.browser.helpers import Checks, Server, caught_up, sign_in
from tests.domain.membership.csv_helpers import csv_bytes, with_row
from tests.web.helpers import open_trustee

pytestmark = pytest.mark.browser

TRUSTEE = "grace.okafor@example.org"


async def test_a_trustee_checks_a_file_sees_its_problems_then_imports_a_good_one(
    page: Page, checks: Checks, coop: Coop, app_server: Server, tmp_path: Path
) -> None:
    done = open_trustee(coop, TRUSTEE, "Grace Okafor")
    await caught_up(app_server, done.position)
    bad = tmp_path / "old register.csv"
    bad.write_bytes(
        csv_bytes(
            with_row(
                membership_number="6",
                name="Hannah Lewis",
                address="1 Leeds Road",
                member_class="carer",
                date_entered="31/02/2024",
            )
        )
    )
    good = tmp_path / "members.csv"
    good.write_bytes(csv_bytes())
    await sign_in(page, checks, TRUSTEE)
    await page.goto("/trustees/import")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import members from a spreadsheet"
    )
    await checks("import")

    await page.get_by_label("Upload the register").set_input_files(bad)
    await page.get_by_role("button", name="Check the file").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("old register.csv has 1 problem")
    await expect(page).to_have_title(re.compile(r"^Error: "))
    table = page.get_by_role("table")
    await expect(table.get_by_role("row").nth(1)).to_contain_text(
        "6 date_entered 31/02/2024 is not a real date"
    )
    await checks("import-problems")
    await summary.get_by_role("link").click()
    await expect(page.get_by_label("Upload the register")).to_be_focused()

    await page.get_by_label("Upload the register").set_input_files(good)
    await page.get_by_role("button", name="Check the file").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ready to import 4 members (0 already in coop)"
    )
    await checks("import-check")
    await page.get_by_role("button", name="Import these members").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("4 members imported")
    await checks("import-done")
    await page.get_by_role("link", name="See the register of members").click()
    await expect(page.get_by_role("row", name=re.compile("Łukasz Wójcik"))).to_be_visible()
