"""The session cookie: how a browser holds its server-side session (coop/infra/sessions.py)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar.datastructures import Cookie
from litestar.response import Redirect

from coop.infra.sessions import LONGEST_SESSION, start_session
from coop.web.pages import see_other
from coop.web.services import Services

COOKIE = "coop_session"


def session_cookie(value: str, secure: bool, max_age: int) -> Cookie:
    """The cookie holding a session's token (empty, with no age, to remove it)."""
    return Cookie(
        key=COOKIE,
        value=value,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )


async def signed_in_as(s: Services, account_id: UUID, now: datetime, then: str) -> Redirect:
    """A new session for the account, and a redirect to ``then`` that sets its cookie."""
    token = await start_session(s.pool, account_id, now, s.settings.session_hours)
    response = see_other(then)
    # The cookie may outlive the session: the server decides when it has ended.
    longest = int(LONGEST_SESSION.total_seconds())
    response.cookies.append(session_cookie(token, s.settings.secure_cookies, longest))
    return response


def signed_out(s: Services, then: str) -> Redirect:
    """A redirect to ``then`` that removes the session cookie."""
    response = see_other(then)
    response.cookies.append(session_cookie("", s.settings.secure_cookies, 0))
    return response
