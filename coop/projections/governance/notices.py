"""The record of notices: for each general meeting and ballot, how and when each member
was given notice, and the letter batches the office prints and posts.

Not a projection of events: coop writes these rows itself, each member's notice in
the same transaction as the e-mail it puts in the outbox or the letter batch it
joins, so the record says exactly what was done (migration 0028). The reads and
writes are named here so that pages hold no SQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

# Who is to be told ----------------------------------------------------------------


class Addressee(msgspec.Struct, frozen=True):
    """A member to give notice to, with what a letter or e-mail needs."""

    member_id: UUID
    membership_number: int | None
    name: str
    preferred_name: str
    email: str
    address: str
    postcode: str
    contact_methods: list[str]


_ADDRESSEE = (
    "SELECT m.member_id, m.membership_number, m.name, m.preferred_name, m.email, m.address,"
    " m.postcode, m.contact_methods FROM members m"
)


class MeetingDue(msgspec.Struct, frozen=True):
    """A general meeting whose notices have not been given yet."""

    meeting_id: UUID
    kind: str
    title: str
    starts_at: datetime
    place: str
    agenda: list[str]


class BallotDue(msgspec.Struct, frozen=True):
    """An open ballot whose notices have not been given yet."""

    ballot_id: UUID
    title: str
    question: str
    opens_at: datetime
    closes_at: datetime


async def meetings_needing_notice(db: Any, now: datetime) -> list[MeetingDue]:
    """General meetings still to come that no process has given notice of yet."""
    rows = await db.fetch(
        "SELECT meeting_id, kind, title, starts_at, place, agenda FROM meetings m"
        " WHERE kind <> 'board' AND starts_at > $1"
        " AND NOT EXISTS (SELECT 1 FROM notice_runs r WHERE r.subject_id = m.meeting_id)"
        " ORDER BY starts_at",
        now,
    )
    return [MeetingDue(**dict(r)) for r in rows]


async def ballots_needing_notice(db: Any, now: datetime) -> list[BallotDue]:
    """Open ballots that no process has given notice of yet."""
    rows = await db.fetch(
        "SELECT ballot_id, title, question, opens_at, closes_at FROM ballots b"
        " WHERE state = 'open' AND closes_at > $1"
        " AND NOT EXISTS (SELECT 1 FROM notice_runs r WHERE r.subject_id = b.ballot_id)"
        " ORDER BY opens_at",
        now,
    )
    return [BallotDue(**dict(r)) for r in rows]


async def meeting_for_notice(db: Any, meeting_id: UUID) -> MeetingDue | None:
    row = await db.fetchrow(
        "SELECT meeting_id, kind, title, starts_at, place, agenda FROM meetings"
        " WHERE meeting_id = $1",
        meeting_id,
    )
    return None if row is None else MeetingDue(**dict(row))


async def ballot_for_notice(db: Any, ballot_id: UUID) -> BallotDue | None:
    row = await db.fetchrow(
        "SELECT ballot_id, title, question, opens_at, closes_at FROM ballots WHERE ballot_id = $1",
        ballot_id,
    )
    return None if row is None else BallotDue(**dict(row))


async def current_members(db: Any) -> list[Addressee]:
    """Every member in good standing now, by membership number."""
    rows = await db.fetch(_ADDRESSEE + " WHERE m.status = 'admitted' ORDER BY m.membership_number")
    return [Addressee(**dict(r)) for r in rows]


async def electors_of(db: Any, ballot_id: UUID) -> list[Addressee]:
    """The ballot's electorate (fixed when it opened), by membership number."""
    rows = await db.fetch(
        _ADDRESSEE + " JOIN ballot_electors e ON e.member_id = m.member_id"
        " WHERE e.ballot_id = $1 ORDER BY m.membership_number",
        ballot_id,
    )
    return [Addressee(**dict(r)) for r in rows]


# Writing the record (inside the caller's transaction) ---------------------------------


async def start_run(
    conn: asyncpg.Connection, subject_id: UUID, kind: str, title: str, now: datetime
) -> bool:
    """Claim the giving of this subject's notices; False if another process has.

    A second process waits here for the first one's transaction, then finds the row.
    """
    claimed = await conn.fetchval(
        "INSERT INTO notice_runs (subject_id, subject_kind, title, given_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true",
        subject_id,
        kind,
        title,
        now,
    )
    return bool(claimed)


