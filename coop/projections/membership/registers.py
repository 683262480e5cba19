"""The register of members and the register of trustees as at any date (read side)."""

from __future__ import annotations

from datetime import date

import asyncpg
import msgspec

from coop.domain.membership.registers import RegisterLine, TrusteeLine
from coop.projections.paging import Slice, Window

_AS_AT = "valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)"


_MEMBER_COLUMNS = (
    "SELECT membership_number, name, address, postcode, email, member_class, shares,"
    " amount_paid, loans, deposits, date_entered, date_ceased, how_ceased, erased"
)


async def register_of_members(
    pool: asyncpg.Pool | asyncpg.Connection, as_at: date
) -> list[RegisterLine]:
    """Every entry as it stood at the end of ``as_at``, ceased entries kept, by number."""
    rows = await pool.fetch(
        _MEMBER_COLUMNS + f" FROM register_history WHERE {_AS_AT} ORDER BY membership_number",
        as_at,
    )
    return [RegisterLine(**dict(r)) for r in rows]


class RegisterPage(msgspec.Struct, frozen=True):
    """One page of the register of members, and the counts of the whole (searched) register."""

    lines: Slice[RegisterLine]
    current: int  # entries not ceased, of all ``lines.total``


# An entry matches a search by part of its name or by its whole membership number.
_FOUND = (
    f" FROM register_history WHERE {_AS_AT} AND ($2 = '' OR name ILIKE '%' || $2 || '%'"
    " OR membership_number::text = $2)"
)
# As members_page: the keys found, counted and sorted narrow; the page's rows read whole.
_REGISTER_PAGE = (
    "WITH found AS MATERIALIZED (SELECT member_id, valid_from, membership_number, date_ceased"
    + _FOUND
    + "), page AS (SELECT * FROM found ORDER BY membership_number LIMIT $3 OFFSET $4)"
    + _MEMBER_COLUMNS.replace("SELECT ", "SELECT r.", 1).replace(", ", ", r.")
    + ", (SELECT count(*) FROM found) AS found,"
    " (SELECT count(*) FROM found WHERE date_ceased IS NULL) AS current"
    " FROM page JOIN register_history r USING (member_id, valid_from)"
    " ORDER BY r.membership_number"
)


async def register_of_members_page(
    pool: asyncpg.Pool, as_at: date, window: Window, search: str = ""
) -> RegisterPage:
    """One page of the register as it stood at the end of ``as_at``, by number."""
    rows = await pool.fetch(_REGISTER_PAGE, as_at, search, window.limit, window.offset)
    if not rows:  # an empty register, or past its end: count it still
        counted = await pool.fetchrow(
            "SELECT count(*) AS found, count(*) FILTER (WHERE date_ceased IS NULL) AS current"
            + _FOUND,
            as_at,
            search,
        )
        return RegisterPage(Slice([], counted["found"]), counted["current"])
    lines = [RegisterLine(**{k: r[k] for k in RegisterLine.__struct_fields__}) for r in rows]
    return RegisterPage(Slice(lines, rows[0]["found"]), rows[0]["current"])


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
