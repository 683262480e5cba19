"""When coop signs a checkpoint by itself: once a day, and after every decision.

A decision is an event that settles something members may later need to prove
(a ballot counted, a financial period closed, the rules amended), or an export
of the members' register (asked for by the page that makes it, see
``want_checkpoint``). The scheduler calls ``make_checkpoints_due`` each tick;
whichever process takes the advisory lock makes it, once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path

import asyncpg
from eventsourcing.utils import get_topic

from coop.domain.finance.periods import FinancialPeriod
from coop.domain.governance.ballots import Ballot
from coop.domain.governance.rules import Rules
from coop.infra.audit_checkpoints import (
    Checkpoint,
    CheckpointError,
    load_signer,
    make_checkpoint,
    parse_note,
)
from coop.infra.audit_seals import seal_key

log = logging.getLogger(__name__)

DECISIONS = {
    get_topic(Ballot.Counted): "ballot counted",
    get_topic(FinancialPeriod.Closed): "period closed",
    get_topic(Rules.Amended): "rules amended",
}
REGISTER_EXPORTED = "members' register exported"
# The topics written out, exactly as the partial index coop_events_decisions
# (migration 0023) names them, so the planner can use it; a test holds the two
# to DECISIONS.
_DECISIONS_SINCE = (
    "SELECT DISTINCT topic FROM coop_events WHERE notification_id > $1 AND topic IN ("
    "'coop.domain.ballots:Ballot.Counted', "
    "'coop.domain.finance.periods:FinancialPeriod.Closed', "
    "'coop.domain.rules:Rules.Amended')"
)
# Any number of our own, distinct from the other advisory locks coop takes.
_LOCK = 0x636F6F70_63707400  # "coop" "cpt"


async def want_checkpoint(pool: asyncpg.Pool, reason: str, now: datetime) -> None:
    """Ask for a checkpoint at the next tick (cheap: a page can call it)."""
    await pool.execute(
        "INSERT INTO audit_checkpoints_wanted (reason, wanted_at) VALUES ($1, $2)", reason, now
    )


async def reasons_due(conn: asyncpg.Connection, now: datetime) -> list[str]:
    """Why a checkpoint is due now (none: not due)."""
    last = await conn.fetchrow(
        "SELECT size, made_at, note FROM audit_checkpoints ORDER BY id DESC LIMIT 1"
    )
    head = await conn.fetchval("SELECT max(notification_id) FROM audit_chain")
    if head is None:
        return []  # nothing to vouch for yet
    since_event = 0 if last is None else parse_note(last["note"]).last
    since_time = None if last is None else last["made_at"]
    reasons = [DECISIONS[topic] for (topic,) in await conn.fetch(_DECISIONS_SINCE, since_event)]
    reasons += [
        reason
        for (reason,) in await conn.fetch(
            "SELECT DISTINCT reason FROM audit_checkpoints_wanted"
            " WHERE $1::timestamptz IS NULL OR wanted_at > $1",
            since_time,
        )
    ]
    if (since_time is None or since_time.date() < now.date()) and head > since_event:
        reasons.append("daily")
    return sorted(set(reasons))


async def make_checkpoints_due(
    pool: asyncpg.Pool, key_path: Path, secret_key: str, directory: Path, now: datetime
) -> Checkpoint | None:
    """Sign a checkpoint if one is due, in one process only; None if not due (or no key)."""
    if not await asyncio.to_thread(key_path.is_file):
        return None  # no signing key made yet (`coop audit keygen`): nothing to sign with
    async with pool.acquire() as conn, conn.transaction():
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", _LOCK):
            return None  # another process is making it
        reasons = await reasons_due(conn, now)
        if not reasons:
            return None
        try:
            signer = await asyncio.to_thread(load_signer, key_path)
            return await make_checkpoint(
                conn, signer, seal_key(secret_key), ", ".join(reasons), now, directory
            )
        except CheckpointError as e:
            # A broken log: never vouch for it; say so (once per state of the log).
            if str(e) not in _reported:
                _reported.add(str(e))
                log.error("%s", e)
            return None


_reported: set[str] = set()
