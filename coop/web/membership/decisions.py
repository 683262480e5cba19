"""Deciding applications: the one way the trustees' page and the JSON API admit and refuse.

Each takes the checked answers, runs the command as the signed-in trustee and
waits until the members list shows the decision. A refusal by the rules
(``CoopError``) is left to the caller: the page shows it by the field, the API
answers with a problem document.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request

from coop.web.forms import Checked
from coop.web.services import services


async def admit(request: Request[Any, Any, Any], member_id: UUID, checked: Checked) -> None:
    """Admit the applicant with the minute reference given."""
    s = services(request.app)
    done = await s.run(
        s.coop.admit,
        member_id,
        by=request.state.user.account_id,
        minute_reference=checked.values["minute_reference"],
    )
    await s.seen(done.position, "members")


async def refuse(request: Request[Any, Any, Any], member_id: UUID, checked: Checked) -> None:
    """Refuse the application, with the reason and minute reference given."""
    s = services(request.app)
    done = await s.run(
        s.coop.refuse,
        member_id,
        by=request.state.user.account_id,
        reason=checked.values["reason"],
        minute_reference=checked.values["minute_reference"],
    )
    await s.seen(done.position, "members")
