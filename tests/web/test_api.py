"""The JSON API: the same commands and rules, problem documents for errors, OpenAPI."""

from __future__ import annotations

from coop.application import Coop
from tests.people import application_form
from tests.web.helpers import TRUSTEE_PASSWORD, open_trustee

PROBLEM = "application/problem+json"


def api_application(full_name: str = "Amira Hassan", **overrides: object) -> dict[str, object]:
    form = application_form(full_name, **overrides)
    form["agrees_with_purpose"] = form["agrees_with_purpose"] == "yes"
    return form


async def trustee_headers(client, coop: Coop) -> dict[str, str]:
    done = open_trustee(coop)
    await client.app.state["services"].seen(done.position, "accounts")
    response = await client.post(
        "/api/tokens", json={"email": "grace.okafor@example.org", "password": TRUSTEE_PASSWORD}
    )
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_an_integration_applies_and_a_trustee_admits_through_the_api(
    client, coop: Coop
) -> None:
    applied = await client.post("/api/applications", json=api_application())
    assert applied.status_code == 201
    body = applied.json()
    assert body["status"] == "applied" and len(body["reference"]) == 8
    headers = await trustee_headers(client, coop)
    waiting = await client.get("/api/applications", headers=headers)
    assert [a["name"] for a in waiting.json()] == ["Amira Hassan"]
    admitted = await client.post(
        f"/api/applications/{body['member_id']}/admit",
        json={"minute_reference": "B2026-11 item 4"},
        headers=headers,
    )
    assert admitted.status_code == 200
    assert admitted.json() == {
        "member_id": body["member_id"],
        "status": "admitted",
        "membership_number": 1,
    }
    register = await client.get("/api/register", headers=headers)
    assert (
        register.json()[0]["membership_number"] == 1 and register.json()[0]["amount_paid"] == "1.00"
    )


async def test_bad_input_gets_a_problem_document_naming_each_field(client, pool) -> None:
    response = await client.post(
        "/api/applications", json=api_application(name="", postcode="nope")
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["title"] == "Check the details you sent"
    assert {e["field"]: e["message"] for e in problem["errors"]} == {
        "name": "Enter your full name",
        "postcode": "Enter a real postcode, like LS1 4AP",
    }
    assert await pool.fetchval("SELECT count(*) FROM coop_events") == 0


async def test_malformed_json_and_wrong_types_are_refused_clearly(client, pool) -> None:
    garbled = await client.post(
        "/api/applications", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert garbled.status_code == 400 and garbled.headers["content-type"].startswith(PROBLEM)
    wrong_type = await client.post(
        "/api/applications", json={**api_application(), "contact_methods": "email"}
    )
    assert wrong_type.status_code == 400 and wrong_type.headers["content-type"].startswith(PROBLEM)
    assert await pool.fetchval("SELECT count(*) FROM coop_events") == 0


async def test_a_duplicate_email_is_a_conflict(client) -> None:
    assert (await client.post("/api/applications", json=api_application())).status_code == 201
    again = await client.post("/api/applications", json=api_application())
    assert again.status_code == 409
    assert "already applied with this email" in again.json()["title"]


async def test_the_api_ignores_session_cookies(client, coop: Coop) -> None:
    done = open_trustee(coop)
    await client.app.state["services"].seen(done.position, "accounts")
    from tests.web.helpers import sign_in

    await sign_in(client, "grace.okafor@example.org")
    response = await client.get("/api/applications")  # cookie present, no bearer token
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


async def test_a_forged_token_gets_nothing(client) -> None:
    response = await client.get("/api/register", headers={"Authorization": "Bearer forged-token"})
    assert response.status_code == 401


async def test_wrong_credentials_get_no_token(client, coop: Coop) -> None:
    open_trustee(coop)
    response = await client.post(
        "/api/tokens", json={"email": "grace.okafor@example.org", "password": "wrong"}
    )
    assert response.status_code == 401 and "token" not in response.json()


async def test_deciding_an_unknown_application_is_404(client, coop: Coop) -> None:
    headers = await trustee_headers(client, coop)
    response = await client.post(
        "/api/applications/00000000-0000-0000-0000-000000000000/refuse",
        json={"reason": "x", "minute_reference": "B1"},
        headers=headers,
    )
    assert response.status_code == 404 and response.headers["content-type"].startswith(PROBLEM)


async def test_the_openapi_document_describes_the_api(client) -> None:
    schema = (await client.get("/api/schema/openapi.json")).json()
    assert schema["info"]["title"] == "coop API"
    for path in (
        "/api/applications",
        "/api/applications/{member_id}/admit",
        "/api/register",
        "/api/tokens",
        "/api/rules",
    ):
        assert path in schema["paths"], path
    as_at = schema["paths"]["/api/register"]["get"]["parameters"][0]
    assert as_at["name"] == "as_at"


async def test_a_revoked_token_stops_working(client, coop: Coop) -> None:
    headers = await trustee_headers(client, coop)
    assert (await client.get("/api/register", headers=headers)).status_code == 200
    assert (await client.delete("/api/tokens/current", headers=headers)).status_code == 204
    assert (await client.get("/api/register", headers=headers)).status_code == 401


async def test_deciding_without_a_minute_or_reason_is_refused_and_changes_nothing(
    client, coop: Coop, pool
) -> None:
    applied = (await client.post("/api/applications", json=api_application())).json()
    headers = await trustee_headers(client, coop)
    before = await pool.fetchval("SELECT count(*) FROM coop_events")
    admit = await client.post(
        f"/api/applications/{applied['member_id']}/admit",
        json={"minute_reference": " "},
        headers=headers,
    )
    assert admit.status_code == 422
    assert admit.json()["errors"] == [
        {
            "field": "minute_reference",
            "message": "Enter the board minute reference for this decision",
        }
    ]
    refuse = await client.post(
        f"/api/applications/{applied['member_id']}/refuse",
        json={"minute_reference": "B1"},
        headers=headers,
    )
    assert refuse.status_code == 422
    assert refuse.json()["errors"] == [
        {"field": "reason", "message": "Enter the reason the application is refused"}
    ]
    assert await pool.fetchval("SELECT count(*) FROM coop_events") == before


async def test_the_registers_through_the_api_as_at_a_date_and_a_malformed_date_is_refused(
    client, coop: Coop
) -> None:
    headers = await trustee_headers(client, coop)
    empty = await client.get("/api/register", params={"as_at": "2020-01-01"}, headers=headers)
    assert empty.status_code == 200 and empty.json() == []
    bad = await client.get("/api/register", params={"as_at": "31/02/2026"}, headers=headers)
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json() == {
        "type": "about:blank",
        "title": "Check the date",
        "status": 400,
        "errors": [
            {"field": "as_at", "message": "as_at must be a date like 2026-11-23, not “31/02/2026”"}
        ],
    }
    trustees = await client.get("/api/trustees-register", params={"as_at": "x"}, headers=headers)
    assert trustees.status_code == 400
    assert trustees.json()["errors"] == [
        {"field": "as_at", "message": "as_at must be a date like 2026-11-23, not “x”"}
    ]
