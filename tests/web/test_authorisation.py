"""Every route × every kind of person: allowed, refused (403), or sent to sign in."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from litestar import Litestar, get
from litestar.routes import HTTPRoute

from coop.application import Coop
from coop.domain.accounts import Role
from coop.web.auth import NotAllowed, access_guard
from coop.web.passwords import hash_password
from coop.web.problems import handle_not_allowed
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD, csrf, open_trustee, sign_in

ANYONE, SIGNED_IN, TRUSTEE = "anyone", "signed-in", "trustee"

# Who may use each route. A new route must be added here, or the first test fails.
MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/"): ANYONE,
    ("GET", "/help"): ANYONE,
    ("GET", "/accessibility"): ANYONE,
    ("GET", "/apply"): ANYONE,
    ("POST", "/apply"): ANYONE,
    ("GET", "/apply/received/{member_id:uuid}"): ANYONE,
    ("GET", "/sign-in"): ANYONE,
    ("POST", "/sign-in"): ANYONE,
    ("POST", "/sign-out"): SIGNED_IN,
    ("GET", "/trustees/applications"): TRUSTEE,
    ("POST", "/trustees/applications/{member_id:uuid}/admit"): TRUSTEE,
    ("GET", "/trustees/applications/{member_id:uuid}/refuse"): TRUSTEE,
    ("POST", "/trustees/applications/{member_id:uuid}/refuse"): TRUSTEE,
    ("GET", "/register"): TRUSTEE,
    ("POST", "/api/tokens"): ANYONE,
    ("DELETE", "/api/tokens/current"): SIGNED_IN,
    ("POST", "/api/applications"): ANYONE,
    ("GET", "/api/applications"): TRUSTEE,
    ("GET", "/api/applications/{member_id:uuid}"): TRUSTEE,
    ("POST", "/api/applications/{member_id:uuid}/admit"): TRUSTEE,
    ("POST", "/api/applications/{member_id:uuid}/refuse"): TRUSTEE,
    ("GET", "/api/register"): TRUSTEE,
    ("GET", "/api/schema"): ANYONE,
    ("GET", "/api/schema/{path:str}"): ANYONE,
    ("GET", "/api/schema/openapi.json"): ANYONE,
    ("GET", "/static/{file_path:path}"): ANYONE,
}


def app_routes(app: Litestar) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for method in route.methods - {"HEAD", "OPTIONS"}:
                found.add((method, route.path))
    return found


async def test_every_route_is_in_the_matrix(client) -> None:
    assert app_routes(client.app) == set(MATRIX)


async def _as(client: httpx.AsyncClient, who: str, coop: Coop) -> dict[str, str]:
    """Sign ``client`` in as ``who``; return the API headers for that person."""
    if who == "anonymous":
        return {}
    email = {"member": "tom.whitfield@example.org", "trustee": "grace.okafor@example.org"}[who]
    if who == "trustee":
        done = open_trustee(coop)
    else:
        done = coop.open_account(
            name="Tom Whitfield",
            email=email,
            password_hash=hash_password(TRUSTEE_PASSWORD),
            roles=(Role.MEMBER, Role.USER),
        )
    await client.app.state["services"].seen(done.position, "accounts")
    assert (await sign_in(client, email)).status_code == 303
    token = await client.post("/api/tokens", json={"email": email, "password": TRUSTEE_PASSWORD})
    return {"Authorization": f"Bearer {token.json()['token']}"}


def _expected(rule: str, who: str) -> str:
    if rule == ANYONE:
        return "allowed"
    if who == "anonymous":
        return "sign-in"
    if rule == SIGNED_IN or who == "trustee":
        return "allowed"
    return "refused"


@pytest.mark.parametrize("who", ["anonymous", "member", "trustee"])
async def test_each_route_allows_refuses_or_asks_to_sign_in(client, coop: Coop, who: str) -> None:
    member_id = coop.apply_for_membership(details("Amira Hassan")).subject
    headers = await _as(client, who, coop)
    token = await csrf(client)
    for (method, template), rule in sorted(MATRIX.items()):
        if (method, template) in {
            ("POST", "/sign-out"),
            ("POST", "/sign-in"),
            ("DELETE", "/api/tokens/current"),
        }:
            continue  # would change who is signed in mid-test; covered in test_signing_in
        path = (
            template.replace("{member_id:uuid}", str(member_id))
            .replace("{file_path:path}", "coop.css")
            .replace("{path:str}", "openapi.json")
        )
        api = path.startswith("/api/")
        kwargs: dict[str, Any] = {"headers": headers} if api else {}
        if method == "POST":
            kwargs.update({"json": {}} if api else {"data": {"_csrf_token": token}})
        response = await client.request(method, path, **kwargs)
        expected = _expected(rule, who)
        if expected == "sign-in":
            if api:
                assert response.status_code == 401, (method, path, response.status_code)
            else:
                assert response.status_code == 303, (method, path)
                assert response.headers["location"].startswith("/sign-in"), (method, path)
        elif expected == "refused":
            assert response.status_code == 403, (method, path, response.status_code)
        else:
            assert response.status_code not in (401, 403), (method, path, response.status_code)
            assert not response.headers.get("location", "").startswith("/sign-in"), (method, path)


async def test_a_handler_that_declares_no_rule_is_refused_to_everyone() -> None:
    @get("/api/forgotten")
    async def forgotten() -> str:
        return "secret"

    app = Litestar(
        [forgotten], guards=[access_guard], exception_handlers={NotAllowed: handle_not_allowed}
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        response = await c.get("/api/forgotten")
    assert response.status_code == 403 and "secret" not in response.text
