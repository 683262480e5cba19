"""Everything coop holds about the signed-in person, for "Download my data" (UK GDPR art. 15).

Only rows that are about this person: found by their own member id, account id
and e-mail addresses, never by anything they sent. Secrets stay out: no
password hash, no session or token values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from coop.infra.api_tokens import api_tokens_of
from coop.infra.personal_traces import mail_to
from coop.infra.sessions import sessions_of
from coop.projections.accounts.queries import account_data
from coop.projections.membership.personal_data import member_data
from coop.web.auth import User


async def my_data(
    pool: asyncpg.Pool, user: User, now: datetime, session_hours: int
) -> dict[str, Any]:
    """Everything coop holds about ``user``, as plain data."""
    account = await account_data(pool, user.account_id)
    data: dict[str, Any] = {
        "generated_at": now,
        "account": {**account, "roles": sorted(user.roles)} if account else None,
    }
    member: dict[str, Any] = {
        "member_record": None,
        "timeline": [],
        "register_entries": [],
        "carer_links": {"carers_of_mine": [], "people_i_care_for": []},
    }
    if user.member_id is not None:
        member = await member_data(pool, user.member_id)
    data.update(member)
    data["sessions"] = await sessions_of(pool, user.account_id, now, session_hours)
    data["api_tokens"] = await api_tokens_of(pool, user.account_id, now)
    addresses = {account["email"]} if account else set()
    if member["member_record"] and member["member_record"]["email"]:
        addresses.add(member["member_record"]["email"])
    mail = await mail_to(pool, sorted(a.lower() for a in addresses))
    if mail is not None:
        data["mail"] = mail
    return data


def as_json(data: dict[str, Any]) -> bytes:
    """Readable JSON: dates and times in ISO 8601, money as decimal strings."""
    return msgspec.json.format(msgspec.json.encode(data), indent=2)
