"""What the PAs' and the office's care pages share: who the PA is, the visit a URL
names, and rendering with the care words."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import Template

from coop.domain.care.errors import VisitNotFound
from coop.projections.care.staff import StaffVisit, staff_visit
from coop.web import pages
from coop.web.auth import User
from coop.web.care import staff_words
from coop.web.forms import Checked
from coop.web.services import services


def signed_in(request: Request[Any, Any, Any]) -> User:
    user: User = request.state.user
    return user


def pa_id(request: Request[Any, Any, Any]) -> UUID:
    """The signed-in PA's member id (the ``pa`` role comes only with a PA membership)."""
    member_id = signed_in(request).member_id
    if member_id is None:  # pragma: no cover - the role guard lets in PA members only
        raise NotFoundException("You have no PA membership.")
    return member_id


async def visit_named(request: Request[Any, Any, Any], visit_id: UUID) -> StaffVisit:
    """The visit the URL names, or a 404 page saying there is none."""
    found = await staff_visit(services(request.app).pool, visit_id)
    if found is None:
        raise NotFoundException(str(VisitNotFound()))
    return found


def care_page(
    request: Request[Any, Any, Any],
    template: str,
    checked: Checked | None = None,
    *,
    status: int = 200,
    **context: Any,
) -> Template:
    """A care page, with its form's answers and errors, and the words visits are written in."""
    return pages.form_page(
        request, template, checked or Checked(), status=status, words=staff_words, **context
    )
