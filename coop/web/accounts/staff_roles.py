"""Staff roles on an account: trustees make an account a coordinator (or not).

Membership roles (member, the class, trustee, secretary) follow from the member's
record; only the office roles given to an account itself are changed here.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.domain.accounts import Role
from coop.domain.errors import CoopError
from coop.projections.accounts.queries import StaffAccount, staff_account
from coop.web.forms import Checked
from coop.web.membership.forms import STAFF_ROLES, check_roles
from coop.web.pages import page, see_other
from coop.web.services import services


async def _account(request: Request[Any, Any, Any], account_id: UUID) -> StaffAccount:
    found = await staff_account(services(request.app).pool, account_id)
    if found is None:
        raise NotFoundException("There is no account with that reference.")
    return found


def _roles_page(
    request: Request[Any, Any, Any], account: StaffAccount, checked: Checked, status: int = 200
) -> Template:
    return page(
        request,
        "membership/members/roles.html",
        status=status,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
        account=account,
        done=request.query_params.get("done") == "roles",
    )


@get("/trustees/accounts/{account_id:uuid}/roles")
async def roles_form(request: Request[Any, Any, Any], account_id: FromPath[UUID]) -> Template:
    account = await _account(request, account_id)
    return _roles_page(request, account, Checked(values={"roles": account.roles}))


@post("/trustees/accounts/{account_id:uuid}/roles", status_code=303)
async def change_roles(
    request: Request[Any, Any, Any], account_id: FromPath[UUID]
) -> Template | Redirect:
    s = services(request.app)
    account = await _account(request, account_id)
    chosen, checked = check_roles((await request.form()).dict())
    if chosen is not None:
        # Only the staff roles change here; any other role the account was given stays.
        kept = tuple(Role(r) for r in account.roles if Role(r) not in STAFF_ROLES)
        try:
            done = await s.run(
                s.coop.change_roles, account_id, kept + chosen, by=request.state.user.account_id
            )
        except CoopError as e:
            checked.problem("roles", str(e))
            return _roles_page(request, account, checked, status=e.status)
        await s.seen(done.position, "accounts")
        if account.member_id is not None:
            return see_other(f"/trustees/members/{account.member_id}?done=roles")
        return see_other(f"/trustees/accounts/{account_id}/roles?done=roles")
    return _roles_page(request, account, checked, status=422)
