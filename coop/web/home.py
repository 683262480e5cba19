"""Home, help and accessibility pages."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from coop.projections.membership.queries import applications_awaiting_decision
from coop.web.auth import ANYONE, allow
from coop.web.pages import page
from coop.web.services import services


@get("/", name="home")
async def home(request: Request[Any, Any, Any]) -> Template:
    user = request.state.get("user")
    waiting = None
    if user is not None and user.has("trustee"):
        waiting = len(await applications_awaiting_decision(services(request.app).pool))
    return page(request, "home/index.html", waiting=waiting)


@get("/help")
async def help_page(request: Request[Any, Any, Any]) -> Template:
    return page(request, "pages/help.html")


@get("/accessibility")
async def accessibility(request: Request[Any, Any, Any]) -> Template:
    return page(request, "pages/accessibility.html")


router = Router(path="/", opt=allow(ANYONE), route_handlers=[home, help_page, accessibility])
