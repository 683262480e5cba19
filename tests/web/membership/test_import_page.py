"""The import page: check a file (a dry run), then import it, without choosing it again."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from uuid import uuid4

import asyncpg
from httpx import AsyncClient, Response

from coop.application import Coop
from coop.domain.membership.csv_register import MAX_BYTES
from tests.domain.membership.csv_helpers import ROWS, csv_bytes, with_row
from tests.web.helpers import csrf, open_trustee, post_form, sign_in


async def trustee(client: AsyncClient, coop: Coop, email: str = "grace.okafor@example.org") -> None:
    name = " ".join(part.capitalize() for part in email.split("@")[0].split("."))
    done = open_trustee(coop, email=email, name=name)
    await client.app.state["services"].seen(done.position, "accounts")  # type: ignore[attr-defined]
    assert (await sign_in(client, email)).status_code == 303


async def upload(
    client: AsyncClient, data: bytes, filename: str = "members.csv", token: str | None = None
) -> Response:
    return await client.post(
        "/trustees/import",
        data={"_csrf_token": token or await csrf(client), "action": "check"},
        files={"file": (filename, data, "text/csv")},
    )


def import_form(page: Response) -> dict[str, Any]:
    """What the page's "Import these members" button sends."""
    found = dict(
        re.findall(r'<input type="hidden" name="(upload|key)" value="([^"]*)">', page.text)
    )
    assert set(found) == {"upload", "key"}, page.text
    return {**found, "action": "import"}


