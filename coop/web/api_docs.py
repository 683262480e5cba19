"""The JSON API's OpenAPI document, made to tell the truth about every answer.

Only the API is documented (paths under /api/, not the pages, not the document
itself). Each operation lists what it can answer besides success, each as a problem
document (``application/problem+json``), from one table:

* what every route of its shape can answer is added here, by ``ApiDocumentation``:
  401 and 403 from its ``allow`` rule, 400 if it reads a body or parameters, 413 and
  422 if it reads a body, 404 if its path names something, 409 if it acts, 500 always;
* anything else a handler can answer (a 401 or 429 from signing in, a 409 from a
  read) it says itself, with ``responses=refusals(409)`` on its decorator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Response, Router
from litestar.config.app import AppConfig
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins import InitPlugin, ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from coop.web.auth import ANYONE, SIGNED_IN, allow
from coop.web.problems import PROBLEM, ProblemDocument, problem_response

SCHEMA_PATH = "/api/schema"
BEARER = "bearer"

# Every refusal the API makes, and what it means to the client that gets it.
WHY: Mapping[int, str] = {
    400: "The request could not be read: a body that is not UTF-8 or not JSON, JSON nested "
    "too deeply, or a parameter of the wrong type.",
    401: "Sign in first: send a bearer token from POST /api/tokens (it may have expired).",
    403: "The token's account does not have a role this needs.",
    404: "There is nothing with that id (or at that path).",
    409: "It conflicts with what is already recorded; the problem says what.",
    413: "The body is larger than 1 MB.",
    422: "Details that did not check out; `errors` names each field and what to do.",
    429: "Too many attempts: wait 15 minutes, then try again.",
    500: "Something went wrong in coop; try again later.",
    503: "coop cannot reach its database just now; try again after Retry-After seconds.",
}


def refusals(*statuses: int) -> dict[int, ResponseSpec]:
    """The ``responses=`` of a route that can also answer these statuses (see ``WHY``)."""
    return {
        status: ResponseSpec(
            data_container=ProblemDocument,
            generate_examples=False,
            description=WHY[status],
            media_type=PROBLEM,
        )
        for status in statuses
    }


def _what_any_route_like_this_answers(route: HTTPRoute, handler: HTTPRouteHandler) -> list[int]:
    """The refusals that follow from the route's shape and its ``allow`` rule."""
    statuses = [500]
    allowed = handler.opt.get("allow", frozenset())
    if ANYONE not in allowed:
        statuses.append(401)
        if SIGNED_IN not in allowed:
            statuses.append(403)
    parameters = handler.parsed_fn_signature.parameters
    reads_body = "data" in parameters
    if (
        reads_body
        or route.path_parameters
        or any(name not in {"request", "data"} for name in parameters)
    ):
        statuses.append(400)
    if reads_body:
        statuses += [413, 422]
    if route.path_parameters:
        statuses.append(404)  # what the path names may not exist
    if handler.http_methods & {"POST", "PUT", "PATCH", "DELETE"}:
        statuses.append(409)  # a command may be refused for what is already recorded
    return statuses


def _needs_a_token(handler: HTTPRouteHandler) -> bool:
    return ANYONE not in handler.opt.get("allow", frozenset())


def _documented(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(SCHEMA_PATH)


class ApiDocumentation(InitPlugin, ReceiveRoutePlugin):
    """Keeps pages out of the OpenAPI document and completes each API operation's answers."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Leave out what is not the API, before Litestar settles what it documents.

        Each router has its routes, full paths and all, from the start; the app takes
        them with these same handlers and fixes whether each is documented as it does.
        """
        for value in app_config.route_handlers:
            if isinstance(value, Router):
                for route in value.routes:
                    if isinstance(route, HTTPRoute) and not _documented(route.path):
                        for handler in route.route_handlers:
                            handler.include_in_schema = False
            elif isinstance(value, HTTPRouteHandler) and not all(map(_documented, value.paths)):
                value.include_in_schema = False
        return app_config

    def receive_route(self, route: BaseRoute) -> None:
        """Complete a registered API route's answers (its ``allow`` rule is known by now).

        Litestar's own OpenAPI plugin reads them when it first builds the document.
        """
        if not isinstance(route, HTTPRoute) or not _documented(route.path):
            return
        for handler, _ in route.route_handler_map.values():
            statuses = _what_any_route_like_this_answers(route, handler)
            handler.responses = {**refusals(*statuses), **(handler.responses or {})}
            if _needs_a_token(handler):
                handler.security = [{BEARER: []}]


def _problem_for_a_missing_schema_file(response: Response[Any]) -> Response[Any]:
    """Litestar answers an unknown /api/schema/... with its own HTML; answer as the API does."""
    if response.status_code == 404:
        return problem_response(404, "Page not found")
    return response


def openapi_config() -> OpenAPIConfig:
    """The API's document, served as JSON at /api/schema (and /api/schema/openapi.json)."""
    return OpenAPIConfig(
        title="coop API",
        version="0.1.0",
        description="Membership and governance for user-led care co-operatives. Errors are "
        "problem documents (RFC 9457, application/problem+json).",
        path=SCHEMA_PATH,
        render_plugins=[JsonRenderPlugin()],
        openapi_router=Router(
            path=SCHEMA_PATH,
            route_handlers=[],
            opt=allow(ANYONE),
            include_in_schema=False,
            after_request=_problem_for_a_missing_schema_file,
        ),
        components=Components(
            security_schemes={
                BEARER: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A token from POST /api/tokens, sent as Authorization: Bearer …",
                )
            }
        ),
    )
