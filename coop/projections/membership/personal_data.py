"""Everything the membership read models hold about one member, for subject access.

Only rows that are about this person, found by their own member id.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg


def _rows(records: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [dict(r) for r in records]


async def member_data(pool: asyncpg.Pool, member_id: UUID) -> dict[str, Any]:
    """The member record (every column), its timeline, register entries and carer links."""
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
