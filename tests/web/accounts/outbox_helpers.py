"""Reading the links our e-mails carry, straight from the outbox table."""

from __future__ import annotations

import re
from typing import Any

import httpx


def pool_of(client: httpx.AsyncClient) -> Any:
    return client.app.state["services"].pool  # type: ignore[attr-defined]


async def link_in_last_mail(client: httpx.AsyncClient, to: str) -> str:
    """The path of the link in the newest message to ``to`` (e.g. /invitations/abc)."""
    body = await pool_of(client).fetchval(
        "SELECT body FROM outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1", to
    )
    assert body is not None, f"no mail to {to}"
    found = re.search(r"https?://[^/\s]+(/(?:invitations|password-reset)/[A-Za-z0-9_-]+)", body)
    assert found, body
    return found.group(1)


def another_browser(client: httpx.AsyncClient, address: str = "198.51.100.7") -> httpx.AsyncClient:
    """A second person on the same running app, with their own cookies."""
    transport = httpx.ASGITransport(app=client.app, client=(address, 50001))  # type: ignore[attr-defined]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")
