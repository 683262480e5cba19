"""The resources a running app holds, owned by its lifespan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import asyncpg
from litestar import Litestar

from coop.application import Coop
from coop.clock import Clock
from coop.commands.governance.loop_voting import LoopVoting
from coop.config import Settings
from coop.projections.waiting import ProjectionWaiter

T = TypeVar("T")


@dataclass
class Services:
    """Settings, the write side, the read side and the clock."""

    settings: Settings
    url: str
    coop: Coop
    pool: asyncpg.Pool
    waiter: ProjectionWaiter
    clock: Clock
    # Commands block on psycopg; this bound matches the psycopg pool.
    limiter: anyio.CapacityLimiter
    votes: LoopVoting = field(init=False)

    def __post_init__(self) -> None:
        self.votes = LoopVoting(self.coop, self.pool, self.run)

    async def run(self, command: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a command off the event loop."""
        return await anyio.to_thread.run_sync(
            lambda: command(*args, **kwargs), limiter=self.limiter
        )

    async def seen(self, position: int, *projections: str) -> None:
        """Wait until the named projections have applied ``position`` (read-your-writes)."""
        await self.waiter.wait_for(position, projections)


def services(app: Litestar) -> Services:
    found: Services = app.state["services"]
    return found
