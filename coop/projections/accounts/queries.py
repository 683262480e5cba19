"""Named reads of the accounts projection: sign-ins, and who has an account."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from coop.infra.sessions import LIVE_SESSION, session_arguments


class AccountRow(msgspec.Struct, frozen=True):
    """A sign-in as the read side knows it."""

    account_id: UUID
    email: str
    name: str
    roles: list[str]
    member_id: UUID | None
    password_hash: str


# Roles: those given to the account (e.g. coordinator), plus what the person's
# membership makes them now: member, their class, and any office they hold.
ACCOUNT_SELECT = (
    "SELECT a.account_id, a.email, a.name,"
    " a.roles || CASE WHEN m.status = 'admitted'"
    "   THEN ARRAY['member', m.member_class] || m.offices ELSE '{}'::text[] END AS roles,"
    " a.member_id, a.password_hash FROM accounts a LEFT JOIN members m ON m.member_id = a.member_id"
)


async def account_by_email(pool: asyncpg.Pool, email: str) -> AccountRow | None:
    """The account that signs in with this e-mail address."""
    row = await pool.fetchrow(ACCOUNT_SELECT + " WHERE a.email = $1", email.strip().lower())
    return AccountRow(**dict(row)) if row else None


async def account_by_id(pool: asyncpg.Pool, account_id: UUID) -> AccountRow | None:
    """One account, with the roles its membership brings."""
    row = await pool.fetchrow(ACCOUNT_SELECT + " WHERE a.account_id = $1", account_id)
    return AccountRow(**dict(row)) if row else None


async def account_signed_in(
    pool: asyncpg.Pool, token: str, now: datetime, hours: int
) -> AccountRow | None:
    """The account signed in with session ``token``, if the session is still valid.

    One round trip: the session, kept alive (see ``coop.infra.sessions``), and
    the account it signs in as the read side knows it.
    """
    row = await pool.fetchrow(
        LIVE_SESSION + ACCOUNT_SELECT + " JOIN s ON a.account_id = encode(s.value, 'hex')::uuid",
        *session_arguments(token, now, hours),
    )
    return AccountRow(**dict(row)) if row else None


class MemberAccount(msgspec.Struct, frozen=True):
    """The account a member signs in with, and the roles given to it."""

    account_id: UUID
    roles: list[str]


async def account_of_member(
    pool: asyncpg.Pool, member_id: UUID, email: str
) -> MemberAccount | None:
    """The account opened for this member, or with their e-mail address, if there is one."""
    row = await pool.fetchrow(
        "SELECT account_id, roles FROM accounts"
        " WHERE member_id = $1 OR ($2 <> '' AND email = $2) LIMIT 1",
        member_id,
        email.lower(),
    )
    return MemberAccount(row["account_id"], list(row["roles"])) if row else None


class StaffAccount(msgspec.Struct, frozen=True):
    """An account as the trustees see it when changing its staff roles."""

    account_id: UUID
    name: str
    email: str
    roles: list[str]
    member_id: UUID | None


async def staff_account(pool: asyncpg.Pool, account_id: UUID) -> StaffAccount | None:
    """One account with the roles given to it (not those its membership brings)."""
    row = await pool.fetchrow(
        "SELECT account_id, name, email, roles, member_id FROM accounts WHERE account_id = $1",
        account_id,
    )
    return None if row is None else StaffAccount(*row)


async def account_data(pool: asyncpg.Pool, account_id: UUID) -> dict[str, Any] | None:
    """What the account row holds about its holder, secrets left out (for subject access)."""
    row = await pool.fetchrow(
        "SELECT account_id, email, name, member_id, opened_on FROM accounts WHERE account_id = $1",
        account_id,
    )
    return dict(row) if row else None
