"""Supported voting: who each member has named as their advocate, and since when.

The vote an advocate casts is still checked against the ``Advocacy`` aggregate (the
write side); this read model only shows members and advocates where they stand.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.governance.votes import Advocacy
from coop.projections.base import Projection, Statement

advocacy = Projection("advocacy", tables=("advocates",))

# Made by the aggregate's ``@event("Renamed")``, so it has no static declaration.
_RENAMED: Any = getattr(Advocacy, "Renamed")  # noqa: B009


@advocacy.on(Advocacy.Named)
def named(e: Advocacy.Named, position: int) -> list[Statement]:
    return [
        (
            "INSERT INTO {advocates} (advocacy_id, member_id, advocate_account, since)"
            " VALUES ($1, $2, $3, $4)",
            (e.originator_id, e.member_id, e.advocate_account, e.on),
        )
    ]


@advocacy.on(_RENAMED)
def renamed(e: Any, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {advocates} SET advocate_account = $2, since = $3, ended = false"
            " WHERE advocacy_id = $1",
            (e.originator_id, e.advocate_account, e.on),
        )
    ]


@advocacy.on(Advocacy.Ended)
def ended(e: Advocacy.Ended, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {advocates} SET advocate_account = NULL, since = $2, ended = true"
            " WHERE advocacy_id = $1",
            (e.originator_id, e.on),
        )
    ]


# Queries ------------------------------------------------------------------------------


class Advocate(msgspec.Struct, frozen=True):
    """The account a member has named as their advocate, and the day they named it."""

    account_id: UUID
    since: date


async def advocate_of(pool: asyncpg.Pool, member_id: UUID) -> Advocate | None:
    """The member's advocate now, if they have one."""
    row = await pool.fetchrow(
        "SELECT advocate_account, since FROM advocates"
        " WHERE member_id = $1 AND advocate_account IS NOT NULL",
        member_id,
    )
    return None if row is None else Advocate(row["advocate_account"], row["since"])


class Advocating(msgspec.Struct, frozen=True):
    """A member who has named this account as their advocate."""

    member_id: UUID
    name: str
    since: date


async def advocating_for(pool: asyncpg.Pool, account_id: UUID) -> list[Advocating]:
    """The members who have named ``account_id`` as their advocate, by name."""
    rows = await pool.fetch(
        "SELECT a.member_id, m.name, a.since FROM advocates a"
        " JOIN members m ON m.member_id = a.member_id"
        " WHERE a.advocate_account = $1 ORDER BY m.name, a.member_id",
        account_id,
    )
    return [Advocating(*r) for r in rows]


async def account_of_member(pool: asyncpg.Pool, member_id: UUID) -> UUID | None:
    """The account the member signs in with: the one that votes for those who name them."""
    found: UUID | None = await pool.fetchval(
        "SELECT account_id FROM accounts WHERE member_id = $1", member_id
    )
    return found


class AdvocateName(msgspec.Struct, frozen=True):
    """How an advocate is named to the member who chose them."""

    name: str
    membership_number: int | None


async def advocate_name(pool: asyncpg.Pool, account_id: UUID) -> AdvocateName | None:
    """The advocate's name and membership number, or None if the account is gone."""
    row = await pool.fetchrow(
        "SELECT a.name, m.membership_number FROM accounts a"
        " LEFT JOIN members m ON m.member_id = a.member_id WHERE a.account_id = $1",
        account_id,
    )
    return None if row is None else AdvocateName(row["name"], row["membership_number"])
