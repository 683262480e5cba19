"""The outbox and its SMTP sender, against a real SMTP server and a real PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
import pytest

from coop.config import Settings, SettingsError
from coop.infra.mail import outbox
from coop.infra.mail.sender import MAX_ATTEMPTS, SmtpTransport, backoff, run_sender, send_due
from tests.smtp import body, free_port, mail_settings, smtp_server

LINK = "https://coop.mutual-support.example/invitations/abc123"


async def queue(pool: asyncpg.Pool, clock, n: int = 1, to: str = "amira.hassan@example.org"):
    return [
        await outbox.enqueue(
            pool, to, f"Set up your account ({i})", f"Dear Amira,\n\n{LINK}\n", now=clock.now()
        )
        for i in range(n)
    ]


async def test_queued_mail_is_delivered_with_its_link_and_marked_sent(
    pool, clock, settings
) -> None:
    with smtp_server() as (port, inbox):
        [mail_id] = await queue(pool, clock)
        assert await send_due(pool, SmtpTransport(mail_settings(settings, port)), clock.now()) == 1
        [message] = inbox.wait_for(1)
    assert message["To"] == "amira.hassan@example.org"
    assert message["From"] == "Mutual Support Care Co-operative <office@mutual-support.example>"
    assert message["Subject"] == "Set up your account (0)"
    assert message["Message-ID"].startswith(f"<outbox-{mail_id}-")
    assert LINK in body(message)
    assert inbox.envelopes == [("office@mutual-support.example", ["amira.hassan@example.org"])]
    row = await outbox.message(pool, mail_id)
    assert row is not None and row.sent_at == clock.now() and row.attempts == 1
    assert row.last_error is None
    # Sent is sent: nothing more to do.
    assert await send_due(pool, SmtpTransport(mail_settings(settings, port)), clock.now()) == 0


async def test_two_senders_racing_never_send_one_message_twice(
    pool, db_url, clock, settings
) -> None:
    ids = await queue(pool, clock, 45)
    other = await asyncpg.create_pool(db_url, min_size=1, max_size=4)  # another process
    try:
        with smtp_server(delay=0.005) as (port, inbox):
            transport = SmtpTransport(mail_settings(settings, port))

            async def sender(p: asyncpg.Pool) -> int:
                total = 0
                while sent := await send_due(p, transport, clock.now()):
                    total += sent
                return total

            counts = await asyncio.gather(sender(pool), sender(other), sender(pool))
            messages = inbox.wait_for(len(ids))
    finally:
        await other.close()
    assert sum(counts) == len(ids)
    subjects = [m["Subject"] for m in messages]
    assert len(subjects) == len(set(subjects)) == len(ids)
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0
    assert await pool.fetchval("SELECT max(attempts) FROM outbox") == 1


async def test_a_failed_send_records_the_error_and_is_retried_later(pool, clock, settings) -> None:
    [mail_id] = await queue(pool, clock)
    nobody_listening = SmtpTransport(mail_settings(settings, free_port()), timeout=2)
    assert await send_due(pool, nobody_listening, clock.now()) == 1
    row = await outbox.message(pool, mail_id)
    assert row is not None and row.sent_at is None and row.attempts == 1
    assert row.last_error and "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at == clock.now() + backoff(1)
    assert await send_due(pool, nobody_listening, clock.now()) == 0  # not due yet
    with smtp_server() as (port, inbox):
        clock.advance(backoff(1))
        assert await send_due(pool, SmtpTransport(mail_settings(settings, port)), clock.now()) == 1
        inbox.wait_for(1)
    row = await outbox.message(pool, mail_id)
    assert row is not None and row.sent_at is not None and row.attempts == 2
    assert row.last_error is None


async def test_retries_wait_longer_each_time_and_stop_after_the_last_attempt(
    pool, clock, settings
) -> None:
    [mail_id] = await queue(pool, clock)
    broken = SmtpTransport(mail_settings(settings, free_port()), timeout=2)
    waits = []
    for _ in range(MAX_ATTEMPTS):
        assert await send_due(pool, broken, clock.now()) == 1
        row = await outbox.message(pool, mail_id)
        assert row is not None
        waits.append(row.next_attempt_at - clock.now())
        clock.advance(timedelta(days=1))
    assert waits == sorted(waits) and waits[0] == timedelta(minutes=1)
    assert waits[-1] == timedelta(hours=4)
    assert await send_due(pool, broken, clock.now()) == 0  # given up: the office sees it
    row = await outbox.message(pool, mail_id)
    assert row is not None and row.attempts == MAX_ATTEMPTS and row.sent_at is None


async def test_the_running_sender_delivers_new_mail_without_waiting_for_its_poll(
    pool, db_url, clock, settings
) -> None:
    stop = asyncio.Event()
    with smtp_server() as (port, inbox):
        task = asyncio.create_task(
            run_sender(db_url, pool, mail_settings(settings, port), clock, stop, poll_seconds=600)
        )
        try:
            await asyncio.sleep(0.2)  # let it start listening; the poll is ten minutes away
            await queue(pool, clock)
            [message] = await asyncio.to_thread(inbox.wait_for, 1)
        finally:
            stop.set()
            await asyncio.wait_for(task, 5)
    assert LINK in body(message)


async def test_mail_rolled_back_with_its_transaction_is_never_queued(pool, clock) -> None:
    with pytest.raises(RuntimeError):
        async with pool.acquire() as conn, conn.transaction():
            await outbox.enqueue(conn, "tom.whitfield@example.org", "Hello", "Hi", now=clock.now())
            raise RuntimeError("the change it announced failed")
    assert await outbox.recent(pool) == []


def test_mail_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "COOP_SMTP_HOST": "smtp.mutual-support.example",
            "COOP_SMTP_USERNAME": "office",
            "COOP_SMTP_PASSWORD": "app password",
            "COOP_MAIL_FROM": "office@mutual-support.example",
            "COOP_BASE_URL": "https://coop.mutual-support.example/",
        }
    )
    assert settings.smtp_configured and settings.smtp_port == 587 and settings.smtp_starttls
    assert settings.link("/invitations/x") == "https://coop.mutual-support.example/invitations/x"
    plain = Settings.from_env({"COOP_HOST": "192.0.2.1", "COOP_PORT": "8080"})
    assert not plain.smtp_configured
    assert plain.link("/password-reset/y") == "http://192.0.2.1:8080/password-reset/y"


def test_a_mail_server_without_a_from_address_is_refused_at_start_up() -> None:
    with pytest.raises(SettingsError, match="COOP_MAIL_FROM"):
        Settings.from_env({"COOP_SMTP_HOST": "smtp.mutual-support.example"})
    with pytest.raises(SettingsError, match="COOP_BASE_URL"):
        Settings.from_env({"COOP_BASE_URL": "coop.example"})
    with pytest.raises(SettingsError, match="COOP_SMTP_STARTTLS"):
        Settings.from_env({"COOP_SMTP_STARTTLS": "perhaps"})
