"""A member's own pages: their record, details, share, carers, data and leaving, over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from coop.application import Coop
from coop.domain.membership.member_details import MemberClass
from coop.web.accounts.passwords import hash_password
from tests.people import details
from tests.web.accounts.outbox_helpers import another_browser, pool_of
from tests.web.helpers import TRUSTEE_PASSWORD, open_trustee, post_form, sign_in

AMIRA = "amira.hassan@example.org"


def email_of(name: str) -> str:
    return details(name).email


async def member(
    client: httpx.AsyncClient,
    coop: Coop,
    name: str = "Amira Hassan",
    member_class: MemberClass = MemberClass.USER,
) -> UUID:
    """An admitted member who can sign in (with TRUSTEE_PASSWORD)."""
    member_id = coop.apply_for_membership(details(name, requested_class=member_class)).subject
    coop.admit(member_id, by=uuid4(), minute_reference="B2026-11 item 4")
    done = coop.open_account(
        name=name,
        email=email_of(name),
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(),
        member_id=member_id,
    )
    await client.app.state["services"].seen(done.position, "members", "accounts")  # type: ignore[attr-defined]
    return member_id


async def signed_in(client: httpx.AsyncClient, name: str) -> None:
    assert (await sign_in(client, email_of(name))).status_code == 303


async def record(client: httpx.AsyncClient, member_id: UUID) -> Any:
    return await pool_of(client).fetchrow("SELECT * FROM members WHERE member_id = $1", member_id)


async def events(client: httpx.AsyncClient) -> int:
    return int(await pool_of(client).fetchval("SELECT count(*) FROM coop_events"))


def details_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": "Amira Hassan",
        "preferred_name": "Amira",
        "email": AMIRA,
        "phone": "0113 496 0000",
        "address": "14 Roundhay Road\nLeeds",
        "postcode": "LS8 2AB",
        "contact_methods": ["email"],
        "access_needs": "",
    }
    form.update(overrides)
    return form


# Your membership ---------------------------------------------------------------------


async def test_a_member_sees_their_number_class_date_joined_share_and_offices(
    client, coop: Coop
) -> None:
    await member(client, coop, "Tom Whitfield", MemberClass.PA)
    await member(client, coop)
    await signed_in(client, "Amira Hassan")
    page = await client.get("/my")
    assert page.status_code == 200
    assert "<title>Your membership – coop</title>" in page.text
    assert 'href="/my" aria-current="page"' in page.text  # in the navigation
    text = page.text
    assert 'Membership number</dt>\n        <dd class="govuk-summary-list__value">2<' in text
    assert "User (someone who uses care and support)" in text
    assert "23 November 2026" in text
    assert "1 share, £1.00 paid" in text
    assert "Offices held" in text and ">None<" in text
    for link in ("/my/details", "/my/share", "/my/carers", "/my/data", "/my/leave"):
        assert f'href="{link}"' in text


async def test_an_account_without_a_membership_is_told_so_plainly(client, coop: Coop) -> None:
    done = open_trustee(coop)
    await client.app.state["services"].seen(done.position, "accounts")
    await sign_in(client, "grace.okafor@example.org")
    page = await client.get("/my")
    assert page.status_code == 200
    assert "Your account is not linked to a membership" in page.text
    assert 'href="/my"' not in page.text.split("<main")[0]  # no nav item without a membership
    assert (await client.get("/my/details")).status_code == 404


# Contact details ----------------------------------------------------------------------


async def test_a_member_updates_their_contact_details(client, coop: Coop) -> None:
    member_id = await member(client, coop)
    await signed_in(client, "Amira Hassan")
    form = await client.get("/my/details")
    assert form.status_code == 200
    assert f'value="{AMIRA}"' in form.text and 'value="LS8 2AB"' in form.text
    assert 'value="email" checked' in form.text
    assert f"You sign in with <strong>{AMIRA}</strong>" in form.text
    assert "ask the co-op office" in form.text
    done = await post_form(
        client,
        "/my/details",
        details_form(
            email="amira@example.net",
            postcode="ls7 3ab",
            contact_methods=["letter", "large_print"],
            access_needs="Please send papers a week before meetings",
        ),
    )
    assert done.status_code == 303 and done.headers["location"] == "/my/details?updated=1"
    after = await client.get(done.headers["location"])
    assert "Your details have been saved." in after.text
    assert 'value="amira@example.net"' in after.text and 'value="LS7 3AB"' in after.text
    row = await record(client, member_id)
    assert row["email"] == "amira@example.net" and row["postcode"] == "LS7 3AB"
    assert row["contact_methods"] == ["letter", "large_print"]
    account = await pool_of(client).fetchval("SELECT email FROM accounts")
    assert account == AMIRA  # signing in is unchanged


async def test_saving_unchanged_details_says_nothing_has_changed(client, coop: Coop) -> None:
    await member(client, coop)
    await signed_in(client, "Amira Hassan")
    before = await events(client)
    page = await post_form(client, "/my/details", details_form())
    assert page.status_code == 422
    assert "Nothing has changed: the details are the same as before." in page.text
    assert "<title>Error: Your contact details – coop</title>" in page.text
    assert await events(client) == before
    both = details_form(contact_methods=["email", "phone"])
    assert (await post_form(client, "/my/details", both)).status_code == 303
    before = await events(client)
    reordered = await post_form(
        client, "/my/details", {**both, "contact_methods": ["phone", "email"]}
    )
    assert reordered.status_code == 422 and "Nothing has changed" in reordered.text
    assert await events(client) == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter your full name"),
        (
            {"email": "amira-at-example"},
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"name": "<script>alert(1)</script>"},
            "name",
            "Full name must not contain HTML tags (text between &lt; and &gt;)",
        ),
        (
            {"address": "14 Roundhay Road\x00"},
            "address",
            "Postal address must not contain control characters",
        ),
        ({"name": "A" * 201}, "name", "Full name must be 200 characters or fewer"),
        (
            {"contact_methods": ["email", "carrier-pigeon"]},
            "contact_methods",
            "Select how you would like us to contact you from the list",
        ),
        ({"contact_methods": []}, "contact_methods", "Select at least one way we can contact you"),
        ({"postcode": "NOT A CODE"}, "postcode", "Enter a real postcode, like LS1 4AP"),
    ],
)
async def test_bad_details_are_explained_and_change_nothing(
    client, coop: Coop, change: dict[str, Any], field: str, message: str
) -> None:
    member_id = await member(client, coop)
    await signed_in(client, "Amira Hassan")
    before = await events(client)
    page = await post_form(client, "/my/details", details_form(**change))
    assert page.status_code == 422
    assert f'<a href="#{field}">{message}</a>' in page.text
    assert f'id="{field}-error"' in page.text
    assert await events(client) == before
    assert (await record(client, member_id))["name"] == "Amira Hassan"


async def test_a_forged_member_id_in_the_details_form_changes_only_my_own_record(
    client, coop: Coop
) -> None:
    tom = await member(client, coop, "Tom Whitfield")
    amira = await member(client, coop)
    await signed_in(client, "Amira Hassan")
    done = await post_form(
        client, "/my/details", {**details_form(phone="0113 496 0999"), "member_id": str(tom)}
    )
    assert done.status_code == 303
    assert (await record(client, amira))["phone"] == "0113 496 0999"
    assert (await record(client, tom))["phone"] == "0113 496 0000"


# Share --------------------------------------------------------------------------------


async def test_a_member_sees_their_share_and_what_happens_to_it_if_they_leave(
    client, coop: Coop
) -> None:
    await member(client, coop)
    await signed_in(client, "Amira Hassan")
    page = await client.get("/my/share")
    assert page.status_code == 200
    assert "Shares held" in page.text and "£1.00" in page.text and "23 November 2026" in page.text
    assert "repay what you paid for it" in page.text and "cancel it" in page.text


# Download my data ---------------------------------------------------------------------


async def _mail(client: httpx.AsyncClient, to: str, subject: str) -> None:
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    await pool_of(client).execute(
        "INSERT INTO outbox (to_address, subject, body, created_at, next_attempt_at)"
        " VALUES ($1, $2, 'Secret link inside', $3, $3)",
        to,
        subject,
        now,
    )


async def test_download_my_data_has_my_data_and_nobody_elses(client, coop: Coop) -> None:
    tom = await member(client, coop, "Tom Whitfield")
    amira = await member(client, coop)
    await _mail(client, AMIRA, "Your invitation to coop")
    await _mail(client, email_of("Tom Whitfield"), "Tom's invitation")
    await signed_in(client, "Amira Hassan")
    page = await client.get("/my/data")
    assert page.status_code == 200 and 'href="/my/data.json"' in page.text
    response = await client.get(f"/my/data.json?member_id={tom}")  # a forged id does nothing
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"].startswith("attachment;")
    data = json.loads(response.text)
    assert data["member_record"]["member_id"] == str(amira)
    assert data["member_record"]["name"] == "Amira Hassan"
    assert data["member_record"]["address"] == "14 Roundhay Road\nLeeds"
    assert data["member_record"]["amount_paid"] == "1.00"
    assert [e["what"] for e in data["timeline"]] == [
        "Applied to join",
        "Admitted as member 2 (User): 1 share, £1.00 paid",
        "Can now sign in to coop",
    ]
    assert data["register_entries"][0]["membership_number"] == 2
    assert data["account"]["email"] == AMIRA and "member" in data["account"]["roles"]
    assert data["account"]["opened_on"] == "2026-11-23"
    assert len(data["sessions"]) == 1
    assert set(data["sessions"][0]) >= {"started_at", "last_used_at", "expires_at"}
    assert data["mail"] == [
        {
            "to": AMIRA,
            "subject": "Your invitation to coop",
            "created": "2026-11-20T09:00:00Z",
            "sent": None,
        }
    ]
    assert data["generated_at"].startswith("2026-11-23T10:00:00")
    assert "Tom" not in response.text and str(tom) not in response.text
    assert "argon2" not in response.text and "password" not in response.text
    assert "Secret link inside" not in response.text


async def test_an_account_without_a_membership_can_download_its_data(client, coop: Coop) -> None:
    done = open_trustee(coop)
    await client.app.state["services"].seen(done.position, "accounts")
    await sign_in(client, "grace.okafor@example.org")
    data = (await client.get("/my/data.json")).json()
    assert data["member_record"] is None and data["account"]["name"] == "Grace Okafor"


# Carers -------------------------------------------------------------------------------


async def _links(client: httpx.AsyncClient) -> list[tuple[UUID, UUID, str]]:
    rows = await pool_of(client).fetch("SELECT carer_id, user_id, state FROM carer_links")
    return [(r["carer_id"], r["user_id"], r["state"]) for r in rows]


async def test_a_carer_asks_the_user_consents_then_withdraws(client, coop: Coop) -> None:
    amira = await member(client, coop)  # number 1
    priya = await member(client, coop, "Priya Raman", MemberClass.CARER)
    await signed_in(client, "Priya Raman")
    page = await client.get("/my/carers")
    assert page.status_code == 200 and "Ask to be linked" in page.text
    asked = await post_form(client, "/my/carers/ask", {"number": "1"})
    assert asked.status_code == 303, asked.text
    waiting = await client.get(asked.headers["location"])
    assert "Your request has been sent" in waiting.text
    assert "Member 1" in waiting.text and "Waiting for them to agree" in waiting.text
    assert "Amira" not in waiting.text  # not named to the carer until she agrees

    async with another_browser(client) as browser:
        assert (await sign_in(browser, AMIRA)).status_code == 303
        mine = await browser.get("/my/carers")
        assert "Priya Raman" in mine.text and "book and manage visits for you" in mine.text
        assert f'action="/my/carers/{priya}/consent"' in mine.text
        assert f'formaction="/my/carers/{priya}/decline"' in mine.text
        consented = await post_form(browser, f"/my/carers/{priya}/consent", {})
        assert consented.status_code == 303
        linked = await browser.get(consented.headers["location"])
        assert "The carer is now linked to you" in linked.text
        assert f'action="/my/carers/{priya}/withdraw"' in linked.text
        assert await _links(client) == [(priya, amira, "consented")]

        carer_view = await client.get("/my/carers")
        assert "Amira Hassan (member 1)" in carer_view.text and "Linked" in carer_view.text

        withdrawn = await post_form(browser, f"/my/carers/{priya}/withdraw", {})
        assert withdrawn.status_code == 303
        assert await _links(client) == [(priya, amira, "withdrawn")]

    after = await client.get("/my/carers")
    assert "They withdrew consent" in after.text
    assert f'action="/my/carers/ask-again/{amira}"' in after.text
    again = await post_form(client, f"/my/carers/ask-again/{amira}", {})
    assert again.status_code == 303
    assert await _links(client) == [(priya, amira, "requested")]


async def test_a_user_declines_and_the_carer_may_ask_again(client, coop: Coop) -> None:
    amira = await member(client, coop)
    priya = await member(client, coop, "Priya Raman", MemberClass.CARER)
    coop.ask_to_link_carer(priya, amira, by=uuid4())
    await signed_in(client, "Amira Hassan")
    declined = await post_form(client, f"/my/carers/{priya}/decline", {})
    assert declined.status_code == 303
    assert "You said no" in (await client.get(declined.headers["location"])).text
    assert await _links(client) == [(priya, amira, "declined")]


async def test_a_user_cannot_answer_for_someone_else_with_forged_ids(client, coop: Coop) -> None:
    amira = await member(client, coop)
    priya = await member(client, coop, "Priya Raman", MemberClass.CARER)
    await member(client, coop, "Tom Whitfield")
    done = coop.ask_to_link_carer(priya, amira, by=uuid4())
    await client.app.state["services"].seen(done.position, "carers")
    await signed_in(client, "Tom Whitfield")
    before = await events(client)
    # Tom has no link with Priya: whatever ids he sends, there is nothing of his to answer.
    for action in ("consent", "decline", "withdraw"):
        response = await post_form(
            client, f"/my/carers/{priya}/{action}", {"user_id": str(amira), "member_id": str(amira)}
        )
        assert response.status_code == 409, (action, response.status_code)
        assert "This carer has not asked to be linked to you" in response.text
    assert await events(client) == before
    assert await _links(client) == [(priya, amira, "requested")]


async def test_a_carer_cannot_answer_requests_or_ask_again_for_someone_not_asked(
    client, coop: Coop
) -> None:
    amira = await member(client, coop)
    priya = await member(client, coop, "Priya Raman", MemberClass.CARER)
    coop.ask_to_link_carer(priya, amira, by=uuid4())
    await signed_in(client, "Priya Raman")
    consent = await post_form(client, f"/my/carers/{priya}/consent", {})
    assert consent.status_code == 403
    tom = await member(client, coop, "Tom Whitfield")
    again = await post_form(client, f"/my/carers/ask-again/{tom}", {})
    assert again.status_code == 404
    assert await _links(client) == [(priya, amira, "requested")]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("3", "There is no current member in the user class with number 3"),  # a PA
        ("57", "There is no current member in the user class with number 57"),  # nobody
        ("99999999999", "There is no current member in the user class with number 99999999999"),
        ("", "Enter the membership number of the person you support"),
        ("fifty", "Enter the membership number in figures, like 57"),
    ],
)
async def test_a_carer_can_only_ask_to_be_linked_to_a_current_user(
    client, coop: Coop, number: str, message: str
) -> None:
    await member(client, coop)
    await member(client, coop, "Priya Raman", MemberClass.CARER)
    await member(client, coop, "Ewan McAllister", MemberClass.PA)
    await signed_in(client, "Priya Raman")
    page = await post_form(client, "/my/carers/ask", {"number": number})
    assert page.status_code == 422
    assert f'<a href="#number">{message}</a>' in page.text
    assert "Ewan" not in page.text and "McAllister" not in page.text
    assert await _links(client) == []


async def test_a_pa_has_no_carer_pages(client, coop: Coop) -> None:
    await member(client, coop, "Ewan McAllister", MemberClass.PA)
    await signed_in(client, "Ewan McAllister")
    assert (await client.get("/my/carers")).status_code == 403
    assert (await post_form(client, "/my/carers/ask", {"number": "1"})).status_code == 403


# Leaving ------------------------------------------------------------------------------


async def test_a_member_gives_notice_and_can_still_download_but_not_edit(
    client, coop: Coop
) -> None:
    tom = await member(client, coop, "Tom Whitfield")
    amira = await member(client, coop)
    await signed_in(client, "Amira Hassan")
    form = await client.get("/my/leave")
    assert form.status_code == 200
    assert "Your membership ends today, 23 November 2026" in form.text
    assert "10 years" in form.text
    unconfirmed = await post_form(client, "/my/leave", {"member_id": str(tom)})
    assert unconfirmed.status_code == 422
    assert '<a href="#confirm">Confirm that you want to leave the co-op</a>' in unconfirmed.text
    done = await post_form(client, "/my/leave", {"confirm": "yes", "member_id": str(tom)})
    assert done.status_code == 303 and done.headers["location"] == "/my/leave/done"
    confirmation = await client.get("/my/leave/done")
    assert (
        "You have left the co-op" in confirmation.text and "23 November 2026" in confirmation.text
    )
    mine = await record(client, amira)
    assert (mine["status"], mine["how_ceased"], mine["ceased_reference"]) == (
        "ceased",
        "withdrawal",
        "Notice given online",
    )
    assert (await record(client, tom))["status"] == "admitted"

    overview = await client.get("/my")
    assert "Your membership ended on 23 November 2026" in overview.text
    assert 'href="/my/details"' not in overview.text
    assert (await client.get("/my/details")).status_code == 403
    assert (
        await post_form(client, "/my/details", details_form(phone="0113 496 0999"))
    ).status_code == 403
    assert (await client.get("/my/leave")).status_code == 403
    data = (await client.get("/my/data.json")).json()
    assert data["member_record"]["status"] == "ceased"
    assert data["account"]["roles"] == []
