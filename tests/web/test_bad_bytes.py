"""Bodies that are not UTF-8, or JSON nested beyond reason, get 400 on every route.

The routes come from the app's own route table, so a route added later is tried too.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from uuid import uuid4

import httpx
from litestar import Litestar
from litestar.routes import HTTPRoute

from coop.application import Coop
from coop.domain.accounts import Role
from coop.projections.membership.queries import applications_awaiting_decision
from coop.web.accounts.passwords import hash_password
from tests.web.helpers import TRUSTEE_PASSWORD, csrf, sign_in

PROBLEM = "application/problem+json"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class Body(NamedTuple):
    """A body a broken or hostile client might send, and what it is sent as."""

    content: bytes
    content_type: str
    kind: str  # "json" (read by API routes) or "form" (read by every page's CSRF check)


def bodies(csrf_token: str) -> dict[str, Body]:
    token = csrf_token.encode()
    boundary = "coop-boundary"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="_csrf_token"\r\n\r\n'.encode()
        + token
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n'.encode()
        + b"\xff\xfe\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    return {
        "json not utf-8": Body(b'{"name":"\xff\xfe"}', "application/json", "json"),
        "json nested 100,000 deep": Body(b"[" * 100_000, "application/json", "json"),
        "json cut short": Body(b'{"name": "Amira', "application/json", "json"),
        "form %-escapes not utf-8": Body(
            b"name=%FF%FE&_csrf_token=" + token, "application/x-www-form-urlencoded", "form"
        ),
        "form bytes not utf-8": Body(
            b"name=\xff\xfe&_csrf_token=" + token, "application/x-www-form-urlencoded", "form"
        ),
        "multipart not utf-8": Body(multipart, f"multipart/form-data; boundary={boundary}", "form"),
    }


# What is sent to routes that read no body (a GET), to keep the test fast.
ON_GET = {"json not utf-8", "form bytes not utf-8"}


def _reads_json_body(route: HTTPRoute, method: str) -> bool:
    return "data" in route.route_handler_map[method][0].parsed_fn_signature.parameters


def every_route(app: Litestar) -> list[tuple[str, str, bool]]:
    """(method, path, reads a JSON body) for every route, with its path filled in.

    Routes that read no body come last: sending them anything may still act (sign out,
    revoke the token), which must not change who is asking for the routes after them.
    """
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        path = re.sub(r"\{[a-z_]+:uuid\}", str(uuid4()), route.path)
        path = re.sub(r"\{[a-z_]+:int\}", "1", path)
        path = re.sub(r"\{[a-z_]+:path\}", "coop.css", path)
        path = re.sub(r"\{[a-z_]+:str\}", "no-such-thing", path)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path, _reads_json_body(route, method)))
    return sorted(found, key=lambda r: (r[0] in UNSAFE and not r[2], r[1], r[0]))


async def _signed_in_with_every_role(client: httpx.AsyncClient, coop: Coop) -> dict[str, str]:
    """Sign in as someone every rule lets in, so each body reaches the route's reading of it."""
    done = coop.open_account(
        name="Grace Okafor",
        email="grace.okafor@example.org",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=tuple(Role),
    )
    await client.app.state["services"].seen(done.position, "accounts")
    assert (await sign_in(client, "grace.okafor@example.org")).status_code == 303
    answer = await client.post(
        "/api/tokens", json={"email": "grace.okafor@example.org", "password": TRUSTEE_PASSWORD}
    )
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _says_what_went_wrong(response: httpx.Response, api: bool) -> bool:
    """A problem document for the API; for pages, a page with a heading saying what happened."""
    content_type = response.headers.get("content-type", "")
    if api:
        return content_type.startswith(PROBLEM) and bool(response.json().get("title"))
    return content_type.startswith("text/html") and "<h1" in response.text


async def test_bodies_that_are_not_utf8_or_too_deep_get_400_on_every_route(
    client, coop: Coop
) -> None:
    headers = await _signed_in_with_every_role(client, coop)
    sent = bodies(await csrf(client))
    refused = 0
    for method, path, reads_json in every_route(client.app):
        api = path.startswith("/api/")
        for name, body in sent.items():
            if method == "GET" and name not in ON_GET:
                continue  # a GET reads no body: one of each kind shows it is not thrown by one
            response = await client.request(
                method,
                path,
                content=body.content,
                headers={**(headers if api else {}), "content-type": body.content_type},
            )
            where = (method, path, name, response.status_code)
            assert response.status_code < 500, where
            if response.status_code >= 400:
                assert _says_what_went_wrong(response, api), where
            # The bodies each route reads are refused as unreadable, before it acts.
            reads_it = reads_json if body.kind == "json" else not api and method in UNSAFE
            if reads_it:
                assert response.status_code == 400, where
                wanted = "could not be read" if name != "json cut short" else ""
                assert wanted in response.text, where
                refused += 1
    assert refused > 100  # most routes read a body: the test tried them all


async def test_the_api_names_what_was_wrong_with_the_bytes(client) -> None:
    for path in ("/api/applications", "/api/tokens"):
        not_utf8 = await client.post(
            path, content=b'{"name":"\xff\xfe"}', headers={"content-type": "application/json"}
        )
        assert not_utf8.status_code == 400
        assert not_utf8.headers["content-type"].startswith(PROBLEM)
        assert not_utf8.json()["detail"] == (
            "What you sent is not text in UTF-8. Send text encoded as UTF-8."
        )
        too_deep = await client.post(
            path, content=b"[" * 100_000, headers={"content-type": "application/json"}
        )
        assert too_deep.status_code == 400
        assert "nested too deeply" in too_deep.json()["detail"]


async def test_an_application_form_that_is_not_utf8_is_refused_and_nothing_is_saved(
    client,
) -> None:
    token = await csrf(client)
    response = await client.post(
        "/apply",
        content=b"name=Amira%FFHassan&email=amira%40example.org&_csrf_token=" + token.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "What you sent could not be read" in response.text
    assert "not text in UTF-8" in response.text
    assert await applications_awaiting_decision(client.app.state["services"].pool) == []
