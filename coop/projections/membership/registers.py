"""The register of members and the register of trustees as at any date (read side)."""

from __future__ import annotations

from datetime import date

import asyncpg

from coop.domain.membership.registers import RegisterLine, TrusteeLine

_AS_AT = "valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)"


async def register_of_members(
    pool: asyncpg.Pool | asyncpg.Connection, as_at: date
) -> list[RegisterLine]:
    """Every entry as it stood at the end of ``as_at``, ceased entries kept, by number."""
    rows = await pool.fetch(
        "SELECT membership_number, name, address, postcode, email, member_class, shares,"
        " amount_paid, loans, deposits, date_entered, date_ceased, how_ceased, erased"
        f" FROM register_history WHERE {_AS_AT} ORDER BY membership_number",
        as_at,
    )
    return [RegisterLine(**dict(r)) for r in rows]


async def register_of_trustees(
    pool: asyncpg.Pool | asyncpg.Connection, as_at: date
) -> list[TrusteeLine]:
    """Every term of office begun by the end of ``as_at``, with its end if it had ended."""
    rows = await pool.fetch(
        "SELECT r.membership_number, r.name, r.address, r.postcode, t.office, t.appointed_on,"
        " t.appointed_reference,"
        " CASE WHEN t.left_on <= $1 THEN t.left_on END AS left_on,"
        " CASE WHEN t.left_on <= $1 THEN t.left_reference END AS left_reference"
        " FROM trustee_terms t JOIN register_history r ON r.member_id = t.member_id"
        " AND r.valid_from <= $1 AND (r.valid_to IS NULL OR r.valid_to > $1)"
        " WHERE t.appointed_on <= $1"
        " ORDER BY t.appointed_on, r.membership_number, t.office, t.position",
        as_at,
    )
    return [TrusteeLine(**dict(r)) for r in rows]


async def first_entry(pool: asyncpg.Pool) -> date | None:
    """The earliest date the register has anything for (for the date picker's hint)."""
    found: date | None = await pool.fetchval("SELECT min(valid_from) FROM register_history")
    return found
