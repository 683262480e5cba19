"""Resetting a forgotten password by a one-time link: no account enumeration, one use, one hour."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from coop.application import Coop
from coop.infra.one_time_links import PASSWORD_RESET_LIFETIME
from coop.infra.sign_in_limit import MAX_FAILURES_PER_EMAIL
from tests.web.accounts.outbox_helpers import another_browser, link_in_last_mail
from tests.web.helpers import TRUSTEE_PASSWORD, open_trustee, post_form, sign_in

GRACE = "grace.okafor@example.org"
NEW_PASSWORD = "plum jam and seven swans"


async def ready_trustee(client, coop: Coop) -> None:
    done = open_trustee(coop)
    await client.app.state["services"].seen(done.position, "accounts")


async def ask_for_link(client, email: str = GRACE):
    return await post_form(client, "/password-reset", {"email": email})


def password_form(password: str = NEW_PASSWORD, again: str | None = None) -> dict[str, str]:
    return {"password": password, "confirm_password": password if again is None else again}


async def test_the_sign_in_page_offers_a_password_reset(client) -> None:
    page = await client.get("/sign-in")
    assert '<a class="govuk-link" href="/password-reset">Forgotten your password?</a>' in page.text
    form = await client.get("/password-reset")
    assert form.status_code == 200 and 'autocomplete="username"' in form.text


async def test_a_reset_changes_the_password_and_signs_the_account_out_everywhere(
    client, coop: Coop, pool
) -> None:
    await ready_trustee(client, coop)
    assert (await sign_in(client, GRACE)).status_code == 303  # signed in elsewhere, say at work
    async with another_browser(client) as phone:
        asked = await ask_for_link(phone)
        assert asked.status_code == 200
        assert "If there is an account for <strong>grace.okafor@example.org</strong>" in asked.text
        link = await link_in_last_mail(client, GRACE)
        mail = await pool.fetchrow("SELECT * FROM outbox")
        assert mail["confidential"] and "1 hour" in mail["body"]
        form = await phone.get(link)
        assert form.status_code == 200 and "Choose a new password" in form.text
        assert f'value="{GRACE}"' in form.text and 'autocomplete="new-password"' in form.text
        changed = await post_form(phone, link, password_form())
        assert changed.status_code == 200
        assert "Your password has been changed" in changed.text
        assert 'href="/sign-in"' in changed.text
        assert (await phone.get(link)).status_code == 410
    assert await pool.fetchval("SELECT count(*) FROM web_sessions") == 0
    ended = await client.get("/register")
    assert ended.status_code == 303 and ended.headers["location"].startswith("/sign-in")
    assert (await sign_in(client, GRACE, TRUSTEE_PASSWORD)).status_code == 422
    assert (await sign_in(client, GRACE, NEW_PASSWORD)).status_code == 303


async def test_the_answer_is_the_same_whether_or_not_there_is_an_account(
    client, coop: Coop, pool
) -> None:
    await ready_trustee(client, coop)
    known = await ask_for_link(client, GRACE)
    unknown = await ask_for_link(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace(GRACE, "nobody@example.org") == unknown.text
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 1


async def test_missing_or_malformed_addresses_are_asked_for_again(client) -> None:
    for email, message in [
        ("", "Enter your email address"),
        ("grace.okafor", "Enter an email address in the correct format"),
    ]:
        page = await ask_for_link(client, email)
        assert page.status_code == 422
        assert "<title>Error: Reset your password – coop</title>" in page.text
        assert message in page.text and 'href="#email"' in page.text
        if email:
            assert f'value="{email}"' in page.text


async def test_asking_too_often_is_paused_but_sign_in_is_not(client, coop: Coop, pool) -> None:
    await ready_trustee(client, coop)
    for _ in range(MAX_FAILURES_PER_EMAIL):
        assert (await ask_for_link(client)).status_code == 200
    paused = await ask_for_link(client)
    assert paused.status_code == 429
    assert "Wait 15 minutes, then try again" in paused.text
    assert await pool.fetchval("SELECT count(*) FROM outbox") == MAX_FAILURES_PER_EMAIL
    assert (await sign_in(client, GRACE)).status_code == 303


async def test_a_new_link_replaces_the_old_and_each_works_once_for_an_hour(
    client, coop: Coop, clock
) -> None:
    await ready_trustee(client, coop)
    await ask_for_link(client)
    first = await link_in_last_mail(client, GRACE)
    await ask_for_link(client)
    second = await link_in_last_mail(client, GRACE)
    replaced = await client.get(first)
    assert replaced.status_code == 404 and "This link does not work" in replaced.text
    assert 'href="/password-reset"' in replaced.text
    assert (await post_form(client, second, password_form())).status_code == 200
    used = await post_form(client, second, password_form("another long password"))
    assert used.status_code == 410 and "This link has already been used" in used.text
    await ask_for_link(client)
    third = await link_in_last_mail(client, GRACE)
    clock.advance(PASSWORD_RESET_LIFETIME + timedelta(seconds=1))
    expired = await post_form(client, third, password_form("another long password"))
    assert expired.status_code == 410 and "This link has expired" in expired.text
    assert (await sign_in(client, GRACE, NEW_PASSWORD)).status_code == 303


async def test_bad_new_passwords_are_explained_and_the_link_still_works(client, coop: Coop) -> None:
    await ready_trustee(client, coop)
    await ask_for_link(client)
    link = await link_in_last_mail(client, GRACE)
    for form, message in [
        (password_form("too short"), "at least 10 characters"),
        (password_form(NEW_PASSWORD, "plum jam and six swans"), "The passwords do not match"),
    ]:
        page = await post_form(client, link, form)
        assert page.status_code == 422 and message in page.text
        assert "<title>Error: Choose a new password – coop</title>" in page.text
    assert (await post_form(client, link, password_form())).status_code == 200


async def test_the_office_cannot_read_a_password_reset_link(client, coop: Coop, pool) -> None:
    await ready_trustee(client, coop)
    await ask_for_link(client)
    link = await link_in_last_mail(client, GRACE)
    await sign_in(client, GRACE)
    mail_id = await pool.fetchval("SELECT id FROM outbox")
    page = await client.get(f"/office/outbox/{mail_id}")
    assert page.status_code == 200 and "We do not show what this message says" in page.text
    assert link not in page.text


async def test_without_a_mail_server_the_reset_page_says_the_link_waits_in_the_outbox(
    client, coop: Coop
) -> None:
    await ready_trustee(client, coop)
    asked = await ask_for_link(client)
    assert asked.status_code == 200
    assert '<h1 class="govuk-heading-l">Your link is waiting in the outbox</h1>' in asked.text
    assert "the email has <strong>not</strong> been sent" in asked.text
    assert "we have sent" not in asked.text and "Check your email" not in asked.text
    assert 'href="/office/outbox"' not in asked.text  # only for those allowed to open it
    assert (await sign_in(client, GRACE)).status_code == 303
    as_trustee = await ask_for_link(client)
    assert '<a class="govuk-link" href="/office/outbox">Open the outbox</a>' in as_trustee.text


async def test_with_a_mail_server_the_reset_page_says_to_check_your_email(
    db_url, settings, clock, coop: Coop
) -> None:
    import httpx

    from coop.web.app import create_app
    from tests.conftest import lifespan_of
    from tests.smtp import mail_settings, smtp_server

    with smtp_server() as (port, inbox):
        app = create_app(mail_settings(settings, port), db_url, clock=clock)
        async with lifespan_of(app):
            transport = httpx.ASGITransport(app=app, client=("192.0.2.11", 50000))
            async with httpx.AsyncClient(
                transport=transport, base_url="http://testserver.local"
            ) as c:
                c.app = app  # type: ignore[attr-defined]
                await ready_trustee(c, coop)
                asked = await ask_for_link(c)
                await asyncio.to_thread(inbox.wait_for, 1)
    assert "Check your email" in asked.text and "we have sent a link" in asked.text
    assert "waiting in the outbox" not in asked.text
