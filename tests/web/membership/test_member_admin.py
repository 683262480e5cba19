"""Trustees administer members over HTTP: the list, the record, and each change to it."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.accounts import Role
from coop.domain.membership.member_details import Cessation, MemberClass, Office
from coop.infra.mail import outbox
from coop.web.accounts.passwords import hash_password
from tests.conftest import TODAY
from tests.people import details
from tests.web.accounts.outbox_helpers import another_browser
from tests.web.helpers import TRUSTEE_PASSWORD, open_trustee, post_form, sign_in

TRUSTEE = "grace.okafor@example.org"
UNKNOWN = "00000000-0000-0000-0000-000000000000"


async def signed_in_trustee(client, coop: Coop) -> UUID:
    done = open_trustee(coop, TRUSTEE)
    await client.app.state["services"].seen(done.position, "accounts")
    assert (await sign_in(client, TRUSTEE)).status_code == 303
    return done.subject


async def admitted(client, coop: Coop, name: str = "Amira Hassan", **overrides) -> UUID:
    member_id = coop.apply_for_membership(details(name, **overrides)).subject
    done = coop.admit(member_id, by=uuid4(), minute_reference="B2026-10 item 3")
    await client.app.state["services"].seen(done.position, "members")
    return member_id


async def settled(client, done) -> None:
    await client.app.state["services"].seen(done.position, "members", "accounts")


async def events(pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM coop_events")


async def done_and_shown(client, path: str, form: dict) -> str:
    """Post ``form``; expect the redirect to the record, and return the record page."""
    response = await post_form(client, path, form)
    assert response.status_code == 303, plain(response)
    record = await client.get(response.headers["location"])
    assert record.status_code == 200
    return plain(record)


def plain(response) -> str:
    """The page's text with HTML character references decoded."""
    return html.unescape(response.text)


def timeline_rows(page: str) -> list[tuple[str, str, str]]:
    table = page[page.index("What has happened, oldest first") :]
    cells = re.findall(r'<td class="govuk-table__cell">([^<]*)</td>', table)
    return [tuple(cells[i : i + 3]) for i in range(0, len(cells), 3)]  # type: ignore[misc]


def error_summary(page: str) -> list[str]:
    summary = page[page.index("There is a problem") :]
    summary = summary[: summary.index("</ul>")]
    return [html.unescape(e) for e in re.findall(r"<li>(?:<a [^>]*>)?([^<]+)", summary)]


# The list ------------------------------------------------------------------------


async def test_the_members_list_finds_current_and_former_members(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop, "Amira Hassan")
    await admitted(client, coop, "Ewan McAllister", requested_class=MemberClass.PA)
    priya = await admitted(client, coop, "Priya Raman", requested_class=MemberClass.CARER)
    await settled(client, coop.take_office(amira, Office.TRUSTEE, by=uuid4(), reference="AGM1"))
    await settled(client, coop.cease(priya, Cessation.WITHDRAWAL, on=TODAY, by=uuid4()))
    coop.apply_for_membership(details("Tom Whitfield"))  # an applicant is not a member yet

    page = await client.get("/trustees/members")
    assert page.status_code == 200
    assert "<title>Members – coop</title>" in plain(page)
    assert re.findall(
        r'numeric">(\d+)</td>\s*<th scope="row"[^>]*><a [^>]*>([^<]+)<', plain(page)
    ) == [
        ("1", "Amira Hassan"),
        ("2", "Ewan McAllister"),
        ("3", "Priya Raman"),
    ]
    assert f'href="/trustees/members/{amira}"' in plain(page)
    assert "Tom Whitfield" not in plain(page)
    assert ">Trustee</td>" in plain(page) and ">Former</td>" in plain(page)
    assert 'href="/register"' in plain(page) and 'href="/trustees-register"' in plain(page)
    assert 'href="/trustees" aria-current="true"' in plain(page)  # the section, in the menu

    for query, expected in [
        ("q=ewan", ["Ewan McAllister"]),
        ("q=3", ["Priya Raman"]),
        ("q=amira.hassan%40example", ["Amira Hassan"]),
        ("status=current", ["Amira Hassan", "Ewan McAllister"]),
        ("status=ceased", ["Priya Raman"]),
        ("status=forged", ["Amira Hassan", "Ewan McAllister", "Priya Raman"]),
        ("q=nobody", []),
    ]:
        found = await client.get(f"/trustees/members?{query}")
        names = re.findall(r'<th scope="row"[^>]*><a [^>]*>([^<]+)<', plain(found))
        assert names == expected, query
    none = await client.get("/trustees/members?q=nobody")
    assert "No members match" in plain(none) and 'value="nobody"' in plain(none)


