"""What invitations and password resets share: checking a one-time link, and the
pages that choose a password or say why a link cannot be used.

Both journeys start with a one-time link (coop/infra/one_time_links.py) sent
through the outbox (coop/infra/mail/). Choosing the password redeems the link in
the same database transaction as the command it allows, so a link works exactly once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, NamedTuple, TypeVar

from litestar import Request
from litestar.response import Template

from coop.infra import one_time_links
from coop.infra.one_time_links import OneTimeLink, Purpose
from coop.web.accounts.passwords import password_problem
from coop.web.forms import Checked
from coop.web.pages import page
from coop.web.services import services

T = TypeVar("T")


class LinkProblem(NamedTuple):
    """A page saying why a link cannot be used, and what to do instead."""

    status: int
    title: str
    what: str
    todo: str
    href: str
    link_text: str


# Why a link cannot be used ("unknown", "used", "expired") to the page that says so.
LinkProblems = Mapping[str, LinkProblem]


def link_page(request: Request[Any, Any, Any], problem: LinkProblem) -> Template:
    """The page that says why a link cannot be used."""
    return page(
        request,
        "accounts/link_not_working.html",
        status=problem.status,
        title=problem.title,
        what=problem.what,
        todo=problem.todo,
        href=problem.href,
        link_text=problem.link_text,
    )


async def holder_of_link(
    request: Request[Any, Any, Any],
    purpose: Purpose,
    token: str,
    problems: LinkProblems,
    holder: Callable[[OneTimeLink], Awaitable[T | None]],
    *,
    used_already: Callable[[T], Awaitable[bool]] | None = None,
) -> T | Template:
    """Whom a ready link is for (as ``holder`` finds them), or a page saying why it cannot be used.

    ``used_already`` says whether what the link is for has been done some other way.
    """
    s = services(request.app)
    found = await one_time_links.look_up(s.pool, purpose, token)
    whom = await holder(found) if found else None
    if found is None or whom is None:
        return link_page(request, problems["unknown"])
    state = found.state(s.clock.now())
    if state == "ready" and used_already is not None and await used_already(whom):
        state = "used"
    if state != "ready":
        return link_page(request, problems[state])
    return whom


def new_password_page(
    request: Request[Any, Any, Any],
    *,
    checked: Checked | None = None,
    title: str,
    intro: str,
    action: str,
    email: str,
    submit: str,
) -> Template:
    """The page that asks for a new password (again with its errors, when ``checked``)."""
    errors = checked.errors if checked else {}
    return page(
        request,
        "accounts/new_password.html",
        status=422 if errors else 200,
        errors=list(errors.items()),
        field_errors=errors,
        title=title,
        intro=intro,
        action=action,
        email=email,
        submit=submit,
    )


def check_new_password(data: Mapping[str, Any]) -> Checked:
    """A new password, typed twice. Not trimmed: spaces are part of a password."""
    c = Checked()
    password, confirm = _first(data, "password"), _first(data, "confirm_password")
    if not password:
        c.problem("password", "Enter a new password")
    elif problem := password_problem(password):
        c.problem("password", problem)
    elif not confirm:
        c.problem("confirm_password", "Enter your new password again")
    elif confirm != password:
        c.problem(
            "confirm_password", "The passwords do not match. Enter the same password in both boxes"
        )
    c.values["password"] = password
    return c


def _first(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""
