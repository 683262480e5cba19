"""The trustees' side of members' proposals: ask for them (the window; the period comes
from the ballot's declared surplus, or is named), then list each proposal on the ballot
or decline it with a reason.

Each answer runs one command on the ballot and comes back to the ballot's
administration page, with the errors there if something was wrong.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.projections.finance.queries import period_of_ballot
from coop.web.forms import Checked, text
from coop.web.governance.ballot_admin_page import change_ballot
from coop.web.governance.lookups import ballot_named
from coop.web.governance.proposal_forms import check_window
from coop.web.pages import posted_form
from coop.web.services import services

# A refusal's field, as the Ballot names it, to the field on the page.
_FIELDS = {"until": "until-day", "period": "period"}


@post("/trustees/ballots/{ballot_id:uuid}/proposals/invite", status_code=303)
async def invite_proposals(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    b = await ballot_named(request, ballot_id)
    from_period = await period_of_ballot(s.pool, ballot_id)
    window, checked = check_window(
        await posted_form(request), s.clock.now(), from_books=from_period is not None
    )
    by = request.state.user.account_id
    command = None
    if window is not None and from_period is not None:
        # Rate changes are costed from the declared period's own books.
        command = partial(
            s.coop.invite_proposals,
            ballot_id,
            until=window.until,
            by=by,
            period_id=from_period.period_id,
        )
    elif window is not None:
        command = partial(s.coop.invite_proposals, ballot_id, by=by, **window._asdict())
    return await change_ballot(
        request, b, checked, command, done="invited", field="until-day", fields=_FIELDS
    )


@post(
    "/trustees/ballots/{ballot_id:uuid}/proposals/{proposal_id:uuid}/list",
    status_code=303,
)
async def list_proposal(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID], proposal_id: FromPath[UUID]
) -> Template | Redirect:
    b = await ballot_named(request, ballot_id)
    by = request.state.user.account_id
    command = partial(services(request.app).coop.list_proposal, ballot_id, proposal_id, by=by)
    return await change_ballot(
        request, b, Checked(), command, done="listed", field=f"decide-{proposal_id}"
    )


@post(
    "/trustees/ballots/{ballot_id:uuid}/proposals/{proposal_id:uuid}/decline",
    status_code=303,
)
async def decline_proposal(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID], proposal_id: FromPath[UUID]
) -> Template | Redirect:
    b = await ballot_named(request, ballot_id)
    checked = Checked()
    field = f"reason-{proposal_id}"
    reason = text(
        checked,
        await posted_form(request),
        "reason",
        label="The reason",
        missing="Say why the proposal is not going on the ballot",
        max_length=1000,
        multiline=True,
    )
    if "reason" in checked.errors:  # the page has a reason box per proposal
        checked.errors = {field: checked.errors["reason"]}
        checked.values = {field: checked.values.get("reason", "")}
    by = request.state.user.account_id
    command = partial(
        services(request.app).coop.decline_proposal, ballot_id, proposal_id, reason=reason, by=by
    )
    return await change_ballot(request, b, checked, command, done="declined", field=field)