async def test_searching_with_htmx_returns_the_results_and_announces_them(
    client, coop: Coop
) -> None:
    await signed_in_trustee(client, coop)
    await admitted(client, coop, "Amira Hassan")
    await admitted(client, coop, "Ewan McAllister")
    fragment = await client.get("/trustees/members?q=ewan", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in plain(fragment)
    assert plain(fragment).lstrip().startswith('<div id="members-results">')
    assert "Ewan McAllister" in plain(fragment) and "Amira Hassan" not in plain(fragment)
    assert (
        '<div hx-swap-oob="innerHTML:#status-announcer">1 member, matching “ewan”</div>'
        in plain(fragment)
    )


# The record ------------------------------------------------------------------------


async def test_a_members_record_shows_their_details_membership_and_history(
    client, coop: Coop
) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop, access_needs="Large print, please")
    page = await client.get(f"/trustees/members/{amira}")
    assert page.status_code == 200
    assert "<title>Amira Hassan, member 1 – coop</title>" in plain(page)
    for shown in (
        "amira.hassan@example.org",
        "0113 496 0000",
        "14 Roundhay Road",
        "LS8 2AB",
        "Large print, please",
        "Current member",
        "23 November 2026",
        "1 share, £1.00 paid",
        "Loans £0.00, deposits £0.00",
    ):
        assert shown in plain(page), shown
    assert timeline_rows(plain(page)) == [
        ("23 November 2026", "Applied to join", ""),
        ("23 November 2026", "Admitted as member 1 (User): 1 share, £1.00 paid", "B2026-10 item 3"),
    ]
    for link in ("class", "property", "office?office=trustee", "end"):
        assert f'href="/trustees/members/{amira}/{link}"' in plain(page), link
    for absent in ("stand-down", "share", "erase"):
        assert f'href="/trustees/members/{amira}/{absent}"' not in plain(page), absent
    assert f'action="/trustees/members/{amira}/invite"' in plain(page)
    assert "Invite to sign in" in plain(page)


