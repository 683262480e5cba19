"""A member's own pages: their membership, details, share, data, and giving notice to leave.

Whose record a page shows or changes comes only from the signed-in account
(``user.member_id``), never from the URL or the form. Carer links are in
``my_carers``.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Response, Template

from coop.clock import today
from coop.domain.errors import CoopError
from coop.domain.membership.member_details import Cessation, ContactMethod
from coop.projections.accounts.queries import account_by_id
from coop.projections.membership.queries import MemberRecord, member_record
from coop.web.auth import User
from coop.web.forms import check_contact_details
from coop.web.membership.applying import CONTACT_METHODS
from coop.web.membership.download_my_data import as_json, my_data
from coop.web.pages import page, see_other
from coop.web.services import services

CLASS_NAMES = {
    "user": "User (someone who uses care and support)",
    "carer": "Carer (an unpaid carer)",
    "pa": "Personal assistant (PA)",
}
_DETAIL_FIELDS = (
    "name",
    "preferred_name",
    "email",
    "phone",
    "address",
    "postcode",
    "contact_methods",
    "access_needs",
)


def signed_in(request: Request[Any, Any, Any]) -> User:
    """The signed-in person (the guard has made sure there is one)."""
    user: User = request.state.user
    return user


async def own_record(request: Request[Any, Any, Any]) -> MemberRecord | None:
    """The signed-in person's own member record, if their account has one."""
    user = signed_in(request)
    if user.member_id is None:
        return None
    return await member_record(services(request.app).pool, user.member_id)


def no_record(request: Request[Any, Any, Any]) -> Template:
    """What a page about a membership says to an account that has none."""
    return page(request, "membership/my/no_record.html", status=404)


@get("/my")
async def membership(request: Request[Any, Any, Any]) -> Template:
    record = await own_record(request)
    return page(request, "membership/my/index.html", record=record, class_names=CLASS_NAMES)


# Contact details -------------------------------------------------------------------


def _details_form(
    request: Request[Any, Any, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    sign_in_email: str,
    *,
    status: int = 200,
    summary: list[tuple[str, str]] | None = None,
) -> Template:
    return page(
        request,
        "membership/my/details.html",
        status=status,
        errors=summary if summary is not None else list(errors.items()),
        field_errors=errors,
        values=values,
        contact_methods=CONTACT_METHODS,
        sign_in_email=sign_in_email,
        updated=request.query_params.get("updated") == "1",
    )


async def _sign_in_email(request: Request[Any, Any, Any]) -> str:
    account = await account_by_id(services(request.app).pool, signed_in(request).account_id)
    return account.email if account else ""


@get("/my/details")
async def details_form(request: Request[Any, Any, Any]) -> Template:
    record = await own_record(request)
    if record is None:
        return no_record(request)
    values = {f: getattr(record, f) for f in _DETAIL_FIELDS}
    return _details_form(request, values, {}, await _sign_in_email(request))


@post("/my/details", status_code=303)
async def update_details(request: Request[Any, Any, Any]) -> Template | Redirect:
    user = signed_in(request)
    record = await own_record(request)
    if user.member_id is None or record is None:
        return no_record(request)
    details, checked = check_contact_details((await request.form()).dict())
    email = await _sign_in_email(request)
    if details is None:
        return _details_form(request, checked.values, checked.errors, email, status=422)
    if set(details.contact_methods) == set(record.contact_methods):
        # The same choices in another order are no change.
        methods = tuple(ContactMethod(m) for m in record.contact_methods)
        details = msgspec.structs.replace(details, contact_methods=methods)
    s = services(request.app)
    try:
        done = await s.run(s.coop.update_details, user.member_id, details, by=user.account_id)
    except CoopError as e:
        # e.g. "Nothing has changed": about the whole form, not one field.
        return _details_form(
            request, checked.values, {}, email, status=e.status, summary=[("", str(e))]
        )
    await s.seen(done.position, "members")
    return see_other("/my/details?updated=1")


# Share -------------------------------------------------------------------------------


@get("/my/share")
async def share(request: Request[Any, Any, Any]) -> Template:
    record = await own_record(request)
    if record is None:
        return no_record(request)
    return page(request, "membership/my/share.html", record=record)


# Data --------------------------------------------------------------------------------


@get("/my/data")
async def data_page(request: Request[Any, Any, Any]) -> Template:
    return page(
        request, "membership/my/data.html", has_record=signed_in(request).member_id is not None
    )


@get("/my/data.json")
async def data_download(request: Request[Any, Any, Any]) -> Response[bytes]:
    s = services(request.app)
    now = s.clock.now()
    data = await my_data(s.pool, signed_in(request), now, s.settings.session_hours)
    return Response(
        content=as_json(data),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="coop-my-data-{today(s.clock)}.json"'
        },
    )


# Leaving -----------------------------------------------------------------------------


def _leave_form(
    request: Request[Any, Any, Any], record: MemberRecord, error: str | None = None
) -> Template:
    errors = {"confirm": error} if error else {}
    s = services(request.app)
    return page(
        request,
        "membership/my/leave.html",
        status=422 if error else 200,
        errors=list(errors.items()),
        field_errors=errors,
        record=record,
        leaving_on=today(s.clock),
        retention_years=s.settings.retention_years,
    )


@get("/my/leave")
async def leave_form(request: Request[Any, Any, Any]) -> Template:
    record = await own_record(request)
    if record is None:
        return no_record(request)
    return _leave_form(request, record)


@post("/my/leave", status_code=303)
async def leave(request: Request[Any, Any, Any]) -> Template | Redirect:
    user = signed_in(request)
    record = await own_record(request)
    if user.member_id is None or record is None:
        return no_record(request)
    form = await request.form()
    if form.get("confirm") != "yes":
        return _leave_form(request, record, "Confirm that you want to leave the co-op")
    s = services(request.app)
    try:
        done = await s.run(
            s.coop.cease,
            user.member_id,
            Cessation.WITHDRAWAL,
            on=today(s.clock),
            by=user.account_id,
            reference="Notice given online",
        )
    except CoopError as e:
        return _leave_form(request, record, str(e))
    await s.seen(done.position, "members")
    return see_other("/my/leave/done")


@get("/my/leave/done")
async def left(request: Request[Any, Any, Any]) -> Template | Redirect:
    record = await own_record(request)
    if record is None:
        return no_record(request)
    if record.status != "ceased":
        return see_other("/my")
    return page(
        request,
        "membership/my/left.html",
        record=record,
        retention_years=services(request.app).settings.retention_years,
    )
