"""Applying to join over HTTP: what applicants see, and bad input that changes nothing."""

from __future__ import annotations

from uuid import uuid4

import asyncpg
import pytest

from coop.application import Coop
from tests.people import application_form
from tests.web.helpers import post_form
from tests.web.test_api import api_application


async def count_events(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM coop_events"))


async def test_the_apply_page_asks_every_question_with_labels(client) -> None:
    page = await client.get("/apply")
    assert page.status_code == 200
    for label in (
        "Full name",
        "Email address",
        "Phone number",
        "Postal address",
        "Postcode",
        "How would you like us to contact you?",
        "Which of these describes you?",
        "Easy Read documents",
        "British Sign Language (BSL) interpreter",
    ):
        assert label in page.text
    assert 'name="_csrf_token"' in page.text
    assert "<title>Apply to join – coop</title>" in page.text


async def test_a_complete_application_gets_a_reference(client, pool) -> None:
    response = await post_form(client, "/apply", application_form("Amira Hassan"))
    assert response.status_code == 303
    received = await client.get(response.headers["location"])
    member_id = await pool.fetchval("SELECT member_id FROM members")
    reference = str(member_id).replace("-", "")[:8].upper()
    assert f"<strong>{reference}</strong>" in received.text
    assert "The trustees will look at your application" in received.text
    assert "bookmark it or save its web address" in received.text
    assert await pool.fetchval("SELECT name FROM members") == "Amira Hassan"


async def test_the_applicant_follows_their_application_at_an_address_nobody_can_guess(
    client, coop: Coop, pool
) -> None:
    amira = await post_form(client, "/apply", application_form("Amira Hassan"))
    tom = await post_form(client, "/apply", application_form("Tom Whitfield"))
    addresses = [amira.headers["location"], tom.headers["location"]]
    member_id = await pool.fetchval("SELECT member_id FROM members WHERE name = 'Amira Hassan'")
    secret = addresses[0].removeprefix("/apply/received/")
    # 32 characters of random: not the member's id, nor anything made from it.
    assert len(secret) == 32 and addresses[0] != addresses[1]
    assert str(member_id).replace("-", "")[:8] not in secret.lower()
    done = coop.admit(member_id, by=uuid4(), minute_reference="B2026-11 item 4")
    await client.app.state["services"].seen(done.position, "members")
    admitted = await client.get(addresses[0])
    assert "Good news: the trustees have admitted you as a member." in admitted.text
    still_waiting = await client.get(addresses[1])
    assert "The trustees will look at your application" in still_waiting.text


async def test_an_application_through_the_api_is_followed_at_the_address_it_answers(
    client,
) -> None:
    applied = await client.post("/api/applications", json=api_application("Tom Whitfield"))
    follow_at = applied.json()["follow_at"]
    assert follow_at.startswith("/apply/received/") and applied.json()["member_id"] not in follow_at
    page = await client.get(follow_at)
    assert page.status_code == 200
    assert f"<strong>{applied.json()['reference']}</strong>" in page.text


async def test_a_member_id_or_a_short_reference_shows_nothing_about_an_application(
    client, pool
) -> None:
    await post_form(client, "/apply", application_form("Amira Hassan"))
    member_id = await pool.fetchval("SELECT member_id FROM members")
    for guess in (str(member_id), str(member_id).replace("-", "")[:8].upper(), "x" * 32):
        response = await client.get(f"/apply/received/{guess}")
        assert response.status_code == 404
        assert "There is no application with that reference" in response.text
        assert "Application received" not in response.text


BAD = [
    ({"name": ""}, "name", "Enter your full name"),
    ({"name": "A" * 201}, "name", "Full name must be 200 characters or fewer"),
    ({"name": "<script>alert(1)</script>"}, "name", "Full name must not contain HTML tags"),
    ({"name": "Amira\x00Hassan"}, "name", "Full name must not contain control characters"),
    ({"email": "amira-at-example.org"}, "email", "Enter an email address in the correct format"),
    (
        {"email": "", "phone": "", "contact_methods": ["letter"]},
        "email",
        "Enter an email address or a phone number",
    ),
    ({"phone": "call me maybe"}, "phone", "Enter a phone number, like 0113 496 0000"),
    ({"address": ""}, "address", "Enter your postal address"),
    (
        {"address": "1 Road\n<img src=x onerror=alert(1)>"},
        "address",
        "Postal address must not contain HTML tags",
    ),
    ({"postcode": "NOTAPOST"}, "postcode", "Enter a real postcode, like LS1 4AP"),
    (
        {"requested_class": "overlord"},
        "requested_class",
        "Select whether you use care, are a carer",
    ),
    ({"requested_class": ""}, "requested_class", "Select whether you use care, are a carer"),
    ({"contact_methods": []}, "contact_methods", "Select at least one way we can contact you"),
    (
        {"contact_methods": ["carrier-pigeon"]},
        "contact_methods",
        "Select how you would like us to contact you",
    ),
    (
        {"contact_methods": ["phone"], "phone": ""},
        "phone",
        "Enter your phone number, or choose another way",
    ),
    (
        {"access_needs": "x" * 2001},
        "access_needs",
        "Accessibility needs must be 2000 characters or fewer",
    ),
    (
        {"agrees_with_purpose": ""},
        "agrees_with_purpose",
        "Confirm that you agree with the co-op's purpose",
    ),
]


@pytest.mark.parametrize(
    ("change", "field", "message"), BAD, ids=[f"{f}:{m[:30]}" for _, f, m in BAD]
)
async def test_bad_input_is_explained_by_the_field_and_stores_nothing(
    client, pool, change, field, message
) -> None:
    before = await count_events(pool)
    response = await post_form(client, "/apply", application_form("Amira Hassan", **change))
    assert response.status_code == 422
    text = response.text
    assert "<title>Error: Apply to join – coop</title>" in text
    assert "There is a problem" in text
    assert f'href="#{field}"' in text  # the summary links to the field
    assert f'id="{field}-error"' in text
    assert message.replace("'", "&#39;") in text
    assert "<script>alert(1)</script>" not in text  # answers are kept, but escaped
    assert await count_events(pool) == before


async def test_answers_are_kept_when_the_page_shows_errors(client) -> None:
    response = await post_form(
        client,
        "/apply",
        application_form("Tom O'Brien", postcode="nope", access_needs="Large print, 18pt"),
    )
    assert response.status_code == 422
    assert 'value="Tom O&#39;Brien"' in response.text
    assert "Large print, 18pt" in response.text
    assert 'value="email" checked' in response.text


async def test_applying_twice_with_one_email_is_refused_and_stores_nothing(client, pool) -> None:
    assert (await post_form(client, "/apply", application_form("Amira Hassan"))).status_code == 303
    before = await count_events(pool)
    again = await post_form(
        client, "/apply", application_form("Amira Hassan", email="AMIRA.HASSAN@example.org")
    )
    assert again.status_code == 422
    assert "Someone has already applied with this email address" in again.text
    assert await count_events(pool) == before


async def test_a_form_without_its_csrf_token_is_refused(client, pool) -> None:
    await client.get("/apply")
    response = await client.post("/apply", data=application_form("Amira Hassan"))
    assert response.status_code == 403
    assert await count_events(pool) == 0


async def test_a_huge_request_is_refused(client, pool) -> None:
    response = await post_form(
        client, "/apply", application_form("Amira Hassan", access_needs="x" * 2_000_000)
    )
    assert response.status_code == 413
    assert await count_events(pool) == 0


async def test_a_received_page_for_an_unknown_reference_is_not_found(client) -> None:
    response = await client.get("/apply/received/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert "There is no application with that reference" in response.text