async def test_inviting_from_the_record_shows_the_invitation_is_open(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    page = await done_and_shown(client, f"/trustees/members/{amira}/invite", {})
    assert "An invitation was sent on 23 November 2026; its link works until 7 December 2026." in (
        page
    )
    assert "Send a new invitation" in page
    no_email = await admitted(client, coop, "Ewan McAllister", email="")
    page = (await client.get(f"/trustees/members/{no_email}")).text
    assert "We have no email address for them" in page and "/invite" not in page


async def test_unknown_or_forged_member_ids_are_not_found(client, coop: Coop, pool) -> None:
    trustee_account = await signed_in_trustee(client, coop)
    before = await events(pool)
    for member_id in (UNKNOWN, str(trustee_account)):  # an account's id is not a member's
        assert (await client.get(f"/trustees/members/{member_id}")).status_code == 404
        for action in ("class", "property", "end", "share", "office", "stand-down", "erase"):
            path = f"/trustees/members/{member_id}/{action}"
            assert (await client.get(path)).status_code == 404, path
            posted = await post_form(client, path, {"reference": "B1", "confirm": "yes"})
            assert posted.status_code == 404, path
            assert "Page not found" in plain(posted)
    assert (await client.get("/trustees/members/not-a-uuid")).status_code in (400, 404)
    assert await events(pool) == before


async def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(
    client, coop: Coop, pool
) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    before = await events(pool)
    response = await client.post(
        f"/trustees/members/{amira}/class", data={"member_class": "carer", "reference": "B1"}
    )
    assert response.status_code == 403
    assert "The form had expired" in plain(response)
    assert await events(pool) == before


# Class and property ------------------------------------------------------------------


async def test_changing_class_shows_on_the_record_and_timeline(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    form = await client.get(f"/trustees/members/{amira}/class")
    assert "<title>Change Amira Hassan's class – coop</title>" in plain(form)
    assert 'value="user"' not in plain(form)  # the class they are in is not offered
    assert 'href="/trustees/members/' in plain(form) and "govuk-back-link" in plain(form)
    page = await done_and_shown(
        client, f"/trustees/members/{amira}/class", {"member_class": "carer", "reference": "B7"}
    )
    assert "Amira Hassan is now in the Carer class." in page
    assert 'class="govuk-notification-banner govuk-notification-banner--success" role="alert"' in (
        page
    )
    assert ("23 November 2026", "Class changed to Carer", "B7") in timeline_rows(page)


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"reference": "B7"}, "member_class", "Select the member's new class"),
        (
            {"member_class": "admin", "reference": "B7"},
            "member_class",
            "Select the member's new class",
        ),
        (
            {"member_class": "user", "reference": "B7"},
            "member_class",
            "Select a different class: the member is already in this one",
        ),
        ({"member_class": "pa", "reference": " "}, "reference", "Enter the board minute reference"),
        (
            {"member_class": "pa", "reference": "<b>B7</b>"},
            "reference",
            "Reference must not contain HTML tags",
        ),
    ],
)
async def test_a_bad_class_change_is_explained_and_changes_nothing(
    client, coop: Coop, pool, form: dict, field: str, message: str
) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    before = await events(pool)
    page = await post_form(client, f"/trustees/members/{amira}/class", form)
    assert page.status_code == 422
    assert "<title>Error: Change Amira Hassan's class – coop</title>" in plain(page)
    assert f'href="#{field}"' in plain(page)
    assert any(e.startswith(message) for e in error_summary(plain(page))), error_summary(
        plain(page)
    )
    assert f'id="{field}-error"' in plain(page)
    if form.get("reference", "").strip() and "<" not in form["reference"]:
        assert f'value="{form["reference"]}"' in plain(page)  # answers are kept
    assert await events(pool) == before


async def test_recording_property_in_pounds_shows_on_the_record(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    form = await client.get(f"/trustees/members/{amira}/property")
    assert 'value="0.00"' in plain(form) and 'inputmode="decimal"' in plain(form)
    page = await done_and_shown(
        client, f"/trustees/members/{amira}/property", {"loans": "£1,250.5", "deposits": "250"}
    )
    assert "Other property recorded for Amira Hassan." in page
    assert "Loans £1,250.50, deposits £250.00" in page
    assert (
        "23 November 2026",
        "Other property recorded: loans £1250.50, deposits £250.00",
        "",
    ) in timeline_rows(page)


@pytest.mark.parametrize(
    ("loans", "deposits", "field", "message"),
    [
        ("", "0", "loans", "Enter the member's loans, or 0 if they have none"),
        ("0", "", "deposits", "Enter the member's deposits, or 0 if they have none"),
        ("ten pounds", "0", "loans", "Loans must be an amount of money in pounds, like 250"),
        ("12.345", "0", "loans", "Loans must be an amount of money in pounds"),
        ("0", "-5", "deposits", "Deposits must be £0 or more"),
        ("1000000.01", "0", "loans", "Loans must be £1,000,000 or less"),
        ("0", "0.00", "loans", "Nothing has changed"),
    ],
)
async def test_bad_amounts_of_property_are_explained_and_change_nothing(
    client, coop: Coop, pool, loans: str, deposits: str, field: str, message: str
) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    before = await events(pool)
    page = await post_form(
        client, f"/trustees/members/{amira}/property", {"loans": loans, "deposits": deposits}
    )
    assert page.status_code == 422
    assert f'<a href="#{field}">{message}' in plain(page)
    assert f'value="{loans}"' in plain(page) or not loans  # answers are kept
    assert await events(pool) == before


async def test_property_up_to_a_million_pounds_is_accepted(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    page = await done_and_shown(
        client,
        f"/trustees/members/{amira}/property",
        {"loans": "1,000,000.00", "deposits": "0.5"},
    )
    assert "Loans £1,000,000.00, deposits £0.50" in page


# Ending a membership and the share ---------------------------------------------------


def ending(how: str = "withdrawal", day: str = "23", month: str = "11", year: str = "2026", **kw):
    return {"how": how, "day": day, "month": month, "year": year, "reference": "", **kw}


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (ending(how=""), "how", "Select how the membership ended"),
        (ending(how="resigned"), "how", "Select how the membership ended"),
        (ending(day="", month="", year=""), "day", "Enter the date the membership ended"),
        (ending(month=""), "day", "The date the membership ended must include a month"),
        (ending(day="31", month="2"), "day", "The date the membership ended must be a real date"),
        (ending(day="24"), "day", "The date the membership ended must be today or in the past"),
        (
            ending(how="expulsion"),
            "reference",
            "Enter the reference of the general meeting's special resolution",
        ),
        (
            ending(day="1"),
            "day",
            "The date can't be before 23 November 2026, when this record last changed.",
        ),
    ],
)
async def test_a_bad_ending_is_explained_and_changes_nothing(
    client, coop: Coop, pool, form: dict, field: str, message: str
) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    before = await events(pool)
    page = await post_form(client, f"/trustees/members/{amira}/end", form)
    assert page.status_code == 422, plain(page)
    assert f'<a href="#{field}">{message}' in plain(page)
    assert f'value="{form["year"]}"' in plain(page) or not form["year"]
    assert await events(pool) == before


