"""What the reports pages read: the signed checkpoints of the log and the governance record."""

from __future__ import annotations

import json
from bisect import bisect_left
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from coop.infra.audit_checkpoints import CheckpointError, parse_note, prove_inclusion
from coop.projections.paging import Slice, Window


class CheckpointRow(msgspec.Struct, frozen=True, kw_only=True):
    """One signed checkpoint as published: the note exactly as signed, with cosignatures."""

    id: int
    size: int
    made_at: datetime
    reason: str
    note: str


async def checkpoints(pool: asyncpg.Pool, *, limit: int = 100) -> list[CheckpointRow]:
    """The newest checkpoints first."""
    rows = await pool.fetch(
        "SELECT id, size, made_at, reason, note FROM audit_checkpoints ORDER BY id DESC LIMIT $1",
        limit,
    )
    return [CheckpointRow(**dict(r)) for r in rows]


async def checkpoint(pool: asyncpg.Pool, checkpoint_id: int) -> CheckpointRow | None:
    row = await pool.fetchrow(
        "SELECT id, size, made_at, reason, note FROM audit_checkpoints WHERE id = $1",
        checkpoint_id,
    )
    return None if row is None else CheckpointRow(**dict(row))


# The governance record (coop.projections.reports.record) ------------------------------

KINDS = (
    "admission",
    "refusal",
    "resolution",
    "election",
    "reinvestment",
    "rule change",
    "rate change",
    "period close",
    "surplus declaration",
)


class RecordEvent(msgspec.Struct, frozen=True):
    """One event of a decision, at its position in the log."""

    position: int
    what: str


class Declaration(msgspec.Struct, frozen=True):
    """A member's declared interest in a ballot, as the record shows it."""

    member: str
    interest: str


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    """One decision in the governance record, with its provenance."""

    position: int  # of the event that decided it
    kind: str
    subject_id: UUID | None  # the ballot, member, rules or period it is about
    title: str
    made_by: str | None  # the name on the account that proposed or made it
    reference: str
    secret: bool
    rules_version: int | None
    electorate: dict[str, int] | None
    declarations: list[Declaration]
    result: dict[str, Any] | None
    outcome: str
    opened_at: datetime | None
    decided_on: date | None
    events: list[RecordEvent]
    checkpoint: int | None  # the first signed checkpoint that covers every event above
    checkpoint_size: int | None


async def decisions(
    pool: asyncpg.Pool, *, kind: str | None = None, year: int | None = None
) -> list[Decision]:
    """Every decision taken, in the log's order; of one kind or year if asked."""
    return (await decisions_page(pool, kind=kind, year=year)).rows


async def decisions_page(
    pool: asyncpg.Pool,
    *,
    kind: str | None = None,
    year: int | None = None,
    window: Window | None = None,
) -> Slice[Decision]:
    """The decisions in ``window`` (all of them without one), and how many there are."""
    rows = await pool.fetch(
        "SELECT d.*, a.name AS made_by_name, count(*) OVER () AS found FROM record_decisions d"
        " LEFT JOIN accounts a ON a.account_id = d.made_by"
        " WHERE d.decided_position IS NOT NULL"
        " AND ($1::text IS NULL OR d.kind = $1)"
        " AND ($2::int IS NULL OR extract(year FROM d.decided_on) = $2)"
        " ORDER BY d.decided_position LIMIT $3 OFFSET $4",
        kind,
        year,
        window.limit if window else None,
        window.offset if window else 0,
    )
    names = await _declarers(pool, rows)
    coverage = await _coverage(pool)
    total = rows[0]["found"] if rows else await _count(pool, kind, year)
    return Slice(rows=[_decision(r, names, coverage) for r in rows], total=total)


async def _count(pool: asyncpg.Pool, kind: str | None, year: int | None) -> int:
    """How many decisions match (asked for only when the page asked for is empty)."""
    found: int = await pool.fetchval(
        "SELECT count(*) FROM record_decisions WHERE decided_position IS NOT NULL"
        " AND ($1::text IS NULL OR kind = $1)"
        " AND ($2::int IS NULL OR extract(year FROM decided_on) = $2)",
        kind,
        year,
    )
    return found


