"""Inviting admitted members to set up an account, by a one-time link sent through the outbox."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID, uuid4

from coop.application import Coop
from coop.domain.membership.member_details import ContactMethod
from coop.infra.one_time_links import INVITATION_LIFETIME
from tests.conftest import lifespan_of
from tests.people import details
from tests.smtp import body, mail_settings, smtp_server
from tests.web.accounts.outbox_helpers import another_browser, link_in_last_mail, pool_of
from tests.web.helpers import csrf, open_trustee, post_form, sign_in

AMIRA = "amira.hassan@example.org"
PASSWORD = "yellow kettle on a bike"


async def signed_in_trustee(client, coop: Coop) -> None:
    done = open_trustee(coop)
    await client.app.state["services"].seen(done.position, "accounts")
    assert (await sign_in(client, "grace.okafor@example.org")).status_code == 303


async def admitted(client, coop: Coop, name: str = "Amira Hassan", **overrides) -> UUID:
    member_id = coop.apply_for_membership(details(name, **overrides)).subject
    done = coop.admit(member_id, by=uuid4(), minute_reference="BM-1")
    await client.app.state["services"].seen(done.position, "members")
    return member_id


async def invited(client, coop: Coop, name: str = "Amira Hassan") -> tuple[UUID, str]:
    """An admitted member, invited by a signed-in trustee; returns the link's path."""
    member_id = await admitted(client, coop, name)
    response = await post_form(client, f"/trustees/members/{member_id}/invite", {})
    assert response.status_code == 303, response.text
    return member_id, await link_in_last_mail(client, details(name).email)


def password_form(password: str = PASSWORD, again: str | None = None) -> dict[str, str]:
    return {"password": password, "confirm_password": password if again is None else again}


