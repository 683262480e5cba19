"""The database out of reach (restarting, gone): 503 with Retry-After and what to do,
never 500. (The fault test, tests/faults/, restarts the real server under load.)"""

from __future__ import annotations

import socket
from pathlib import Path

import asyncpg
import pytest

from coop.application import Coop
from coop.infra.db import is_unavailable
from tests.web.accounts.outbox_helpers import pool_of
from tests.web.governance.test_ballots_pages import text_of
from tests.web.helpers import open_trustee, sign_in
from tests.web.test_api import trustee_headers


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once it is closed


async def test_a_refused_connection_and_a_missing_socket_are_unavailability(
    tmp_path: Path,
) -> None:
    # What a restarting PostgreSQL looks like to a client: nothing on the port, or
    # (the embedded server) no socket file yet in its directory.
    for dsn in (
        f"postgresql://postgres@127.0.0.1:{_closed_port()}/postgres",
        f"postgresql://postgres@/postgres?host={tmp_path}&port=5432",
    ):
        with pytest.raises(Exception) as raised:
            await asyncpg.connect(dsn, timeout=5)
        assert is_unavailable(raised.value), repr(raised.value)
    assert is_unavailable(asyncpg.CannotConnectNowError("the database system is starting up"))
    assert not is_unavailable(ValueError("a fault in coop"))
    assert not is_unavailable(asyncpg.UniqueViolationError("a fault in coop"))


async def test_pages_and_the_api_answer_503_with_retry_after_when_the_database_is_away(
    client, coop: Coop
) -> None:
    headers = await trustee_headers(client, coop)
    done = open_trustee(coop, "tom.whitfield@example.org", "Tom Whitfield")
    await client.app.state["services"].seen(done.position, "accounts")
    await sign_in(client, "tom.whitfield@example.org")
    await pool_of(client).close()  # every read now fails as in an outage
    page = await client.get("/ballots")
    assert page.status_code == 503 and page.headers["retry-after"] == "30"
    words = text_of(page.text)
    assert "Sorry, coop is not available just now" in words
    assert "Wait a minute, then go back and send it again" in words
    assert "will not do it twice" in words
    api = await client.get("/api/applications", headers=headers)
    assert api.status_code == 503 and api.headers["retry-after"] == "30"
    assert api.headers["content-type"] == "application/problem+json"
    assert "same Idempotency-Key" in api.json()["detail"]
