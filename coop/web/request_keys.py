"""Idempotency keys for every form and API command: a retry gets the first answer.

Every form carries a fresh key in a hidden field (``{{ request_key_input }}``,
beside ``{{ csrf_input | safe }}``); an API client sends an ``Idempotency-Key``
header. Before a keyed request runs, its key is looked up:

* not found: the request runs with the key set, and the key is saved in the same
  statement as the command's events (coop/infra/request_keys.py), so whatever
  happens afterwards a retry finds it done or not done, never half;
* found with the first answer kept: the same answer again (the same redirect);
* found without an answer (the command committed, then the process died or the
  database went away before the answer was sent): a page, or a JSON document,
  saying it was done and when.

A key is the signed-in account's (or the anonymous visitor's) only, and stands for
what was asked: the same key with different answers (a form resubmitted after
going back and changing it) is a new request, run without a key on the page and
refused from the API (422), as the Idempotency-Key draft standard says.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import asyncpg
from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.serialization import encode_json

from coop.clock import UK
from coop.infra.request_keys import (
    REQUEST_KEY,
    Outcome,
    RequestDone,
    RequestKey,
    outcome,
    record_answer,
)
from coop.projections.runner import ALL
from coop.web.auth import is_api
from coop.web.pages import is_htmx, page
from coop.web.problems import Problem, problem_response
from coop.web.services import services
from coop.web.words import when

FIELD = "request_key"
HEADER = "Idempotency-Key"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_VALID = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII, as the header's draft says
# What a form sends that is not what it asks: the key itself and the CSRF token.
_NOT_ASKED = frozenset({FIELD, "_csrf_token"})
_KEPT_BODY = 64 * 1024  # an API answer longer than this is not kept (a retry gets 200 "done")


class _RequestKeyInput:
    """A hidden field with a fresh key each time a form is rendered."""

    def __html__(self) -> str:
        return f'<input type="hidden" name="{FIELD}" value="{uuid4()}">'

    def __str__(self) -> str:
        return self.__html__()  # Jinja's autoescape uses __html__, so no "| safe" needed


def add_to_forms(engine: JinjaTemplateEngine) -> None:
    """Give every template ``{{ request_key_input }}``: the one line a form adds."""
    engine.engine.globals["request_key_input"] = _RequestKeyInput()


# The request key of the request being answered here, and the pool to keep its answer.
_ANSWERING: ContextVar[tuple[asyncpg.Pool, RequestKey] | None] = ContextVar(
    "coop_answering", default=None
)


async def look_up_request_key(request: Request[Any, Any, Any]) -> Any:
    """``before_request``: answer a keyed request done before as it was answered; else
    run it with its key set, for the command's save to keep."""
    # Nothing of another request's key may carry over (in-process clients share a task).
    REQUEST_KEY.set(None)
    _ANSWERING.set(None)
    if request.method not in _WRITES:
        return None
    found = await _key_and_fingerprint(request)
    if found is None:
        return None
    key, fingerprint = found
    user = request.state.get("user")
    who = str(user.account_id) if user is not None else ""
    pool = services(request.app).pool
    done = await outcome(pool, who, key)
    if done is None:
        request_key = RequestKey(who, key, fingerprint)
        REQUEST_KEY.set(request_key)
        _ANSWERING.set((pool, request_key))
        return None
    if done.fingerprint != fingerprint:
        if is_api(request):
            raise Problem(
                422,
                f"This {HEADER} was used for a different request",
                detail="Send a new key with each new request.",
            )
        return None  # another request made from the same page: not the one done before
    await _caught_up(request, done)
    return _answer_again(request, done)