async def test_an_invited_member_sets_a_password_and_is_signed_in(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    member_id = await admitted(client, coop)
    response = await post_form(client, f"/trustees/members/{member_id}/invite", {})
    assert response.status_code == 303
    assert response.headers["location"] == f"/trustees/members/{member_id}?done=invited"
    mail = await pool_of(client).fetchrow("SELECT * FROM outbox")
    assert mail["to_address"] == AMIRA and mail["sent_at"] is None
    assert "Dear Amira," in mail["body"] and "14 days" in mail["body"]
    assert "http://127.0.0.1:8000/invitations/" in mail["body"]  # COOP_BASE_URL's default
    link = await link_in_last_mail(client, AMIRA)
    async with another_browser(client) as amira:
        form = await amira.get(link)
        assert form.status_code == 200
        assert "<title>Set your password – coop</title>" in form.text
        assert "Welcome, Amira." in form.text
        assert f'value="{AMIRA}"' in form.text and 'autocomplete="username"' in form.text
        assert "readonly" in form.text
        assert form.text.count('autocomplete="new-password"') == 2 and "onpaste" not in form.text
        done = await post_form(amira, link, password_form())
        assert done.status_code == 303 and done.headers["location"] == "/"
        home = await amira.get("/")
        assert "Signed in as <strong>Amira Hassan</strong>" in home.text
        again = await amira.get(link)
        assert again.status_code == 410 and "This invitation has already been used" in again.text
    account = await pool_of(client).fetchrow("SELECT * FROM accounts WHERE email = $1", AMIRA)
    assert account["member_id"] == member_id and account["roles"] == []
    # A stored copy of the table holds only the token's hash, never the link.
    stored = await pool_of(client).fetchval("SELECT token_hash FROM one_time_tokens")
    assert link.rsplit("/", 1)[1].encode() not in bytes(stored) and len(stored) == 32


async def test_bad_passwords_are_explained_and_the_link_still_works(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    _, link = await invited(client, coop)
    async with another_browser(client) as amira:
        cases = [
            (password_form(""), "Enter a new password", "#password"),
            (
                password_form("short"),
                "Your password must be at least 10 characters long",
                "#password",
            ),
            (
                password_form(PASSWORD, "yellow kettle on a bus"),
                "The passwords do not match",
                "#confirm_password",
            ),
            (password_form(PASSWORD, ""), "Enter your new password again", "#confirm_password"),
        ]
        for form, message, anchor in cases:
            page = await post_form(amira, link, form)
            assert page.status_code == 422, message
            assert "<title>Error: Set your password – coop</title>" in page.text
            assert "There is a problem" in page.text and f'href="{anchor}"' in page.text
            assert message in page.text
            assert f'value="{AMIRA}"' in page.text  # the e-mail is still shown
            assert PASSWORD not in page.text  # a password is never sent back
        assert (await post_form(amira, link, password_form())).status_code == 303


async def test_an_expired_invitation_says_to_ask_the_office_for_a_new_one(
    client, coop: Coop, clock
) -> None:
    await signed_in_trustee(client, coop)
    _, link = await invited(client, coop)
    clock.advance(INVITATION_LIFETIME + timedelta(seconds=1))
    async with another_browser(client) as amira:
        page = await amira.get(link)
        assert page.status_code == 410
        assert "This invitation has expired" in page.text
        assert "Ask the co-op office for a new invitation" in page.text
        tried = await post_form(amira, link, password_form())
        assert tried.status_code == 410
    assert (
        await pool_of(client).fetchval("SELECT count(*) FROM accounts WHERE email = $1", AMIRA) == 0
    )


async def test_an_unknown_or_replaced_invitation_link_does_not_work(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    member_id, first = await invited(client, coop)
    await post_form(client, f"/trustees/members/{member_id}/invite", {})
    second = await link_in_last_mail(client, AMIRA)
    assert second != first
    async with another_browser(client) as amira:
        for link in (first, "/invitations/made-up-by-someone"):
            page = await amira.get(link)
            assert page.status_code == 404
            assert "This invitation link does not work" in page.text
            assert "use the newest one" in page.text
            assert (await post_form(amira, link, password_form())).status_code == 404
        assert (await amira.get(second)).status_code == 200


async def test_two_people_using_one_invitation_at_once_open_one_account(client, coop: Coop) -> None:
    await signed_in_trustee(client, coop)
    member_id, link = await invited(client, coop)
    async with (
        another_browser(client, "198.51.100.7") as first,
        another_browser(client, "198.51.100.8") as second,
    ):
        forms = [{**password_form(), "_csrf_token": await csrf(b)} for b in (first, second)]
        responses = await asyncio.gather(
            first.post(link, data=forms[0]), second.post(link, data=forms[1])
        )
    assert sorted(r.status_code for r in responses) == [303, 410]
    accounts = await pool_of(client).fetch("SELECT * FROM accounts WHERE member_id = $1", member_id)
    assert len(accounts) == 1
    assert (
        await pool_of(client).fetchval(
            "SELECT count(*) FROM one_time_tokens WHERE used_at IS NOT NULL"
        )
        == 1
    )


async def test_only_admitted_members_with_an_email_and_no_account_can_be_invited(
    client, coop: Coop
) -> None:
    await signed_in_trustee(client, coop)
    services = client.app.state["services"]
    applied = coop.apply_for_membership(details("Tom Whitfield"))
    await services.seen(applied.position, "members")
    no_email = await admitted(
        client,
        coop,
        "Priya Raman",
        email="",
        contact_methods=(ContactMethod.PHONE,),
    )
    cases = [
        (
            applied.subject,
            409,
            "Tom Whitfield cannot be invited: the trustees have not admitted them yet",
        ),
        (no_email, 409, "We have no email address for Priya Raman"),
        (uuid4(), 404, "There is no member with that reference"),
    ]
    for member_id, status, message in cases:
        response = await post_form(client, f"/trustees/members/{member_id}/invite", {})
        assert response.status_code == status, message
        assert message in response.text
    assert await pool_of(client).fetchval("SELECT count(*) FROM outbox") == 0
    member_id, link = await invited(client, coop)
    async with another_browser(client) as amira:
        assert (await post_form(amira, link, password_form())).status_code == 303
    again = await post_form(client, f"/trustees/members/{member_id}/invite", {})
    assert again.status_code == 409 and "Amira Hassan already has an account" in again.text


async def test_the_office_reads_waiting_invitations_to_deliver_them_by_hand(
    client, coop: Coop
) -> None:
    await signed_in_trustee(client, coop)
    _, link = await invited(client, coop)
    outbox = await client.get("/office/outbox")
    assert outbox.status_code == 200
    assert "No mail server is set up" in outbox.text
    assert (
        AMIRA in outbox.text
        and "Set up your Mutual Support Care Co-operative account" in outbox.text
    )
    assert "Not sent yet" in outbox.text
    mail_id = await pool_of(client).fetchval("SELECT id FROM outbox")
    message = await client.get(f"/office/outbox/{mail_id}")
    assert message.status_code == 200 and link in message.text
    assert (await client.get("/office/outbox/999999")).status_code == 404


async def test_the_app_sends_invitations_through_its_mail_server(
    db_url, settings, clock, coop: Coop
) -> None:
    import httpx

    from coop.web.app import create_app

    with smtp_server() as (port, inbox):
        app = create_app(mail_settings(settings, port), db_url, clock=clock)
        async with lifespan_of(app):
            transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver.local"
            ) as c:
                c.app = app  # type: ignore[attr-defined]
                await signed_in_trustee(c, coop)
                member_id, _ = await invited(c, coop)
                [message] = await asyncio.to_thread(inbox.wait_for, 1)
                record = await c.get(f"/trustees/members/{member_id}?done=invited")
                assert "An invitation to sign in has been sent to Amira Hassan" in record.text
                assert "waiting in the outbox" not in record.text
                page = await c.get("/office/outbox")
                assert (
                    "Mail is sent through the mail server at <strong>127.0.0.1</strong>"
                    in page.text
                )
    assert message["To"] == AMIRA
    assert message["Subject"] == "Set up your Mutual Support Care Co-operative account"
    assert "https://coop.mutual-support.example/invitations/" in body(message)


async def test_without_a_mail_server_the_trustee_is_told_the_invitation_waits_in_the_outbox(
    client, coop: Coop
) -> None:
    await signed_in_trustee(client, coop)
    member_id, _ = await invited(client, coop)
    record = await client.get(f"/trustees/members/{member_id}", params={"done": "invited"})
    assert "An invitation to sign in for Amira Hassan is waiting in the outbox" in record.text
    assert "it has not been sent" in record.text
    assert "has been sent to Amira Hassan" not in record.text
    assert '<a class="govuk-notification-banner__link" href="/office/outbox">' in record.text
