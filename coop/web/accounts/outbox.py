"""The office's outbox: mail waiting and sent, readable so it can be delivered by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from coop.clock import UK
from coop.infra.mail import outbox
from coop.infra.mail.sender import MAX_ATTEMPTS
from coop.web.pages import page
from coop.web.services import services


def _when(at: datetime | None) -> str:
    return at.astimezone(UK).strftime("%-d %b %Y at %H:%M") if at else ""


@get("/office/outbox")
async def outbox_page(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    return page(
        request,
        "accounts/office/outbox.html",
        mails=await outbox.recent(s.pool),
        smtp_host=s.settings.smtp_host,
        max_attempts=MAX_ATTEMPTS,
        when=_when,
    )


@get("/office/outbox/{mail_id:int}")
async def outbox_message(request: Request[Any, Any, Any], mail_id: FromPath[int]) -> Template:
    s = services(request.app)
    mail = await outbox.message(s.pool, mail_id)
    if mail is None:
        raise NotFoundException("There is no message with that number in the outbox.")
    return page(
        request,
        "accounts/office/message.html",
        mail=mail,
        smtp_host=s.settings.smtp_host,
        max_attempts=MAX_ATTEMPTS,
        when=_when,
    )