async def test_ending_a_membership_by_expulsion_ends_offices_and_shows_on_the_record(
    client, coop: Coop
) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    await settled(client, coop.take_office(amira, Office.TRUSTEE, by=uuid4(), reference="AGM1"))
    form = await client.get(f"/trustees/members/{amira}/end")
    for part, value in (("day", "23"), ("month", "11"), ("year", "2026")):  # today, by default
        assert f'id="{part}" name="{part}" type="text" inputmode="numeric" value="{value}"' in (
            plain(form)
        )
    page = await done_and_shown(
        client, f"/trustees/members/{amira}/end", ending(how="expulsion", reference="SGM2026-2")
    )
    assert "Amira Hassan's membership has ended." in page
    assert "Former member" in page and "Expulsion by special resolution" in page
    rows = timeline_rows(page)
    assert ("23 November 2026", "Stopped being trustee", "Membership ended (expulsion)") in rows
    assert ("23 November 2026", "Membership ended (expulsion)", "SGM2026-2") in rows
    assert f'href="/trustees/members/{amira}/share"' in page
    assert f'href="/trustees/members/{amira}/class"' not in page
    again = await post_form(client, f"/trustees/members/{amira}/end", ending())
    assert again.status_code == 409
    assert "This can only be done for a current member; this person is no longer a member." in (
        plain(again)
    )


async def test_the_share_is_repaid_once_the_membership_has_ended(client, coop: Coop, pool) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    early = await client.get(f"/trustees/members/{amira}/share")
    assert "A share is repaid or cancelled once the membership has ended." in plain(early)
    assert "<form" not in plain(early).split("<main", 1)[1]
    before = await events(pool)
    refused = await post_form(client, f"/trustees/members/{amira}/share", {"how": "repaid"})
    assert refused.status_code == 409
    assert "This can only be done once the membership has ended." in plain(refused)
    assert await events(pool) == before

    await settled(client, coop.cease(amira, Cessation.DEATH, on=TODAY, by=uuid4()))
    forged = await post_form(client, f"/trustees/members/{amira}/share", {"how": "kept"})
    assert forged.status_code == 422
    assert "Select whether the share is repaid or cancelled" in plain(forged)
    page = await done_and_shown(client, f"/trustees/members/{amira}/share", {"how": "repaid"})
    assert "Amira Hassan's share has been repaid." in page
    assert "Repaid on 23 November 2026 (£1.00)" in page
    assert ("23 November 2026", "Share repaid (£1.00)", "") in timeline_rows(page)
    twice = await post_form(client, f"/trustees/members/{amira}/share", {"how": "cancelled"})
    assert twice.status_code == 409 and "already been repaid" in plain(twice)


# Offices -----------------------------------------------------------------------------