async def record_emailed(
    conn: asyncpg.Connection, subject_id: UUID, member_id: UUID, mail_id: int, now: datetime
) -> None:
    """The member's notice is in the outbox (given when the mail server takes it)."""
    await conn.execute(
        "INSERT INTO notices (subject_id, member_id, method, prepared_at, mail_id)"
        " VALUES ($1, $2, 'email', $3, $4)",
        subject_id,
        member_id,
        now,
        mail_id,
    )


async def record_letters(
    conn: asyncpg.Connection,
    subject_id: UUID,
    method: str,
    member_ids: list[UUID],
    now: datetime,
) -> int:
    """A batch of letters of one format for these members, to be made; its number."""
    batch_id: int = await conn.fetchval(
        "INSERT INTO notice_batches (subject_id, format, total) VALUES ($1, $2, $3)"
        " RETURNING batch_id",
        subject_id,
        method,
        len(member_ids),
    )
    await conn.execute(
        "INSERT INTO notices (subject_id, member_id, method, prepared_at, batch_id)"
        " SELECT $1, unnest($2::uuid[]), $3, $4, $5",
        subject_id,
        member_ids,
        method,
        now,
        batch_id,
    )
    return batch_id


# Making the letters ------------------------------------------------------------------


class BatchToMake(msgspec.Struct, frozen=True):
    """A letter batch a process has claimed to render."""

    batch_id: int
    subject_id: UUID
    subject_kind: str
    format: str
    claimed_at: datetime  # the claim's mark: the PDF is stored only while it still stands


async def claim_batch(
    pool: asyncpg.Pool, now: datetime, stale_after_s: int = 600
) -> BatchToMake | None:
    """One batch whose PDF is not made, claimed for this process (or None).

    A claim older than ``stale_after_s`` seconds is taken over: its process died.
    """
    row = await pool.fetchrow(
        "UPDATE notice_batches b SET making_since = $1, made = 0 FROM notice_runs r"
        " WHERE b.batch_id = (SELECT batch_id FROM notice_batches WHERE pdf IS NULL"
        "   AND posted_at IS NULL AND (making_since IS NULL"
        "   OR making_since < $1::timestamptz - make_interval(secs => $2))"
        "   ORDER BY batch_id LIMIT 1 FOR UPDATE SKIP LOCKED)"
        " AND r.subject_id = b.subject_id"
        " RETURNING b.batch_id, b.subject_id, r.subject_kind, b.format,"
        " b.making_since AS claimed_at",
        now,
        stale_after_s,
    )
    return None if row is None else BatchToMake(**dict(row))


async def batch_addressees(pool: asyncpg.Pool, batch_id: int) -> list[Addressee]:
    """The members a batch's letters go to, by membership number."""
    rows = await pool.fetch(
        _ADDRESSEE + " JOIN notices n ON n.member_id = m.member_id"
        " WHERE n.batch_id = $1 ORDER BY m.membership_number",
        batch_id,
    )
    return [Addressee(**dict(r)) for r in rows]


async def set_progress(pool: asyncpg.Pool, batch_id: int, made: int) -> None:
    await pool.execute(
        "UPDATE notice_batches SET made = greatest(made, $2) WHERE batch_id = $1", batch_id, made
    )


async def store_pdf(pool: asyncpg.Pool, batch: BatchToMake, pdf: bytes) -> bool:
    """Keep the batch's PDF, unless the batch changed while it was laid out: a person
    erased meanwhile must not come back in a letter (the batch is made again, without
    them), nor a claim taken over from a stalled process be overwritten by it."""
    stored = await pool.fetchval(
        "UPDATE notice_batches SET pdf = $2, made = total"
        " WHERE batch_id = $1 AND making_since = $3 RETURNING batch_id",
        batch.batch_id,
        pdf,
        batch.claimed_at,
    )
    return stored is not None


# The trustees' view ------------------------------------------------------------------


class NoticeRun(msgspec.Struct, frozen=True):
    """A meeting's or ballot's notices: how many were given, and how many still wait."""

    subject_id: UUID
    subject_kind: str
    title: str
    given_at: datetime
    before_notices: bool
    members: int
    reached: int


async def notice_runs(pool: asyncpg.Pool) -> list[NoticeRun]:
    """Every run, newest first, with its counts."""
    rows = await pool.fetch(
        "SELECT r.subject_id, r.subject_kind, r.title, r.given_at, r.before_notices,"
        " count(n.member_id)::int AS members, count(n.given_at)::int AS reached"
        " FROM notice_runs r LEFT JOIN notices n ON n.subject_id = r.subject_id"
        " GROUP BY r.subject_id ORDER BY r.given_at DESC, r.title"
    )
    return [NoticeRun(**dict(r)) for r in rows]


