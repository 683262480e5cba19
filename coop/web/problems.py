"""Errors as people see them: problem documents for the API, pages for the site."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotFoundException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from coop.commands.base import Busy
from coop.domain.errors import CoopError
from coop.infra.db import is_unavailable
from coop.web.auth import NotAllowed, SignInRequired, is_api
from coop.web.pages import page
from coop.web.request_bodies import UnreadableBody


class Problem(Exception):
    """An API refusal with field-level detail (RFC 9457 problem document)."""

    def __init__(
        self, status: int, title: str, errors: dict[str, str] | None = None, detail: str = ""
    ) -> None:
        super().__init__(title)
        self.status, self.title, self.errors, self.detail = status, title, errors or {}, detail


PROBLEM = "application/problem+json"


class FieldProblem(msgspec.Struct):
    """What is wrong with one field, and what to do about it."""

    field: str
    message: str


class ProblemDocument(msgspec.Struct, omit_defaults=True):
    """Every refusal the API makes (RFC 9457); the OpenAPI document describes this same type."""

    type: str  # "about:blank": the status and title say it all
    title: str
    status: int
    detail: str = ""
    errors: list[FieldProblem] = msgspec.field(default_factory=list)


def problem_response(
    status: int, title: str, detail: str = "", errors: dict[str, str] | None = None
) -> Response[Any]:
    body = ProblemDocument(
        type="about:blank",
        title=title,
        status=status,
        detail=detail,
        errors=[FieldProblem(k, v) for k, v in (errors or {}).items()],
    )
    return Response(content=body, status_code=status, media_type=PROBLEM)


def _page_error(request: Request[Any, Any, Any], status: int, title: str, detail: str) -> Template:
    return page(request, "errors/error.html", status=status, title=title, detail=detail)


# How long to ask people (and clients) to wait before trying again, in seconds.
RETRY_AFTER = 30


def handle_unavailable(
    request: Request[Any, Any, Any], exc: BaseException
) -> Response[Any] | Template:
    """503 with Retry-After, and what to do: wait, then send it again (it is safe)."""
    request.logger.warning("The database is out of reach: %r", exc)
    title = "Sorry, coop is not available just now"
    if is_api(request):
        response = problem_response(
            503,
            title,
            "Try again in a minute. Send a write again with the same Idempotency-Key: "
            "if it was done the first time, you get the first answer, and it is not done twice.",
        )
    else:
        response = page(
            request,
            "errors/unavailable.html",
            status=503,
            title=title,
        )
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def handle_problem(request: Request[Any, Any, Any], exc: Problem) -> Response[Any]:
    return problem_response(exc.status, exc.title, exc.detail, exc.errors)


def handle_coop_error(request: Request[Any, Any, Any], exc: CoopError) -> Response[Any] | Template:
    response: Response[Any] | Template
    if is_api(request):
        response = problem_response(exc.status, str(exc))
    else:
        response = _page_error(request, exc.status, "This could not be done", str(exc))
    if isinstance(exc, Busy):
        response.headers["Retry-After"] = "5"  # a moment: it is a crowd, not an outage
    return response


def handle_sign_in_required(
    request: Request[Any, Any, Any], exc: SignInRequired
) -> Response[Any] | Redirect:
    if is_api(request):
        response = problem_response(401, "Sign in first: send a bearer token from POST /api/tokens")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/"
    return Redirect(path="/sign-in", query_params={"next": target}, status_code=303)


def handle_not_allowed(
    request: Request[Any, Any, Any], exc: NotAllowed
) -> Response[Any] | Template:
    message = "Your account does not have permission to do this."
    if is_api(request):
        return problem_response(403, message)
    return _page_error(request, 403, "You cannot see this page", message)


def handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any] | Template:
    answer = _http_answer(request, exc)
    # What the refusal must carry goes too: Allow with a 405 (RFC 9110), Retry-After.
    for name, value in (exc.headers or {}).items():
        answer.headers[name] = value
    return answer


def _http_answer(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any] | Template:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        detail = "The request was not in the expected form."
        errors = {
            str(e.get("key") or "body"): str(e.get("message"))
            for e in (exc.extra if isinstance(exc.extra, list) else [])
            if isinstance(e, dict)
        }
        if is_api(request):
            return problem_response(status, "Check the request", detail or exc.detail, errors)
        return _page_error(request, status, "Check what you sent", detail)
    if isinstance(exc, UnreadableBody):
        if is_api(request):
            return problem_response(status, "What you sent could not be read", exc.detail)
        return _page_error(request, status, "What you sent could not be read", exc.detail)
    title = {
        403: "You cannot do this",
        404: "Page not found",
        405: "This page cannot do that",
        413: "What you sent is too large",
    }.get(status, "Something went wrong")
    detail = exc.detail if isinstance(exc, NotFoundException) and exc.detail != "Not Found" else ""
    if status == 405 and (allowed := (exc.headers or {}).get("allow")):
        detail = f"This address takes only {allowed}."
    if status == 403 and "csrf" in str(exc.detail).lower():
        detail = "The form had expired. Go back, reload the page and try again."
    if is_api(request):
        return problem_response(status, title, detail)
    return _page_error(request, status, title, detail or _EXPLAIN.get(status, ""))


_EXPLAIN = {
    404: "If you typed the web address, check it is correct. If you pasted it, check you copied all of it.",
    413: "Send less at once, or contact the co-op office for help.",
}


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any] | Template:
    if is_unavailable(exc):
        return handle_unavailable(request, exc)
    request.logger.exception("Unhandled error", exc_info=exc)
    title = "Sorry, there is a problem with coop"
    detail = "Try again later. If it keeps happening, contact the co-op office."
    if is_api(request):
        return problem_response(HTTP_500_INTERNAL_SERVER_ERROR, title, detail)
    try:
        return _page_error(request, HTTP_500_INTERNAL_SERVER_ERROR, title, detail)
    except Exception:
        return Response(content=f"{title}. {detail}", status_code=500, media_type=MediaType.TEXT)
