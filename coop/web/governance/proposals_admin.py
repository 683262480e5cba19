"""The trustees' side of members' proposals: ask for them (the window, the period and
its care hours), then list each proposal on the ballot or decline it with a reason.

Each answer runs one command on the ballot and comes back to the ballot's
administration page, with the errors there if something was wrong.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.application import Coop, Done
from coop.web.forms import Checked, text
from coop.web.governance.ballots_admin import TRUSTEES, Command, _act, _ballot
from coop.web.governance.meetings_admin import form_of
from coop.web.governance.proposal_forms import check_window
from coop.web.services import services

# A refusal's field, as the Ballot names it, to the field on the page.
_FIELDS = {"until": "until-day", "period": "period", "hours": "hours"}


@post("/trustees/ballots/{ballot_id:uuid}/proposals/invite", opt=TRUSTEES, status_code=303)
async def invite_proposals(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    b = await _ballot(request, ballot_id)
    window, checked = check_window(await form_of(request), s.clock.now())
    by = request.state.user.account_id
    command: Command | None = None
    if window is not None:

        def command(coop: Coop) -> Done:
            return coop.invite_proposals(ballot_id, by=by, **window._asdict())

    return await _act(
        request, b, checked, command, done="invited", field="until-day", fields=_FIELDS
    )


@post(
    "/trustees/ballots/{ballot_id:uuid}/proposals/{proposal_id:uuid}/list",
    opt=TRUSTEES,
    status_code=303,
)
async def list_proposal(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID], proposal_id: FromPath[UUID]
) -> Template | Redirect:
    b = await _ballot(request, ballot_id)
    by = request.state.user.account_id

    def command(coop: Coop) -> Done:
        return coop.list_proposal(ballot_id, proposal_id, by=by)

    return await _act(request, b, Checked(), command, done="listed", field=f"decide-{proposal_id}")


@post(
    "/trustees/ballots/{ballot_id:uuid}/proposals/{proposal_id:uuid}/decline",
    opt=TRUSTEES,
    status_code=303,
)
async def decline_proposal(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID], proposal_id: FromPath[UUID]
) -> Template | Redirect:
    b = await _ballot(request, ballot_id)
    checked = Checked()
    field = f"reason-{proposal_id}"
    reason = text(
        checked,
        await form_of(request),
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

    def command(coop: Coop) -> Done:
        return coop.decline_proposal(ballot_id, proposal_id, reason=reason, by=by)

    return await _act(request, b, checked, command, done="declined", field=field)