async def notice_run(pool: asyncpg.Pool, subject_id: UUID) -> NoticeRun | None:
    row = await pool.fetchrow(
        "SELECT r.subject_id, r.subject_kind, r.title, r.given_at, r.before_notices,"
        " count(n.member_id)::int AS members, count(n.given_at)::int AS reached"
        " FROM notice_runs r LEFT JOIN notices n ON n.subject_id = r.subject_id"
        " WHERE r.subject_id = $1 GROUP BY r.subject_id",
        subject_id,
    )
    return None if row is None else NoticeRun(**dict(row))


class MemberNotice(msgspec.Struct, frozen=True):
    """How one member was given notice, and when it reached them (None: not yet)."""

    member_id: UUID
    membership_number: int | None
    name: str
    method: str
    prepared_at: datetime
    given_at: datetime | None
    mail_failed: bool


async def member_notices(pool: asyncpg.Pool, subject_id: UUID) -> list[MemberNotice]:
    """Each member's notice for this meeting or ballot, those not yet reached first."""
    rows = await pool.fetch(
        "SELECT n.member_id, m.membership_number, m.name, n.method, n.prepared_at, n.given_at,"
        " coalesce(o.attempts > 0 AND o.sent_at IS NULL, false) AS mail_failed"
        " FROM notices n JOIN members m ON m.member_id = n.member_id"
        " LEFT JOIN outbox o ON o.id = n.mail_id"
        " WHERE n.subject_id = $1"
        " ORDER BY n.given_at IS NOT NULL, m.membership_number",
        subject_id,
    )
    return [MemberNotice(**dict(r)) for r in rows]


class LetterBatch(msgspec.Struct, frozen=True):
    """A batch of printed letters: its progress, and whether the office has posted it."""

    batch_id: int
    format: str
    total: int
    made: int
    ready: bool
    posted_at: datetime | None


_BATCH = (
    "SELECT batch_id, format, total, made, pdf IS NOT NULL AS ready, posted_at FROM notice_batches"
)


async def letter_batches(pool: asyncpg.Pool, subject_id: UUID) -> list[LetterBatch]:
    rows = await pool.fetch(_BATCH + " WHERE subject_id = $1 ORDER BY batch_id", subject_id)
    return [LetterBatch(**dict(r)) for r in rows]


async def letter_batch(pool: asyncpg.Pool, subject_id: UUID, batch_id: int) -> LetterBatch | None:
    row = await pool.fetchrow(
        _BATCH + " WHERE subject_id = $1 AND batch_id = $2", subject_id, batch_id
    )
    return None if row is None else LetterBatch(**dict(row))


async def batch_pdf(pool: asyncpg.Pool, subject_id: UUID, batch_id: int) -> bytes | None:
    """The batch's printable letters, if made and not yet posted."""
    pdf: bytes | None = await pool.fetchval(
        "SELECT pdf FROM notice_batches WHERE subject_id = $1 AND batch_id = $2",
        subject_id,
        batch_id,
    )
    return pdf


async def mark_posted(
    pool: asyncpg.Pool, subject_id: UUID, batch_id: int, by: UUID, now: datetime
) -> bool:
    """The office has posted the batch: its members' notices are given now, and the PDF
    (names and addresses) is no longer kept. False if it was not ready or already posted."""
    async with pool.acquire() as conn, conn.transaction():
        posted = await conn.fetchval(
            "UPDATE notice_batches SET posted_at = $3, posted_by = $4, pdf = NULL"
            " WHERE subject_id = $1 AND batch_id = $2 AND posted_at IS NULL AND pdf IS NOT NULL"
            " RETURNING true",
            subject_id,
            batch_id,
            now,
            by,
        )
        if not posted:
            return False
        await conn.execute("UPDATE notices SET given_at = $2 WHERE batch_id = $1", batch_id, now)
    return True


class LettersToPost(msgspec.Struct, frozen=True):
    """A meeting's or ballot's letters not yet posted, for the office's queue."""

    subject_id: UUID
    title: str
    letters: int


async def letters_to_post(pool: asyncpg.Pool) -> list[LettersToPost]:
    """Letters the office has not marked as posted yet, by meeting or ballot, oldest first."""
    rows = await pool.fetch(
        "SELECT b.subject_id, r.title, sum(b.total)::int AS letters"
        " FROM notice_batches b JOIN notice_runs r ON r.subject_id = b.subject_id"
        " WHERE b.posted_at IS NULL GROUP BY b.subject_id, r.title, r.given_at"
        " ORDER BY r.given_at"
    )
    return [LettersToPost(**dict(r)) for r in rows]
