"""Clearing out what the operational tables no longer need to keep."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from coop.infra.api_tokens import remove_expired_api_tokens
from coop.infra.eventstore.subject_keys import finish_destroying
from coop.infra.mail import outbox
from coop.infra.one_time_links import remove_old_links
from coop.infra.request_keys import remove_old_request_keys
from coop.infra.sessions import remove_expired_sessions
from coop.infra.sign_in_limit import remove_old_failures
from coop.infra.uploads import remove_old_uploads


async def remove_what_has_expired(pool: asyncpg.Pool, now: datetime) -> None:
    """Expired sessions and API tokens, old sign-in failures, links, sent mail and uploads,
    and the files of destroyed keys that a stopped process left behind."""
    await remove_expired_sessions(pool, now)
    await remove_old_failures(pool, now)
    await remove_expired_api_tokens(pool, now)
    await remove_old_links(pool, now)
    await outbox.remove_old(pool, now)
    await remove_old_uploads(pool, now)
    await finish_destroying(pool)
    await remove_old_request_keys(pool, now)