async def events(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM coop_events"))


async def test_checking_a_bad_file_lists_each_problem_by_line_and_column_and_saves_nothing(
    client, coop: Coop, pool
) -> None:
    await trustee(client, coop)
    before = await events(pool)
    bad = with_row(
        membership_number="6",
        name="Hannah Lewis",
        email="GRACE.OKAFOR@example.org",
        address="1 Leeds Road",
        member_class="carer",
        date_entered="31/02/2024",
    )
    page = await upload(client, csv_bytes(bad))
    assert page.status_code == 422
    assert "<title>Error: Import members from a spreadsheet – coop</title>" in page.text
    assert 'href="#file">members.csv has 2 problems' in page.text
    rows = re.findall(
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>\s*'
        r'<td class="govuk-table__cell">([a-z_]+)</td>\s*<td class="govuk-table__cell">([^<]*)</td>',
        page.text,
    )
    assert [(line, column) for line, column, _ in rows] == [("6", "email"), ("6", "date_entered")]
    assert "is also on line 2" in rows[0][2] and rows[1][2] == "31/02/2024 is not a real date"
    assert await events(pool) == before
    assert await pool.fetchval("SELECT count(*) FROM import_uploads") == 0


async def test_a_trustee_checks_a_file_then_imports_it_and_sees_the_members_on_the_register(
    client, coop: Coop, pool
) -> None:
    await trustee(client, coop)
    checked = await upload(client, csv_bytes(bom=True))
    assert checked.status_code == 200, checked.text
    assert "Ready to import 4 members (0 already in coop)" in checked.text
    assert 'enctype="multipart/form-data"' not in checked.text  # the file is not asked for again
    imported = await post_form(client, "/trustees/import", import_form(checked))
    assert imported.status_code == 303
    done = await client.get(imported.headers["location"])
    assert "4 members imported" in done.text and 'href="/register"' in done.text
    register = await client.get("/register")
    assert "Łukasz Wójcik" in register.text and "Priya Raman" in register.text
    # The file's bytes are gone once imported; the counts stay for the confirmation page.
    row = await pool.fetchrow("SELECT data, imported FROM import_uploads")
    assert row["data"] is None and row["imported"] == 4


async def test_checking_a_file_already_imported_says_there_is_nothing_to_import(
    client, coop: Coop, pool
) -> None:
    await trustee(client, coop)
    first = await upload(client, csv_bytes())
    await post_form(client, "/trustees/import", import_form(first))
    after = await events(pool)
    again = await upload(client, csv_bytes())
    assert (
        "Nothing to import" in again.text
        and "All 4 members in members.csv are already" in again.text
    )
    assert "Import these members" not in again.text
    # Pressing the button again (say, after going back) changes nothing either.
    twice = await post_form(client, "/trustees/import", import_form(first))
    assert twice.status_code == 303
    done = await client.get(twice.headers["location"])
    assert "4 members imported" in done.text
    assert await events(pool) == after


async def test_the_import_button_pressed_twice_at_once_imports_once_and_confirms_both(
    client, coop: Coop, pool
) -> None:
    await trustee(client, coop)
    form = import_form(await upload(client, csv_bytes()))
    both = await asyncio.gather(*(post_form(client, "/trustees/import", form) for _ in range(2)))
    assert [r.status_code for r in both] == [303, 303]
    for response in both:
        assert "4 members imported" in (await client.get(response.headers["location"])).text


async def test_another_trustee_cannot_import_a_file_someone_else_checked(
    client, coop: Coop, pool
) -> None:
    await trustee(client, coop)
    checked = await upload(client, csv_bytes())
    form = import_form(checked)
    await post_form(client, "/sign-out", {})
    await trustee(client, coop, "marcus.boateng@example.org")
    before = await events(pool)
    page = await post_form(client, "/trustees/import", form)
    assert page.status_code == 422 and "Choose the file again" in page.text
    assert await events(pool) == before


async def test_a_forged_upload_or_key_is_refused_and_changes_nothing(
    client, coop: Coop, pool
) -> None:
    await trustee(client, coop)
    form = import_form(await upload(client, csv_bytes()))
    before = await events(pool)
    for forged in (
        {**form, "upload": "../../etc/passwd"},
        {**form, "upload": str(uuid4())},
        {**form, "key": "AAAA"},
        {**form, "key": "not base64 at all!"},
        {"action": "import"},
    ):
        page = await post_form(client, "/trustees/import", forged)
        assert page.status_code == 422, forged
        assert 'href="#file">Choose the file again' in page.text
    assert await events(pool) == before


async def test_a_file_over_the_limit_gets_a_specific_message(client, coop: Coop, pool) -> None:
    await trustee(client, coop)
    token = await csrf(client)
    just_over = csv_bytes() + b"\n" * (MAX_BYTES + 1 - len(csv_bytes()))
    page = await upload(client, just_over, token=token)
    assert (
        page.status_code == 422 and "The file is 5.0 MB: coop imports files up to 5 MB" in page.text
    )
    huge = await upload(client, b"x" * (MAX_BYTES * 2), token=token)
    assert huge.status_code == 303
    page = await client.get(huge.headers["location"])
    assert "Error: Import members" in page.text
    assert "The file is larger than 5 MB: split it into smaller files" in page.text
    assert await pool.fetchval("SELECT count(*) FROM import_uploads") == 0


async def test_a_file_not_saved_as_utf8_says_how_to_save_it(client, coop: Coop) -> None:
    await trustee(client, coop)
    page = await upload(client, csv_bytes(ROWS).decode().encode("cp1252", errors="replace"))
    assert page.status_code == 422
    assert "not saved as CSV UTF-8" in page.text and "CSV UTF-8 (Comma delimited)" in page.text
    assert "<table" not in page.text  # a problem with the whole file: no table


async def test_checking_without_a_file_asks_for_one(client, coop: Coop) -> None:
    await trustee(client, coop)
    page = await post_form(client, "/trustees/import", {"action": "check"})
    assert page.status_code == 422 and 'href="#file">Choose a CSV file to check' in page.text


async def test_an_upload_without_the_csrf_token_is_refused(client, coop: Coop, pool) -> None:
    await trustee(client, coop)
    page = await client.post(
        "/trustees/import", data={"action": "check"}, files={"file": ("m.csv", csv_bytes())}
    )
    assert page.status_code == 403
    assert await pool.fetchval("SELECT count(*) FROM import_uploads") == 0


async def test_the_import_page_is_a_gov_uk_file_upload_that_works_without_javascript(
    client, coop: Coop
) -> None:
    await trustee(client, coop)
    page = await client.get("/trustees/import")
    assert (
        '<form method="post" action="/trustees/import" enctype="multipart/form-data"' in page.text
    )
    assert 'class="govuk-file-upload" id="file" name="file" type="file"' in page.text
    assert '<label class="govuk-label govuk-label--m" for="file">' in page.text
    assert 'name="_csrf_token"' in page.text and "Check the file" in page.text
