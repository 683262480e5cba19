"""Everything coop holds about the signed-in person, for "Download my data" (UK GDPR art. 15).

Only rows that are about this person: found by their own member id, account id
and e-mail addresses, never by anything they sent. Secrets stay out: no
password hash, no session or token values.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from coop.web.accounts.sessions import LONGEST_SESSION
from coop.web.auth import User


def _rows(records: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [dict(r) for r in records]


async def _member(pool: asyncpg.Pool, member_id: UUID) -> dict[str, Any]:
    """The member record (every column), its timeline and its register entries."""
    record = await pool.fetchrow("SELECT * FROM members WHERE member_id = $1", member_id)
    timeline = await pool.fetch(
        "SELECT * FROM member_timeline WHERE member_id = $1 ORDER BY position", member_id
    )
    register = await pool.fetch(
        "SELECT * FROM register_history WHERE member_id = $1 ORDER BY valid_from", member_id
    )
    # Both sides of carer links. A user who has not (or no longer) consented is
    # named to the carer by membership number only, as on the carer's page.
    as_user = await pool.fetch(
        "SELECT l.*, m.membership_number AS carer_number, m.name AS carer_name"
        " FROM carer_links l JOIN members m ON m.member_id = l.carer_id"
        " WHERE l.user_id = $1 ORDER BY l.requested_on, l.link_id",
        member_id,
    )
    as_carer = await pool.fetch(
        "SELECT l.*, m.membership_number AS user_number,"
        " CASE WHEN l.state = 'consented' THEN m.name END AS user_name"
        " FROM carer_links l JOIN members m ON m.member_id = l.user_id"
        " WHERE l.carer_id = $1 ORDER BY l.requested_on, l.link_id",
        member_id,
    )
    return {
        "member_record": dict(record) if record else None,
        "timeline": _rows(timeline),
        "register_entries": _rows(register),
        "carer_links": {"carers_of_mine": _rows(as_user), "people_i_care_for": _rows(as_carer)},
    }


async def _sessions(
    pool: asyncpg.Pool, account_id: UUID, now: datetime, session_hours: int
) -> list[dict[str, Any]]:
    """Active sessions: when each started, was last used and ends; never its token."""
    rows = await pool.fetch(
        "SELECT started_at, expires_at FROM web_sessions WHERE value = $1 AND expires_at > $2"
        " ORDER BY started_at",
        account_id.bytes,
        now,
    )
    idle = timedelta(hours=session_hours)
    out = []
    for r in rows:
        # Each use moves the end to (use + idle), capped at LONGEST_SESSION after the
        # start, so the last use is the end less the idle time (at least, once capped).
        last_used = max(r["started_at"], r["expires_at"] - idle)
        capped = r["expires_at"] >= r["started_at"] + LONGEST_SESSION
        out.append(
            {
                "started_at": r["started_at"],
                "last_used_at": last_used,
                "last_used_at_is_earliest_possible": capped,
                "expires_at": r["expires_at"],
            }
        )
    return out


async def _mail(pool: asyncpg.Pool, addresses: list[str]) -> list[dict[str, Any]] | None:
    """Mail to these addresses (not its body: it may hold one-time links); None without an outbox."""
    if await pool.fetchval("SELECT to_regclass('outbox')") is None:
        return None
    rows = await pool.fetch(
        "SELECT to_address AS to, subject, created_at AS created, sent_at AS sent FROM outbox"
        " WHERE lower(to_address) = ANY($1::text[]) ORDER BY id",
        addresses,
    )
    return _rows(rows)


async def my_data(
    pool: asyncpg.Pool, user: User, now: datetime, session_hours: int
) -> dict[str, Any]:
    """Everything coop holds about ``user``, as plain data."""
    account = await pool.fetchrow(
        "SELECT account_id, email, name, member_id, opened_on FROM accounts WHERE account_id = $1",
        user.account_id,
    )
    data: dict[str, Any] = {
        "generated_at": now,
        "account": {**dict(account), "roles": sorted(user.roles)} if account else None,
    }
    member: dict[str, Any] = {
        "member_record": None,
        "timeline": [],
        "register_entries": [],
        "carer_links": {"carers_of_mine": [], "people_i_care_for": []},
    }
    if user.member_id is not None:
        member = await _member(pool, user.member_id)
    data.update(member)
    data["sessions"] = await _sessions(pool, user.account_id, now, session_hours)
    data["api_tokens"] = _rows(
        await pool.fetch(
            "SELECT created_at, expires_at FROM api_tokens WHERE account_id = $1"
            " AND expires_at > $2 ORDER BY created_at",
            user.account_id,
            now,
        )
    )
    addresses = {account["email"]} if account else set()
    if member["member_record"] and member["member_record"]["email"]:
        addresses.add(member["member_record"]["email"])
    mail = await _mail(pool, sorted(a.lower() for a in addresses))
    if mail is not None:
        data["mail"] = mail
    return data


def as_json(data: dict[str, Any]) -> bytes:
    """Readable JSON: dates and times in ISO 8601, money as decimal strings."""
    return msgspec.json.format(msgspec.json.encode(data), indent=2)
