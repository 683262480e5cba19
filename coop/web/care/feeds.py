"""Calendar feeds: the feed itself at a secret URL (for calendar apps, no sign-in), and
the owner's page to get, renew or stop it.

A user's feed has their visits, a PA's their rota. The secret is shown once,
when it is made: only its hash is kept (``coop.projections.care.feeds``), so
the page can say that a feed is on, but not show its address again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.projections.care.calendar import calendar
from coop.projections.care.feeds import (
    FeedKind,
    feed_owner,
    feed_started,
    feed_visits,
    renew_feed_token,
    revoke_feed_token,
)
from coop.web.pages import page, see_other
from coop.web.services import services
from coop.web.words import when

# How far back a feed reaches: calendar apps keep what they already have.
_HISTORY = timedelta(days=31)


def _kind(request: Request[Any, Any, Any]) -> FeedKind:
    return FeedKind.PA if request.state.user.has("pa") else FeedKind.USER


@get("/calendar/{token:str}")
async def feed(request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
    """The feed a calendar app reads: ``text/calendar``, or 404 for an unknown or old secret."""
    s = services(request.app)
    owner = await feed_owner(s.pool, token.removesuffix(".ics"))
    if owner is None:
        raise NotFoundException("There is no calendar at this address. It may have been stopped.")
    now = s.clock.now()
    visits = await feed_visits(s.pool, owner, now - _HISTORY)
    title = f"{owner.name}'s rota" if owner.kind is FeedKind.PA else f"{owner.name}'s care visits"
    return Response(
        content=calendar(title, visits, now),
        media_type="text/calendar",  # Litestar adds "; charset=utf-8"
        headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"},
    )


async def _calendar_page(
    request: Request[Any, Any, Any], *, address: str = "", status: int = 200
) -> Template:
    s = services(request.app)
    user = request.state.user
    started = await feed_started(s.pool, user.member_id, _kind(request))
    return page(
        request,
        "care/calendar.html",
        status=status,
        pa=_kind(request) is FeedKind.PA,
        started=when(started) if started else "",
        address=address,
        webcal=address.replace("https://", "webcal://").replace("http://", "webcal://"),
        done=request.query_params.get("done") == "stopped",
    )


@get("/care/calendar")
async def my_calendar(request: Request[Any, Any, Any]) -> Template:
    return await _calendar_page(request)


@post("/care/calendar/renew", status_code=200)
async def renew(request: Request[Any, Any, Any]) -> Template:
    """A new secret address (any old one stops working), shown this once."""
    s = services(request.app)
    token = await renew_feed_token(
        s.pool, request.state.user.member_id, _kind(request), s.clock.now()
    )
    address = f"{str(request.base_url).rstrip('/')}/calendar/{token}.ics"
    return await _calendar_page(request, address=address)


@post("/care/calendar/revoke", status_code=303)
async def revoke(request: Request[Any, Any, Any]) -> Redirect:
    """Stop the feed: its address stops working at once."""
    s = services(request.app)
    await revoke_feed_token(s.pool, request.state.user.member_id, _kind(request))
    return see_other("/care/calendar?done=stopped")
