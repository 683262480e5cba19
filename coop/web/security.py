"""Security headers on every response, and a strict Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

# Everything is served from our own origin: no inline script or style, no frames.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def security_headers(*, https: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def add_security_headers(https: bool) -> Callable[[Message, Scope], Awaitable[None]]:
    """A ``before_send`` hook: every response gets the headers, 404s included.

    Pages can hold personal and care data, so only static assets may be cached.
    """
    headers = security_headers(https=https)

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        mutable = MutableScopeHeaders.from_message(message)
        for name, value in headers.items():
            mutable[name] = value
        if not scope["path"].startswith("/static/"):
            mutable["Cache-Control"] = "no-store"

    return before_send
