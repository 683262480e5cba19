"""Shared fixtures: a real PostgreSQL, a fresh database per test, the real app.

The server is the one at DATABASE_URL or, when that is unset, the embedded
PostgreSQL started for this test session in a temporary directory and removed
at the end. Each test gets its own database, cloned from a migrated template.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from coop.application import Coop
from coop.clock import FixedClock
from coop.config import Settings
from coop.infra.db import create_pool, embedded_server, eventsourcing_env, with_database
from coop.infra.key_files import key_files, use_key_dir
from coop.infra.migrate import migrate

_counter = itertools.count()
RUN = secrets.token_hex(3)
SECRET = "test-secret-key-" + RUN


@pytest.fixture(scope="session", autouse=True)
def key_dir() -> Iterator[Path]:
    """The key directory (COOP_KEY_DIR) of every process in this test session: this
    one's, and the ``coop`` commands and servers that tests start (from the environment)."""
    with (
        tempfile.TemporaryDirectory(prefix="coop-test-keys-") as d,
        pytest.MonkeyPatch.context() as env,
    ):
        use_key_dir(Path(d))
        env.setenv("COOP_KEY_DIR", d)
        yield Path(d)


@pytest.fixture(autouse=True)
def same_key_dir(key_dir: Path) -> Iterator[None]:
    """Every test starts with the session's key directory: an app made with other
    settings in this process (a test's own ``Settings``) moves it, and the servers and
    commands that later tests start read the session's from the environment."""
    use_key_dir(key_dir)
    yield
    use_key_dir(key_dir)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The PostgreSQL server for the whole test session (its maintenance database)."""
    if os.environ.get("DATABASE_URL"):
        yield with_database(os.environ["DATABASE_URL"], "postgres")
        return
    with (
        tempfile.TemporaryDirectory(prefix="coop-test-pg-") as d,
        embedded_server(Path(d), delete=True) as url,
    ):
        yield with_database(url, "postgres")


async def _admin(server_url: str, sql: str) -> None:
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def template_db(server_url: str) -> Iterator[str]:
    """A migrated database that each test's database is cloned from."""
    name = f"coop_tpl_{RUN}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    asyncio.run(migrate(with_database(server_url, name)))
    yield name
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def db_url(server_url: str, template_db: str) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    name = f"coop_t_{RUN}_{next(_counter)}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"'))
    yield with_database(server_url, name)
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))


TODAY = date(2026, 11, 23)  # the clock fixture's date


@pytest.fixture
def coop(db_url: str, clock: FixedClock) -> Iterator[Coop]:
    """The write side on this test's database."""
    app = Coop(eventsourcing_env(db_url, pool_size=8), secret_key=SECRET, clock=clock)
    yield app
    app.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path, key_dir=key_files().directory, secret_key=SECRET, db_pool_size=8
    )


@pytest.fixture
async def client(
    db_url: str, settings: Settings, clock: FixedClock
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app over HTTP (in process, in the test's event loop), its worker running."""
    from coop.web.app import create_app

    app = create_app(settings, db_url, clock=clock)
    async with lifespan_of(app):
        transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
            c.app = app  # type: ignore[attr-defined]
            yield c


@contextlib.asynccontextmanager
async def lifespan_of(app: Any) -> AsyncIterator[None]:
    """Run the app's lifespan in a task of its own (anyio scopes must exit in the task they entered)."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(hold())
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait([task, waiting], return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiting.cancel()
        task.result()  # startup failed: raise its error
    try:
        yield
    finally:
        stop.set()
        await task


@pytest.fixture
async def pool(db_url: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(db_url, min_size=1, max_size=4)  # the app's own kind
    yield p
    await p.close()
