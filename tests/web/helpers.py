"""Driving the app over HTTP as a browser would: CSRF token, sign-in."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from coop.application import Coop
from coop.domain.accounts import Role
from coop.web.accounts.passwords import hash_password

TRUSTEE_PASSWORD = "correct horse battery staple"


async def csrf(client: AsyncClient) -> str:
    """The CSRF token a form on this site would carry."""
    if "csrftoken" not in client.cookies:
        await client.get("/")
    return str(client.cookies["csrftoken"])


async def post_form(client: AsyncClient, path: str, data: dict[str, Any], **kw: Any) -> Any:
    return await client.post(path, data={**data, "_csrf_token": await csrf(client)}, **kw)


def open_trustee(
    coop: Coop, email: str = "grace.okafor@example.org", name: str = "Grace Okafor"
) -> Any:
    return coop.open_account(
        name=name,
        email=email,
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(Role.MEMBER, Role.TRUSTEE),
    )


async def sign_in(client: AsyncClient, email: str, password: str = TRUSTEE_PASSWORD) -> Any:
    return await post_form(client, "/sign-in", {"email": email, "password": password})
