"""What the background can make: each kind of document, who may have it, and how it is made.

A kind's ``make`` runs in a child process of the worker (coop/web/renders/child.py)
with a pool of its own; it tells ``progress`` how far it has got, from any
thread, and returns the file. Another document (the notice letters, the AGM
pack) becomes a kind by adding one to ``KINDS`` in coop/web/renders/known.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol
from uuid import UUID

import asyncpg

from coop.config import Settings


class Progress(Protocol):
    """Told how far a document has got: ``done`` parts of ``of``."""

    def __call__(self, done: int, of: int) -> None: ...


class Making(NamedTuple):
    """What a kind's ``make`` has to hand: the read side, the settings and the job."""

    pool: asyncpg.Pool
    settings: Settings
    job_id: UUID
    parameters: Mapping[str, Any]
    asked_at: datetime  # the document is dated when it was asked for


class Made(NamedTuple):
    """A finished document: its bytes, the name it downloads as, and its type."""

    content: bytes
    file_name: str
    media_type: str


class CannotMake(Exception):
    """A document that cannot be made, with the reason in words for the person waiting."""


@dataclass(frozen=True)
class RenderKind:
    """One kind of document made in the background."""

    name: str  # e.g. register-of-members
    readers: frozenset[str]  # the roles that may ask for it, follow it and download it
    title: Callable[[Mapping[str, Any]], str]  # "Register of members as at 30 November 2026"
    back: Callable[[Mapping[str, Any]], str]  # the page it was asked for from
    make: Callable[[Making, Progress], Awaitable[Made]]
