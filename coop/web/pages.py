"""Rendering pages and fragments with what every page needs."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from coop.web.forms import Checked
from coop.web.services import services


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """True when htmx made the request (it wants a fragment, not a page)."""
    return request.headers.get("hx-request") == "true"


def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    status: int = 200,
    errors: list[tuple[str, str]] | None = None,
    **context: Any,
) -> Template:
    """A page (or fragment) with the signed-in person, the co-op's name and any errors."""
    return Template(
        template_name=template,
        status_code=status,
        context={
            "current_user": request.state.get("user"),
            "coop_name": services(request.app).settings.coop_name,
            "errors": errors or [],
            **context,
        },
    )


def form_page(
    request: Request[Any, Any, Any],
    template: str,
    checked: Checked,
    *,
    status: int = 200,
    values: dict[str, Any] | None = None,
    **context: Any,
) -> Template:
    """A page with a form: the answers ``checked`` (or ``values``) and their errors."""
    return page(
        request,
        template,
        status=status,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values if values is None else values,
        **context,
    )


def no_membership(request: Request[Any, Any, Any]) -> Template:
    """What a page about a membership says to an account that has none (404)."""
    return page(request, "membership/my/no_record.html", status=404)


async def posted_form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The form the request posted, as the checks in ``coop.web.forms`` read it."""
    return (await request.form()).dict()


def see_other(path: str) -> Redirect:
    """POST-redirect-GET."""
    return Redirect(path=path, status_code=303)


def reference(member_id: object) -> str:
    """A short reference people can read out on the phone."""
    return str(member_id).replace("-", "")[:8].upper()
