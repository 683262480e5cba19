"""create_app(): the Litestar application and the resources its lifespan owns."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import asyncpg
from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from coop.application import Coop
from coop.clock import Clock, SystemClock
from coop.config import Settings
from coop.db import create_pool, eventsourcing_env
from coop.domain.errors import CoopError
from coop.migrate import migrate
from coop.privacy import master_key
from coop.projections.runner import Worker
from coop.projections.waiting import ProjectionWaiter
from coop.web import problems
from coop.web.auth import ANYONE, NotAllowed, SignInRequired, access_guard, allow
from coop.web.routes import api, applying, home, signing_in, trustees
from coop.web.security import add_security_headers
from coop.web.services import Services
from coop.web.sessions import remove_expired

log = logging.getLogger(__name__)
WEB = Path(__file__).resolve().parent


def create_app(settings: Settings, url: str, *, clock: Clock | None = None) -> Litestar:
    """The web app for the database at ``url``."""
    settings = settings.with_secret()
    clock = clock or SystemClock()

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await migrate(url)
        pool = await create_pool(url, max_size=settings.db_pool_size)
        coop = await anyio.to_thread.run_sync(
            lambda: Coop(
                eventsourcing_env(url, pool_size=settings.db_pool_size),
                secret_key=settings.secret_key,
                clock=clock,
            )
        )
        waiter = ProjectionWaiter(url, pool)
        await waiter.start()
        app.state["services"] = Services(
            settings, url, coop, pool, waiter, clock, anyio.CapacityLimiter(settings.db_pool_size)
        )
        stop = asyncio.Event()
        tasks = [asyncio.create_task(_housekeeping(pool, clock, stop))]
        if settings.run_worker:
            tasks.append(
                asyncio.create_task(Worker(url, master_key(settings.secret_key)).run(stop))
            )
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            await waiter.stop()
            await pool.close()
            await anyio.to_thread.run_sync(coop.close)

    return Litestar(
        route_handlers=[
            home.home,
            home.help_page,
            home.accessibility,
            applying.apply_form,
            applying.apply,
            applying.received,
            signing_in.sign_in_form,
            signing_in.sign_in,
            signing_in.sign_out,
            trustees.applications,
            trustees.admit,
            trustees.refuse_form,
            trustees.refuse,
            trustees.register,
            api.Api,
            create_static_files_router(
                path="/static",
                directories=[WEB / "static"],
                opt=allow(ANYONE),
                cache_control=None,
            ),
        ],
        lifespan=[lifespan],
        guards=[access_guard],
        before_send=[add_security_headers(https=settings.secure_cookies)],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
            exclude=["^/api/"],  # the API takes bearer tokens only, never cookies
        ),
        template_config=TemplateConfig(directory=WEB / "templates", engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(
            title="coop API",
            version="0.1.0",
            description="Membership and governance for user-led care co-operatives.",
            path="/api/schema",
            render_plugins=[JsonRenderPlugin()],
            openapi_router=Router(path="/api/schema", route_handlers=[], opt=allow(ANYONE)),
        ),
        exception_handlers={
            problems.Problem: problems.handle_problem,
            CoopError: problems.handle_coop_error,
            SignInRequired: problems.handle_sign_in_required,
            NotAllowed: problems.handle_not_allowed,
            HTTPException: problems.handle_http,
            Exception: problems.handle_unexpected,
        },
        request_max_body_size=1_000_000,
        debug=False,
    )


async def _housekeeping(pool: asyncpg.Pool, clock: Clock, stop: asyncio.Event) -> None:
    """Clear expired sessions and old sign-in failures every few minutes."""
    while not stop.is_set():
        with contextlib.suppress(Exception):
            await remove_expired(pool, clock.now())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=300)