async def record_years(pool: asyncpg.Pool) -> list[int]:
    """The years in which decisions were taken, the latest first."""
    rows = await pool.fetch(
        "SELECT DISTINCT extract(year FROM decided_on)::int AS year FROM record_decisions"
        " WHERE decided_position IS NOT NULL AND decided_on IS NOT NULL ORDER BY year DESC"
    )
    return [r["year"] for r in rows]


async def _declarers(pool: asyncpg.Pool, rows: list[asyncpg.Record]) -> dict[str, str]:
    ids = {d["member_id"] for r in rows for d in json.loads(r["declarations"])}
    if not ids:
        return {}
    found = await pool.fetch(
        "SELECT member_id::text AS id, name FROM members WHERE member_id = ANY($1::uuid[])",
        list(ids),
    )
    return {r["id"]: r["name"] for r in found}


class _Coverage(msgspec.Struct, frozen=True):
    """Enough to say which checkpoint covers an entry, read once per request."""

    gaps: list[tuple[int, int]]  # (position, positions unused just before it), in order
    checkpoints: list[tuple[int, int]]  # (size, id), the smallest first

    def covering(self, position: int) -> tuple[int, int] | None:
        """(id, size) of the first checkpoint whose links include ``position``'s."""
        place = position - sum(unused for at, unused in self.gaps if at <= position)
        first = bisect_left(self.checkpoints, (place, 0))  # sorted by size, then id
        if first == len(self.checkpoints):
            return None
        size, i = self.checkpoints[first]
        return i, size


async def _coverage(pool: asyncpg.Pool) -> _Coverage:
    gaps = await pool.fetch(
        "SELECT notification_id, notification_id - previous_id - 1 AS unused FROM audit_chain"
        " WHERE previous_id <> notification_id - 1 ORDER BY notification_id"
    )
    checkpoints = await pool.fetch(
        "SELECT min(id) AS id, size FROM audit_checkpoints GROUP BY size ORDER BY size"
    )
    return _Coverage(
        gaps=[(r["notification_id"], r["unused"]) for r in gaps],
        checkpoints=[(r["size"], r["id"]) for r in checkpoints],
    )


def _decision(r: asyncpg.Record, names: dict[str, str], coverage: _Coverage) -> Decision:
    events = [RecordEvent(**e) for e in json.loads(r["events"])]
    cover = coverage.covering(max(e.position for e in events)) or (None, None)
    return Decision(
        position=r["decided_position"],
        kind=r["kind"],
        subject_id=r["subject_id"],
        title=r["title"],
        made_by=r["made_by_name"],
        reference=r["reference"],
        secret=r["secret"],
        rules_version=r["rules_version"],
        electorate=None if r["electorate"] is None else json.loads(r["electorate"]),
        declarations=[
            Declaration(names.get(d["member_id"], "A member"), d["interest"])
            for d in json.loads(r["declarations"])
        ],
        result=None if r["result"] is None else json.loads(r["result"]),
        outcome=r["outcome"],
        opened_at=r["opened_at"],
        decided_on=r["decided_on"],
        events=events,
        checkpoint=cover[0],
        checkpoint_size=cover[1],
    )


async def proof_of_inclusion(pool: asyncpg.Pool, position: int, checkpoint_id: int) -> str | None:
    """The event at ``position`` with its audit path in checkpoint ``checkpoint_id``, as
    ``coop audit prove`` writes it; None if there is no such checkpoint or it does not
    cover the event. Checked with ``coop audit check-inclusion`` and the checkpoint.

    Only a decision's own events are offered: the entry carries the event's stored
    bytes, which for other events (a vote in an open ballot, say) are not the record's.
    The path comes from the stored subtrees, checked against the checkpoint's root
    (coop/infra/audit_tree.py): a few hundred links read, not every one it covers.
    """
    found = await checkpoint(pool, checkpoint_id)
    in_record = await pool.fetchval(
        "SELECT EXISTS (SELECT 1 FROM record_decisions WHERE decided_position IS NOT NULL"
        " AND events @> $1::jsonb)",
        json.dumps([{"position": position}]),
    )
    if found is None or not in_record:
        return None
    async with pool.acquire() as conn:
        try:
            return await prove_inclusion(conn, position, parse_note(found.note))
        except CheckpointError:
            return None  # the checkpoint does not reach this entry
