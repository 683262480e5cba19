"""The Leeds care co-op of ``tests.app.care.leeds``, everyone able to sign in to the pages."""

from __future__ import annotations

from typing import Any

import httpx

from coop.application import Coop
from coop.web.accounts.passwords import hash_password
from coop.web.commands import caught_up
from tests.app.care.leeds import Leeds, leeds
from tests.web.helpers import TRUSTEE_PASSWORD, sign_in

# A password hash is slow to make on purpose: made once for every test here.
PASSWORD_HASH = hash_password(TRUSTEE_PASSWORD)


async def town_of(client: httpx.AsyncClient, coop: Coop) -> Leeds:
    """Grace and Siobhan (users), Priya (Grace's carer), Hannah (no consent), the PAs, Joy."""
    town = leeds(coop, password_hash=PASSWORD_HASH)
    await seen(client)
    return town


async def seen(client: httpx.AsyncClient) -> None:
    """Wait until the pages' read models have everything written so far."""
    await caught_up(services_of(client), "care", "accounts", "members", "carers")


def services_of(client: httpx.AsyncClient) -> Any:
    return client.app.state["services"]  # type: ignore[attr-defined]


async def as_(client: httpx.AsyncClient, first_name: str) -> None:
    """Sign in as one of the town's people, by first name (Joy: the coordinator)."""
    client.cookies.clear()
    response = await sign_in(client, f"{first_name.lower()}@example.org")
    assert response.status_code == 303, response.text


async def events(client: httpx.AsyncClient) -> int:
    return int(await services_of(client).pool.fetchval("SELECT count(*) FROM coop_events"))


def booking(
    day: str = "24", month: str = "11", year: str = "2026", **overrides: Any
) -> dict[str, Any]:
    """The booking form as a browser sends it: Tuesday 24 November 2026, 10:00 for 1 hour."""
    form: dict[str, Any] = {
        "day": day,
        "month": month,
        "year": year,
        "time": "10:00",
        "hours": "1",
        "mins": "0",
        "tasks": ["personal_care"],
        "pa": "",
    }
    form.update(overrides)
    return form
