"""What erasing a person clears outside the event log: their mail, links and sessions.

The event log is dealt with by destroying keys (``Coop.erase``); the read models
by the ``Member.Erased`` event. This clears the web's own operational tables,
which are not events: mail to the person's addresses (its text names them),
one-time links, sessions and API tokens.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from coop.web.accounts.sessions import end_all_sessions


async def traces_of(pool: asyncpg.Pool, member_id: UUID) -> tuple[list[str], UUID | None]:
    """Their e-mail addresses (contact and sign-in) and account, read before erasure."""
    row = await pool.fetchrow(
        "SELECT m.email, a.email AS sign_in, m.account_id FROM members m"
        " LEFT JOIN accounts a ON a.account_id = m.account_id WHERE m.member_id = $1",
        member_id,
    )
    if row is None:
        return [], None
    addresses = sorted({e.lower() for e in (row["email"], row["sign_in"]) if e})
    return addresses, row["account_id"]


async def clear_traces(
    pool: asyncpg.Pool, member_id: UUID, addresses: list[str], account_id: UUID | None
) -> None:
    """Delete mail to these addresses, and the person's links, sessions and tokens."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "DELETE FROM outbox WHERE lower(to_address) = ANY($1::text[])", addresses
        )
        await conn.execute(
            "DELETE FROM one_time_tokens WHERE member_id = $1 OR account_id = $2",
            member_id,
            account_id,
        )
    if account_id is not None:
        await end_all_sessions(pool, account_id)
