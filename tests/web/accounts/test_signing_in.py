"""Signing in and out: sessions in PostgreSQL, a new session each time, rate limits."""

from __future__ import annotations

from coop.application import Coop
from coop.infra.sign_in_limit import MAX_FAILURES_PER_EMAIL
from tests.web.helpers import open_trustee, post_form, sign_in

EMAIL = "grace.okafor@example.org"


async def ready_trustee(client, coop: Coop) -> None:
    done = open_trustee(coop)
    await client.app.state["services"].seen(done.position, "accounts")


async def test_signing_in_starts_a_new_server_side_session(client, coop: Coop, pool) -> None:
    await ready_trustee(client, coop)
    client.cookies.set("coop_session", "chosen-by-an-attacker", domain="testserver.local")
    response = await sign_in(client, EMAIL)
    assert response.status_code == 303 and response.headers["location"] == "/"
    token = client.cookies["coop_session"]
    assert token != "chosen-by-an-attacker"
    assert (
        "HttpOnly" in response.headers["set-cookie"]
        and "SameSite=lax" in response.headers["set-cookie"]
    )
    stored = await pool.fetchval("SELECT key FROM web_sessions")
    assert stored != token and len(stored) == 64  # only the token's hash is kept
    home = await client.get("/")
    assert "Signed in as <strong>Grace Okafor</strong>" in home.text


async def test_the_sign_in_page_works_with_password_managers(client) -> None:
    page = await client.get("/sign-in")
    assert 'autocomplete="username"' in page.text and 'autocomplete="current-password"' in page.text
    assert "onpaste" not in page.text


async def test_a_wrong_password_says_so_without_saying_which_part_was_wrong(
    client, coop: Coop
) -> None:
    await ready_trustee(client, coop)
    wrong = await sign_in(client, EMAIL, "not the password")
    unknown = await sign_in(client, "nobody@example.org", "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "The email address or password is not right" in response.text
    assert "coop_session" not in client.cookies


async def test_missing_answers_are_asked_for(client) -> None:
    response = await post_form(client, "/sign-in", {"email": "", "password": ""})
    assert response.status_code == 422
    assert "Enter your email address" in response.text and "Enter your password" in response.text


async def test_repeated_failures_pause_sign_in_for_that_email(client, coop: Coop) -> None:
    await ready_trustee(client, coop)
    for _ in range(MAX_FAILURES_PER_EMAIL):
        assert (await sign_in(client, EMAIL, "guess")).status_code == 422
    paused = await sign_in(client, EMAIL)  # even the right password, for now
    assert paused.status_code == 429
    assert "too many attempts to sign in. Wait 15 minutes" in paused.text
    assert "coop_session" not in client.cookies


async def test_signing_out_ends_the_session(client, coop: Coop, pool) -> None:
    await ready_trustee(client, coop)
    await sign_in(client, EMAIL)
    token = client.cookies["coop_session"]
    out = await post_form(client, "/sign-out", {})
    assert out.status_code == 303
    assert await pool.fetchval("SELECT count(*) FROM web_sessions") == 0
    client.cookies.set("coop_session", token)  # replaying the old cookie gets nothing
    page = await client.get("/trustees/applications")
    assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")


async def test_after_signing_in_people_return_to_the_page_they_wanted(client, coop: Coop) -> None:
    await ready_trustee(client, coop)
    asked = await client.get("/register")
    assert asked.headers["location"] == "/sign-in?next=%2Fregister"
    form = await client.get(asked.headers["location"])
    assert 'name="next" value="/register"' in form.text
    response = await post_form(
        client,
        "/sign-in",
        {"email": EMAIL, "password": "correct horse battery staple", "next": "/register"},
    )
    assert response.headers["location"] == "/register"


async def test_sign_in_never_redirects_off_site(client, coop: Coop) -> None:
    await ready_trustee(client, coop)
    response = await post_form(
        client,
        "/sign-in",
        {
            "email": EMAIL,
            "password": "correct horse battery staple",
            "next": "//evil.example/steal",
        },
    )
    assert response.headers["location"] == "/"


async def test_a_session_in_use_stays_alive_and_an_idle_one_ends(client, coop: Coop, clock) -> None:
    from datetime import timedelta

    await ready_trustee(client, coop)
    await sign_in(client, EMAIL)
    idle_limit = client.app.state["services"].settings.session_hours
    assert idle_limit >= 20  # WCAG 2.2.1: no timeout warning is needed at 20 hours or more
    for _ in range(3):  # in use now and then, for longer than the idle limit in all
        clock.advance(timedelta(hours=idle_limit - 1))
        assert (await client.get("/register")).status_code == 200
    clock.advance(timedelta(hours=idle_limit + 1))  # then left alone
    ended = await client.get("/register")
    assert ended.status_code == 303 and ended.headers["location"].startswith("/sign-in")


async def test_a_session_used_every_few_seconds_is_written_at_most_once_a_minute_and_stays_alive(
    client, coop: Coop, clock, pool
) -> None:
    from datetime import timedelta

    await ready_trustee(client, coop)
    await sign_in(client, EMAIL)
    idle_limit = timedelta(hours=client.app.state["services"].settings.session_hours)
    signed_in_at = clock.now()
    for _ in range(5):  # busy for 50 seconds: the idle limit is not rewritten
        clock.advance(timedelta(seconds=10))
        assert (await client.get("/register")).status_code == 200
    assert await pool.fetchval("SELECT expires_at FROM web_sessions") == signed_in_at + idle_limit
    clock.advance(timedelta(seconds=15))  # more than a minute on: it moves with this use
    assert (await client.get("/register")).status_code == 200
    assert await pool.fetchval("SELECT expires_at FROM web_sessions") == clock.now() + idle_limit
    clock.advance(idle_limit - timedelta(seconds=1))
    assert (await client.get("/register")).status_code == 200


async def test_no_session_outlives_a_week_however_active(client, coop: Coop, clock) -> None:
    from datetime import timedelta

    await ready_trustee(client, coop)
    await sign_in(client, EMAIL)
    for _ in range(7 * 24 // 12):
        clock.advance(timedelta(hours=12))
        response = await client.get("/register")
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