async def keep_answer(response: Response[Any]) -> Response[Any]:
    """``after_request``: keep the answer to a keyed request (kept only if its command
    saved something: a refusal, or a request that changed nothing, may run again)."""
    answering = _ANSWERING.get()
    status = response.status_code or 200
    if answering is None or status >= 400:
        return response
    pool, request_key = answering
    location = response.url if isinstance(response, Redirect) else None
    content_type: str | None = None
    body: bytes | None = None
    if not isinstance(response, Template | Redirect):
        content_type = str(response.media_type)
        encoded = _as_sent(response.content)
        body = encoded if len(encoded) <= _KEPT_BODY else None
    # The answer is on its way either way: if this fails, a retry is told "done".
    with contextlib.suppress(Exception):
        await record_answer(pool, request_key, status, location, content_type, body)
    return response


def _as_sent(content: Any) -> bytes:
    """A response's content as its bytes (JSON for data, as Litestar sends it)."""
    if content is None:
        return b""
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode()
    return encode_json(content)


def handle_request_done(
    request: Request[Any, Any, Any], exc: RequestDone
) -> Response[Any] | Template:
    """The same request sent twice at once (a double click, a retry while the first was
    still running): this one saved nothing, and the first is being done. 409, as the
    Idempotency-Key draft standard says; sent again, it gets the first one's answer."""
    title = "This is being done already"
    detail = (
        "What you sent arrived twice, and the first is being done now. Wait a moment, "
        "then go back to the page to see it. It will not be done twice."
    )
    response: Response[Any] | Template
    if is_api(request):
        response = problem_response(
            409, title, f"Send it again with the same {HEADER} to get its answer."
        )
    else:
        response = page(request, "errors/error.html", status=409, title=title, detail=detail)
    response.headers["Retry-After"] = "2"
    return response


async def _key_and_fingerprint(request: Request[Any, Any, Any]) -> tuple[str, str] | None:
    """The request's key, if it carries one, and a digest of what it asks."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}?{request.url.query}".encode())
    if is_api(request) or request.content_type[0] not in _FORMS:
        key = request.headers.get(HEADER)
        if key is None:
            return None
        digest.update(await request.body())
    else:
        form = await request.form()
        key = form.get(FIELD)
        if not isinstance(key, str) or not key:
            return None
        for name, value in form.multi_items():
            if name not in _NOT_ASKED:
                seen = value
                if isinstance(value, UploadFile):
                    seen = await value.read()
                    await value.seek(0)  # the route reads the file after us
                digest.update(f"\0{name}\0".encode())
                digest.update(seen if isinstance(seen, bytes) else str(seen).encode())
    if not _VALID.match(key):
        raise Problem(
            400, f"Check the {HEADER}", detail="Send 1 to 200 printable ASCII characters."
        )
    return key, digest.hexdigest()


async def _caught_up(request: Request[Any, Any, Any], done: Outcome) -> None:
    """Wait (briefly) for the read side to show what the first attempt did."""
    names = [projection.name for projection in ALL]
    await services(request.app).waiter.wait_for(done.event_position, names, timeout=5)


def _answer_again(request: Request[Any, Any, Any], done: Outcome) -> Response[Any] | Template:
    """The first attempt's answer, or, if it was never given, that it was done and when."""
    if done.location is not None:
        return Redirect(path=done.location, status_code=303)
    if is_api(request):
        if done.status is not None and done.content_type is not None:
            return Response(
                content=done.body or b"",
                status_code=done.status,
                media_type=done.content_type,
            )
        return Response(
            content={
                "title": "This was done already",
                "done_at": done.recorded_at.isoformat(),
                "event_position": done.event_position,
            },
            status_code=200,
        )
    if is_htmx(request):
        # The fragment it answered is gone: the whole page again shows what was done.
        return Response(content=b"", status_code=200, headers={"HX-Refresh": "true"})
    return page(
        request,
        "errors/already_done.html",
        status=200,
        done_at=when(done.recorded_at),
        done_time=f"{done.recorded_at.astimezone(UK):%H:%M}",
        back=_same_site_referer(request),
    )


def _same_site_referer(request: Request[Any, Any, Any]) -> str:
    """The page the form was sent from, if it was one of ours; else the home page."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return "/"
    path = referer.path or "/"
    return path if path.startswith("/") and not path.startswith("//") else "/"
