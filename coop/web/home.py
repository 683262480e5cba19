"""Home, help and accessibility pages. The home says what concerns the person signed in
and what to do next (``coop.web.homes``), in plain English or Easy Read."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from coop.web.auth import ANYONE, TRUSTEES, allow
from coop.web.homes import (
    care_day_things,
    home_for,
    most_urgent_first,
    office_things,
    trustee_things,
)
from coop.web.pages import page
from coop.web.services import services


async def _home(request: Request[Any, Any, Any], template: str) -> Template:
    user = request.state.get("user")
    s = services(request.app)
    sections = [] if user is None else await home_for(s.pool, user, s.clock.now())
    return page(request, template, sections=sections)


@get("/", name="home")
async def home(request: Request[Any, Any, Any]) -> Template:
    return await _home(request, "home/index.html")


@get("/easy-read")
async def home_easy_read(request: Request[Any, Any, Any]) -> Template:
    return await _home(request, "home/easy_read.html")


@get("/trustees")
async def trustees_home(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    things = most_urgent_first(await trustee_things(s.pool, s.clock.now()))
    return page(request, "home/trustees.html", things=things)


@get("/office")
async def office_home(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    things = most_urgent_first(
        await care_day_things(s.pool, s.clock.now()) + await office_things(s.pool)
    )
    return page(request, "home/office.html", things=things)


@get("/help")
async def help_page(request: Request[Any, Any, Any]) -> Template:
    settings = services(request.app).settings
    return page(
        request,
        "pages/help.html",
        office_phone=settings.office_phone,
        office_email=settings.office_email,
        office_hours=settings.office_hours,
    )


@get("/accessibility")
async def accessibility(request: Request[Any, Any, Any]) -> Template:
    return page(request, "pages/accessibility.html")


router = Router(
    path="/",
    route_handlers=[
        Router(
            path="/",
            opt=allow(ANYONE),
            route_handlers=[home, home_easy_read, help_page, accessibility],
        ),
        Router(path="/", opt=TRUSTEES, route_handlers=[trustees_home]),
        Router(
            path="/", opt=allow("coordinator", "trustee", "secretary"), route_handlers=[office_home]
        ),
    ],
)
