"""Reading what a request sends: bodies that are not text, or nested beyond reason, are refused.

Litestar decodes JSON with msgspec and forms with the standard library. Bytes that are
not UTF-8 and JSON nested thousands deep escape both as ``UnicodeDecodeError`` and
``RecursionError``, which would answer 500. Every route reads its body through this
request class, so each such body is refused with 400 before any handler sees it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.enums import RequestEncodingType
from litestar.exceptions import ClientException

NOT_UTF8 = "What you sent is not text in UTF-8. Send text encoded as UTF-8."
TOO_DEEP = "What you sent is nested too deeply to read. Send a flatter JSON document."


class UnreadableBody(ClientException):
    """A body that cannot be read as text or as JSON (400, with what to do)."""


class CoopRequest(Request[Any, Any, Any]):
    """A request whose body is read as UTF-8 text, or refused with 400."""

    async def json(self) -> Any:
        try:
            return await super().json()
        except UnicodeDecodeError:
            raise UnreadableBody(NOT_UTF8) from None
        except RecursionError:
            raise UnreadableBody(TOO_DEEP) from None

    async def form(self) -> FormMultiDict:
        content_type, _ = self.content_type
        if content_type == RequestEncodingType.URL_ENCODED and not _is_utf8_form(await self.body()):
            # Litestar would read such bytes as Latin-1 or as U+FFFD: a name would be
            # stored garbled rather than refused.
            raise UnreadableBody(NOT_UTF8)
        try:
            return await super().form()
        except UnicodeDecodeError:  # a multipart field that is not UTF-8
            raise UnreadableBody(NOT_UTF8) from None


def _is_utf8_form(body: bytes) -> bool:
    """True if the form's bytes, and the bytes its %-escapes stand for, are UTF-8."""
    try:
        body.decode("utf-8")
        unquote_to_bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
