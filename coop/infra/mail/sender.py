"""The sender: delivers the outbox by SMTP, once each, with retries.

Any number of senders (each web process and each ``coop worker``) may run at
once. A sender claims due messages with ``FOR UPDATE SKIP LOCKED`` and, in the
same statement, moves them out of reach for a while (a lease), so no other
sender picks them up while it talks to the mail server. A message that fails
is tried again later, waiting longer each time, and the error is recorded for
the office to see.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
import ssl
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import anyio.to_thread
import asyncpg

from coop.clock import Clock
from coop.config import Settings
from coop.infra.mail.outbox import CHANNEL, Mail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# Longer than any one SMTP conversation: a claimed message is left alone this long.
LEASE = timedelta(minutes=10)
POLL_SECONDS = 30.0
BATCH = 20


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4... minutes, at most 4 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=4))


class SmtpTransport:
    """Sends messages through the configured SMTP server (blocking: run it in a thread)."""

    def __init__(self, settings: Settings, timeout: float = 30.0) -> None:
        self.settings = settings
        self.timeout = timeout

    def send(self, mails: Sequence[Mail]) -> list[str | None]:
        """Send each message over one connection; for each, None or what went wrong."""
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as e:
            return [_describe(e)] * len(mails)
        results: list[str | None] = []
        with smtp:
            for mail in mails:
                try:
                    smtp.send_message(self.compose(mail))
                except smtplib.SMTPServerDisconnected as e:
                    results += [_describe(e)] * (len(mails) - len(results))
                    break
                except (OSError, ValueError, smtplib.SMTPException) as e:
                    results.append(_describe(e))
                else:
                    results.append(None)
        return results

    def compose(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = mail.to_address
        message["Subject"] = mail.subject
        message["Date"] = format_datetime(mail.created_at)
        # The same id if a message is ever sent again, so mail programs can drop the copy.
        domain = parseaddr(self.settings.mail_from)[1].rpartition("@")[2] or "localhost"
        message["Message-ID"] = f"<outbox-{mail.id}-{int(mail.created_at.timestamp())}@{domain}>"
        message.set_content(mail.body)
        return message

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.smtp_port == 465:  # implicit TLS ("SMTPS")
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout)
        try:
            if s.smtp_starttls and s.smtp_port != 465:
                smtp.starttls(context=context)
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password)
        except BaseException:
            smtp.close()
            raise
        return smtp


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


async def claim_due(pool: asyncpg.Pool, now: datetime, limit: int = BATCH) -> list[Mail]:
    """Take up to ``limit`` due messages for this sender, counting the attempt."""
    rows = await pool.fetch(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2"
        " WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1"
        "  AND attempts < $3 ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)"
        " RETURNING id, to_address, subject, body, created_at, sent_at, attempts, last_error,"
        " next_attempt_at, confidential",
        now,
        now + LEASE,
        MAX_ATTEMPTS,
        limit,
    )
    return sorted((Mail(**dict(r)) for r in rows), key=lambda m: m.id)


async def send_due(pool: asyncpg.Pool, transport: SmtpTransport, now: datetime) -> int:
    """Send one batch of due messages; return how many were claimed."""
    claimed = await claim_due(pool, now)
    if not claimed:
        return 0
    results = await anyio.to_thread.run_sync(transport.send, claimed)
    for mail, error in zip(claimed, results, strict=True):
        if error is None:
            await pool.execute(
                "UPDATE outbox SET sent_at = $2, last_error = NULL WHERE id = $1", mail.id, now
            )
        else:
            log.warning("Could not send mail %s (attempt %s): %s", mail.id, mail.attempts, error)
            await pool.execute(
                "UPDATE outbox SET last_error = $2, next_attempt_at = $3 WHERE id = $1",
                mail.id,
                error,
                now + backoff(mail.attempts),
            )
    return len(claimed)


async def run_sender(
    url: str,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: Clock,
    stop: asyncio.Event,
    *,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """Send due mail until ``stop`` is set: at once when mail is queued, and every poll."""
    transport = SmtpTransport(settings)
    wake = asyncio.Event()
    listener: asyncpg.Connection | None = None
    try:
        listener = await asyncpg.connect(url)
        await listener.add_listener(CHANNEL, lambda *_: wake.set())
    except (OSError, asyncpg.PostgresError) as e:
        log.warning("Mail sender will poll only; could not LISTEN: %s", e)
    try:
        while not stop.is_set():
            wake.clear()
            try:
                while await send_due(pool, transport, clock.now()):
                    pass
            except Exception:
                log.exception("The mail sender failed; it will try again")
            await _sleep(stop, wake, poll_seconds)
    finally:
        if listener is not None:
            with contextlib.suppress(Exception):
                await listener.close()


async def _sleep(stop: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    """Wait until stopped, woken or ``seconds`` have passed."""
    waits = [asyncio.create_task(stop.wait()), asyncio.create_task(wake.wait())]
    try:
        await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waits:
            task.cancel()
