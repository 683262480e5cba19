"""Refusals: each says why, in words a member understands."""

from __future__ import annotations


class CoopError(Exception):
    """A command was refused. ``str(error)`` is shown to the person who asked."""

    status = 409  # the HTTP status the web layer answers with


class NotFound(CoopError):
    """The thing asked about does not exist (or is not yours to see)."""

    status = 404


class InvalidInput(CoopError):
    """The request itself is malformed; ``field`` names what to fix."""

    status = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