async def test_a_member_is_appointed_trustee_then_secretary_then_stands_down(
    client, coop: Coop
) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    form = await client.get(f"/trustees/members/{amira}/office?office=trustee")
    assert 'value="trustee" checked' in plain(form) and 'value="secretary"' not in plain(form)
    page = await done_and_shown(
        client, f"/trustees/members/{amira}/office", {"office": "trustee", "reference": "AGM1"}
    )
    assert "Amira Hassan has been appointed trustee." in page
    assert f'href="/trustees/members/{amira}/office?office=secretary"' in page
    page = await done_and_shown(
        client, f"/trustees/members/{amira}/office", {"office": "secretary", "reference": "B8"}
    )
    assert "Amira Hassan has been appointed secretary." in page
    assert "Trustee, Secretary" in page
    trustees = await client.get("/trustees-register")
    assert "Amira Hassan" in plain(trustees)

    page = await done_and_shown(
        client,
        f"/trustees/members/{amira}/stand-down",
        {"office": "trustee", "reference": "Letter of 20 November"},
    )
    assert "Amira Hassan has stood down as trustee." in page
    rows = timeline_rows(page)
    assert ("23 November 2026", "Stopped being secretary", "Letter of 20 November") in rows
    assert ("23 November 2026", "Stopped being trustee", "Letter of 20 November") in rows
    assert f'href="/trustees/members/{amira}/stand-down"' not in page


async def test_bad_appointments_are_explained_and_change_nothing(client, coop: Coop, pool) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    before = await events(pool)
    secretary_first = await post_form(
        client, f"/trustees/members/{amira}/office", {"office": "secretary", "reference": "B1"}
    )
    assert secretary_first.status_code == 422
    assert "Select the office to appoint them to" in plain(secretary_first)
    no_minute = await post_form(
        client, f"/trustees/members/{amira}/office", {"office": "trustee", "reference": ""}
    )
    assert no_minute.status_code == 422
    assert "Enter the board or general meeting minute reference" in plain(no_minute)
    assert 'value="trustee" checked' in plain(no_minute)
    no_office = await post_form(
        client, f"/trustees/members/{amira}/stand-down", {"office": "trustee", "reference": "B1"}
    )
    assert no_office.status_code == 422
    assert "Select the office they are standing down from" in plain(no_office)
    assert await events(pool) == before


# Erasure -----------------------------------------------------------------------------


async def test_erasing_is_refused_until_the_retention_period_ends_then_masks_the_record(
    client, coop: Coop, pool, clock: FixedClock
) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    account = coop.open_account(
        name="Amira Hassan",
        email="amira.hassan@example.org",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(),
        member_id=amira,
    )
    await settled(client, account)
    assert (await client.get(f"/trustees/members/{amira}/erase")).status_code == 200
    current = await post_form(client, f"/trustees/members/{amira}/erase", {"confirm": "yes"})
    assert current.status_code == 409
    assert "Only a former member or a refused applicant can be erased" in plain(current)

    await settled(client, coop.cease(amira, Cessation.WITHDRAWAL, on=TODAY, by=uuid4()))
    record = await client.get(f"/trustees/members/{amira}")
    assert "can be erased from 23 November 2036, when the retention period ends" in (plain(record))
    form = await client.get(f"/trustees/members/{amira}/erase")
    assert "this person's data can be erased from 23 November 2036" in plain(form)
    before = await events(pool)
    early = await post_form(client, f"/trustees/members/{amira}/erase", {"confirm": "yes"})
    assert early.status_code == 409
    assert (
        "The retention period has not ended: this person's data can be erased from"
        " 23 November 2036." in plain(early)
    )
    assert await events(pool) == before

    clock.advance(timedelta(days=3653))  # ten years on; the trustee signs in again
    await signed_in_trustee_again(client)
    form = await client.get(f"/trustees/members/{amira}/erase")
    assert "What erasing removes" in plain(form) and "What stays" in plain(form)
    assert 'value="yes"' in plain(form) and "govuk-button--warning" in plain(form)
    unconfirmed = await post_form(client, f"/trustees/members/{amira}/erase", {})
    assert unconfirmed.status_code == 422
    assert "Select 'Yes, erase their personal data' to confirm" in plain(unconfirmed)
    assert await events(pool) == before

    await outbox.enqueue(
        pool, "Amira.Hassan@example.org", "Your invitation", "Dear Amira, …", now=clock.now()
    )
    page = await done_and_shown(client, f"/trustees/members/{amira}/erase", {"confirm": "yes"})
    assert "This person's personal data has been erased." in page
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0  # mail naming her is gone too
    assert '<h1 class="govuk-heading-l">Erased</h1>' in page
    for gone in ("Amira", "amira.hassan@example.org", "Roundhay", "LS8 2AB", "0113 496 0000"):
        assert gone not in page, gone
    assert ("23 November 2036", "Personal data erased", "") in timeline_rows(page)
    register = await client.get("/register?as_at=2026-11-23")
    assert "Amira" not in plain(register) and "Erased" in plain(register)
    row = await pool.fetchrow(
        "SELECT name, email, address, membership_number, decided_on, ceased_on FROM members"
    )
    assert (row["name"], row["email"], row["address"]) == ("Erased", "", "")
    assert (row["membership_number"], row["decided_on"], row["ceased_on"]) == (1, TODAY, TODAY)
    kept = await pool.fetch(
        "SELECT DISTINCT name, email, membership_number, date_entered, date_ceased"
        " FROM register_history WHERE date_ceased IS NOT NULL"
    )
    assert [tuple(r) for r in kept] == [("Erased", "", 1, TODAY, TODAY)]
    async with another_browser(client) as amira_browser:
        refused = await sign_in(amira_browser, "amira.hassan@example.org")
        assert refused.status_code == 422
    again = await post_form(client, f"/trustees/members/{amira}/erase", {"confirm": "yes"})
    assert again.status_code == 409  # the page now says why not, with nothing to submit
    assert "personal data has been erased, so nothing more can be recorded" in plain(again).replace(
        "'", "'"
    )


