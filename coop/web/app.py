"""create_app(): the Litestar application and the resources its lifespan owns."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import asyncpg
from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from coop.application import Coop
from coop.clock import Clock, SystemClock
from coop.config import Settings
from coop.domain.errors import CoopError
from coop.infra.audit_seals import start_sealing
from coop.infra.db import create_pool, eventsourcing_env
from coop.infra.housekeeping import remove_what_has_expired
from coop.infra.key_files import use_key_dir
from coop.infra.mail.sender import run_sender
from coop.infra.migrate import migrate
from coop.infra.request_keys import RequestDone
from coop.infra.sealing import master_key
from coop.projections.runner import Worker, run_elected
from coop.projections.waiting import ProjectionWaiter
from coop.scheduler import run_scheduler
from coop.web import api_docs, home, problems, request_keys
from coop.web.accounts import routes as accounts
from coop.web.auth import ANYONE, NotAllowed, SignInRequired, access_guard, allow
from coop.web.care import routes as care
from coop.web.finance import routes as finance
from coop.web.governance import routes as governance
from coop.web.governance.giving_notice import run_notices
from coop.web.membership import routes as membership
from coop.web.renders import routes as renders
from coop.web.renders.runner import run_renders
from coop.web.reports import routes as reports
from coop.web.request_bodies import CoopRequest
from coop.web.security import add_security_headers
from coop.web.services import Services
from coop.web.templating import reveal_in_pages

log = logging.getLogger(__name__)
WEB = Path(__file__).resolve().parent


def create_app(settings: Settings, url: str, *, clock: Clock | None = None) -> Litestar:
    """The web app for the database at ``url``."""
    settings = settings.with_secret()
    clock = clock or SystemClock()
    use_key_dir(settings.keys)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        applied = await migrate(url)
        await start_sealing(url, settings.secret_key, applied)
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
            # With several web processes, only one of them runs these.
            jobs = [
                lambda: Worker(url, master_key(settings.secret_key)).run(stop),
                lambda: run_renders(settings, url, pool, clock, stop),
            ]
            if settings.smtp_configured:
                jobs.append(lambda: run_sender(url, pool, settings, clock, stop))
            tasks.append(asyncio.create_task(run_elected(url, stop, jobs)))
        tasks.append(asyncio.create_task(run_scheduler(app.state["services"], stop)))
        tasks.append(asyncio.create_task(run_notices(app.state["services"], stop)))
        # What start-up made lives as long as the process: out of the cyclic
        # collector's full passes, which otherwise paused every request in flight.
        gc.freeze()
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
            home.router,
            accounts.router,
            membership.router,
            governance.router,
            care.router,
            finance.router,
            reports.router,
            renders.router,
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
        before_request=request_keys.look_up_request_key,
        after_request=request_keys.keep_answer,
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.secure_cookies,
            cookie_httponly=True,
            cookie_samesite="lax",
            exclude=["^/api/"],  # the API takes bearer tokens only, never cookies
        ),
        template_config=TemplateConfig(
            directory=WEB / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=_template_engine,
        ),
        openapi_config=api_docs.openapi_config(),
        plugins=[api_docs.ApiDocumentation()],
        exception_handlers={
            problems.Problem: problems.handle_problem,
            CoopError: problems.handle_coop_error,
            SignInRequired: problems.handle_sign_in_required,
            NotAllowed: problems.handle_not_allowed,
            RequestDone: request_keys.handle_request_done,
            HTTPException: problems.handle_http,
            Exception: problems.handle_unexpected,
        },
        request_max_body_size=1_000_000,
        request_class=CoopRequest,
        debug=False,
    )


def _template_engine(engine: JinjaTemplateEngine) -> None:
    """What every page's templates get: hidden characters shown, and each form's key."""
    reveal_in_pages(engine)
    request_keys.add_to_forms(engine)


def app_from_env() -> Litestar:
    """The app for one of several ``coop serve`` processes (COOP_WEB_PROCESSES).

    ``coop serve`` puts the database's URL and the secret in the environment
    before starting them, so every process serves the same co-op.
    """
    settings = Settings.from_env()
    assert settings.database_url, "coop serve sets DATABASE_URL for its processes"
    return create_app(settings, settings.database_url)


async def _housekeeping(pool: asyncpg.Pool, clock: Clock, stop: asyncio.Event) -> None:
    """Clear expired sessions, old sign-in failures, old links and old sent mail."""
    while not stop.is_set():
        with contextlib.suppress(Exception):
            await remove_what_has_expired(pool, clock.now())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=300)
