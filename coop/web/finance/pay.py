"""A PA's pay statement for a month: each visit, hours × rate, and the totals.

A PA sees only their own; the treasurer and the trustees see any PA's. The route lets
PAs in, and the handler refuses a PA asking for someone else's (403).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from coop.clock import today
from coop.projections.finance.books import PayStatement, pay_statement
from coop.projections.governance.queries import names_of_members
from coop.web.auth import NotYours, User
from coop.web.finance.forms import month_answer
from coop.web.finance.words import hours, month_name, pounds
from coop.web.pages import page, see_other
from coop.web.problems import Problem
from coop.web.services import services
from coop.web.words import when

# Who may read any PA's statement, not only their own.
_BOOKKEEPERS = frozenset({"treasurer", "trustee", "secretary"})
_UPLIFTS = {"": "", "night": "night", "weekend": "weekend", "bank_holiday": "bank holiday"}


def may_read_pay_of(user: User, pa_id: UUID) -> bool:
    """A PA reads their own pay; the treasurer and the trustees anyone's."""
    return bool(user.roles & _BOOKKEEPERS) or user.member_id == pa_id


async def statement_for(
    request: Request[Any, Any, Any], pa_id: UUID, month: str | None
) -> PayStatement:
    """The statement the person asked for, if they may read it (the page and the API)."""
    if not may_read_pay_of(request.state.user, pa_id):
        raise NotYours("A PA can read only their own pay statement.")
    s = services(request.app)
    first = month_answer(month, today(s.clock))
    if first is None:
        message = f"month must be a month like {today(s.clock):%Y-%m}"
        if request.url.path.startswith("/api/"):
            raise Problem(400, "Check the month", {"month": message})
        raise NotFoundException(message)
    return await pay_statement(s.pool, pa_id, first)


def own_pa_id(request: Request[Any, Any, Any]) -> UUID:
    """The member id of the PA signed in, whose own pay they ask for."""
    member_id: UUID | None = request.state.user.member_id
    if member_id is None:
        raise NotFoundException(
            "Your account is not linked to a membership, so there is no pay statement for you."
        )
    return member_id


@get("/my/pay")
async def my_pay(request: Request[Any, Any, Any]) -> Redirect:
    return see_other(f"/finance/pay/{own_pa_id(request)}")


@get("/finance/pay/{pa_id:uuid}")
async def pay_page(
    request: Request[Any, Any, Any], pa_id: FromPath[UUID], month: FromQuery[str | None] = None
) -> Template:
    statement = await statement_for(request, pa_id, month)
    names = await names_of_members(services(request.app).pool, [pa_id])
    first = statement.month
    before = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return page(
        request,
        "finance/pay.html",
        st=statement,
        name=names.get(pa_id, "This PA"),
        own=request.state.user.member_id == pa_id,
        month=month_name(first),
        before=(f"{before:%Y-%m}", month_name(before)),
        after=(f"{after:%Y-%m}", month_name(after)),
        uplifts=_UPLIFTS,
        when=when,
        hours=hours,
        pounds=pounds,
    )