async def signed_in_trustee_again(client) -> None:
    assert (await sign_in(client, TRUSTEE)).status_code == 303


# Staff roles ---------------------------------------------------------------------------


async def test_a_trustee_makes_a_members_account_a_coordinator(client, coop: Coop, pool) -> None:
    await signed_in_trustee(client, coop)
    amira = await admitted(client, coop)
    done = coop.open_account(
        name="Amira Hassan",
        email="amira.hassan@example.org",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(Role.MEMBER,),
        member_id=amira,
    )
    await settled(client, done)
    record = await client.get(f"/trustees/members/{amira}")
    assert f'href="/trustees/accounts/{done.subject}/roles"' in plain(record)
    forged = await post_form(
        client, f"/trustees/accounts/{done.subject}/roles", {"roles": "trustee"}
    )
    assert forged.status_code == 422 and "Select the roles from the list" in plain(forged)
    page = await done_and_shown(
        client, f"/trustees/accounts/{done.subject}/roles", {"roles": "coordinator"}
    )
    assert "Amira Hassan's staff roles have been changed." in page
    roles = await pool.fetchval("SELECT roles FROM accounts WHERE account_id = $1", done.subject)
    assert sorted(roles) == ["coordinator", "member"]  # the role it had stays
    same = await post_form(
        client, f"/trustees/accounts/{done.subject}/roles", {"roles": "coordinator"}
    )
    assert same.status_code == 409 and "Nothing has changed" in plain(same)
    unknown = await client.get(f"/trustees/accounts/{UNKNOWN}/roles")
    assert unknown.status_code == 404


async def test_a_refused_applicant_is_listed_as_refused_without_a_number_or_class(
    client, coop: Coop
) -> None:
    await signed_in_trustee(client, coop)
    await admitted(client, coop)
    applicant = coop.apply_for_membership(details("Nadia Rahman")).subject
    done = coop.refuse(
        applicant, by=uuid4(), reason="Lives outside the area", minute_reference="B1"
    )
    await settled(client, done)

    page = plain(await client.get("/trustees/members"))
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "No number Nadia Rahman – No class Application refused" in text
    assert "None" not in text
    only = " ".join(
        re.sub(r"<[^>]+>", " ", plain(await client.get("/trustees/members?status=refused"))).split()
    )
    assert "Nadia Rahman" in only and "Amira Hassan" not in only
