"""The trustees' pages: deciding applications with and without htmx, and the register."""

from __future__ import annotations

import re

from coop.application import Coop
from tests.people import details
from tests.web.helpers import open_trustee, post_form, sign_in


async def signed_in_trustee(client, coop: Coop) -> None:
    done = open_trustee(coop)
    await client.app.state["services"].seen(done.position, "accounts")
    await sign_in(client, "grace.okafor@example.org")


async def applicant(client, coop: Coop, name: str) -> str:
    done = coop.apply_for_membership(details(name))
    await client.app.state["services"].seen(done.position, "members")
    return str(done.subject)


async def test_applications_are_listed_oldest_first_with_what_trustees_need(
    client, coop: Coop
) -> None:
    await signed_in_trustee(client, coop)
    await applicant(client, coop, "Amira Hassan")
    await applicant(client, coop, "Tom Whitfield")
    page = await client.get("/trustees/applications")
    assert page.text.index("Amira Hassan") < page.text.index("Tom Whitfield")
    assert "There are 2 applications" in page.text
    assert "Someone who uses care" in page.text and "LS8 2AB" in page.text


async def test_admitting_with_htmx_returns_the_decided_card_and_announces_it(
    client, coop: Coop
) -> None:
    await signed_in_trustee(client, coop)
    member_id = await applicant(client, coop, "Amira Hassan")
    response = await post_form(
        client,
        f"/trustees/applications/{member_id}/admit",
        {"minute_reference": "B2026-11 item 4"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="applicant-{member_id}"' in response.text
    assert "Amira Hassan is now member number 1" in response.text
    assert 'hx-swap-oob="innerHTML:#status-announcer"' in response.text
    assert (
        'id="applications-count" hx-swap-oob="true">There are no more applications' in response.text
    )
    assert "<html" not in response.text  # a fragment, not a page


async def test_admitting_without_a_minute_reference_explains_and_changes_nothing(
    client, coop: Coop, pool
) -> None:
    await signed_in_trustee(client, coop)
    member_id = await applicant(client, coop, "Amira Hassan")
    before = await pool.fetchval("SELECT count(*) FROM coop_events")
    page = await post_form(
        client, f"/trustees/applications/{member_id}/admit", {"minute_reference": " "}
    )
    assert page.status_code == 422
    assert "Error: Applications waiting for a decision" in page.text
    assert f'href="#minute_reference-{member_id}"' in page.text
    fragment = await post_form(
        client,
        f"/trustees/applications/{member_id}/admit",
        {"minute_reference": ""},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 422
    assert "Enter the board minute reference for this decision" in fragment.text
    assert await pool.fetchval("SELECT count(*) FROM coop_events") == before


async def test_refusing_needs_a_reason_and_a_minute(client, coop: Coop, pool) -> None:
    await signed_in_trustee(client, coop)
    member_id = await applicant(client, coop, "Brian Staples")
    form = await client.get(f"/trustees/applications/{member_id}/refuse")
    assert '<h1 class="govuk-heading-l">Refuse Brian Staples\'s application</h1>' in form.text
    assert "<title>Refuse Brian Staples's application – coop</title>" in form.text
    empty = await post_form(
        client, f"/trustees/applications/{member_id}/refuse", {"reason": "", "minute_reference": ""}
    )
    assert empty.status_code == 422
    assert "Enter the reason the application is refused" in empty.text
    done = await post_form(
        client,
        f"/trustees/applications/{member_id}/refuse",
        {"reason": "Not a PA for any member", "minute_reference": "B2026-11 item 5"},
    )
    assert done.status_code == 303
    after = await client.get(done.headers["location"])
    assert "Brian Staples's application was refused" in after.text
    assert await pool.fetchval("SELECT refusal_reason FROM members") == "Not a PA for any member"


async def test_deciding_twice_is_explained(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    member_id = await applicant(client, coop, "Amira Hassan")
    await post_form(client, f"/trustees/applications/{member_id}/admit", {"minute_reference": "B1"})
    again = await post_form(
        client, f"/trustees/applications/{member_id}/admit", {"minute_reference": "B1"}
    )
    assert again.status_code == 422
    assert "already been decided: the applicant was admitted" in again.text


async def test_deciding_an_unknown_application_is_not_found(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    response = await post_form(
        client,
        "/trustees/applications/00000000-0000-0000-0000-000000000000/admit",
        {"minute_reference": "B1"},
    )
    assert response.status_code == 404


async def test_the_register_lists_admitted_members_by_number(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    ids = [
        await applicant(client, coop, n) for n in ("Amira Hassan", "Tom Whitfield", "Brian Staples")
    ]
    for member_id in (ids[1], ids[0]):
        await post_form(
            client, f"/trustees/applications/{member_id}/admit", {"minute_reference": "B1"}
        )
    register = await client.get("/register")
    rows = re.findall(
        r'numeric">(\d+)</td>\s*<th scope="row" class="govuk-table__header">([^<]+)</th>',
        register.text,
    )
    assert rows == [("1", "Tom Whitfield"), ("2", "Amira Hassan")]
    assert "Brian Staples" not in register.text
    assert "£1.00" in register.text


async def test_pages_carry_security_headers_and_are_never_cached(client) -> None:
    page = await client.get("/apply")
    csp = page.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp
        and "frame-ancestors 'none'" in csp
    )
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers.get_list("cache-control") == ["no-store"]  # once, not repeated
    missing = await client.get("/no-such-page")
    assert missing.status_code == 404 and missing.headers["content-security-policy"] == csp
    assert "Page not found" in missing.text
    static = await client.get("/static/coop.css")
    assert static.status_code == 200 and static.headers.get("cache-control") != "no-store"
