"""Who is asking, and may they? Deny by default.

Every route states who may use it with ``opt=allow(...)``, said once for a
group of handlers by the router that holds them (each context's ``routes.py``);
the one global guard refuses any handler that has no rule. Pages identify people by the
session cookie; the JSON API only by a bearer token (so no cross-site request
can act through it).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from coop.infra.api_tokens import api_token_account
from coop.projections.accounts.queries import AccountRow, account_by_id, account_signed_in
from coop.web.accounts.session_cookie import COOKIE
from coop.web.services import services

ANYONE = "anyone"
SIGNED_IN = "signed-in"


class User(msgspec.Struct, frozen=True):
    """The person signed in."""

    account_id: UUID
    name: str
    roles: frozenset[str]
    member_id: UUID | None

    def has(self, role: str) -> bool:
        """True if the person has this role."""
        return role in self.roles


class SignInRequired(Exception):
    """Nobody is signed in, and this needs someone who is."""


class NotAllowed(Exception):
    """Signed in, but without a role this needs."""


class NotYours(NotAllowed):
    """The route is theirs to use, but not for this one thing (another PA's pay, say);
    the message says so."""


def allow(*who: str) -> dict[str, Any]:
    """Route option: who may use this handler (ANYONE, SIGNED_IN or roles)."""
    return {"allow": frozenset(who)}


TRUSTEES = allow("trustee", "secretary")


def is_api(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """True for the JSON API's paths (bearer tokens, problem documents)."""
    return connection.url.path.startswith("/api/")


async def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    """The signed-in person, loaded once per request."""
    if "user" in connection.state:
        user: User | None = connection.state["user"]
        return user
    s = services(connection.app)
    now = s.clock.now()
    row: AccountRow | None = None
    if is_api(connection):
        scheme, _, token = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            account_id = await api_token_account(s.pool, token.strip(), now)
            row = None if account_id is None else await account_by_id(s.pool, account_id)
    elif cookie := connection.cookies.get(COOKIE):
        row = await account_signed_in(s.pool, cookie, now, s.settings.session_hours)
    user = (
        None if row is None else User(row.account_id, row.name, frozenset(row.roles), row.member_id)
    )
    connection.state["user"] = user
    return user


async def access_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The one guard on every route: refuse unless the handler allows this person."""
    allowed: frozenset[str] | None = handler.opt.get("allow")
    if not allowed:
        raise NotAllowed(f"{handler} declares no access rule")  # deny by default
    if ANYONE in allowed:
        await current_user(connection)
        return
    user = await current_user(connection)
    if user is None:
        raise SignInRequired()
    if SIGNED_IN in allowed or user.roles & allowed:
        return
    raise NotAllowed()
