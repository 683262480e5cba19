"""The Leeds co-op (``tests.app.care.leeds``) over HTTP: its PAs and its coordinator sign in."""

from __future__ import annotations

import html
from typing import Any, NamedTuple

import httpx

from coop.application import Coop
from coop.web.accounts.passwords import hash_password
from coop.web.commands import caught_up as everything_seen
from coop.web.services import services
from tests.app.care.leeds import Leeds, leeds
from tests.web.helpers import TRUSTEE_PASSWORD, post_form, sign_in


async def caught_up(client: httpx.AsyncClient) -> None:
    """Wait until the projections the care pages read have applied every event so far."""
    await everything_seen(services(client.app), "accounts", "members", "care", "rules")  # type: ignore[attr-defined]


async def leeds_online(client: httpx.AsyncClient, coop: Coop) -> Leeds:
    """The Leeds co-op, everyone able to sign in with the test password."""
    town = leeds(coop)
    password = hash_password(TRUSTEE_PASSWORD)
    for account in [*town.account.values(), town.joy]:
        coop.change_password(account, password)
    await caught_up(client)
    await caught_up(client)
    return town


async def as_(client: httpx.AsyncClient, first_name: str) -> None:
    """Sign in as the Leeds person with this first name (Joy is the coordinator)."""
    client.cookies.clear()  # a fresh browser: no session, a new CSRF token
    response = await sign_in(client, f"{first_name.lower()}@example.org")
    assert response.status_code == 303, response.text


class Answer(NamedTuple):
    """A response as a person reads it: its status, where it sends them, and its words."""

    status_code: int
    headers: httpx.Headers
    text: str  # with the HTML entities read as characters (Grace's, not Grace&#39;s)


def _read(response: httpx.Response) -> Answer:
    return Answer(response.status_code, response.headers, html.unescape(response.text))


async def submit(
    client: httpx.AsyncClient, path: str, data: dict[str, Any] | None = None
) -> Answer:
    """Post a form as the page would (with its CSRF token)."""
    return _read(await post_form(client, path, data or {}))


async def fetch(client: httpx.AsyncClient, path: str) -> Answer:
    return _read(await client.get(path))


async def read(client: httpx.AsyncClient, path: str) -> str:
    """The words of the page at ``path``."""
    return (await fetch(client, path)).text
