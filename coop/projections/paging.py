"""One page of a long list, cut in SQL, with how many rows the whole list has.

A list query selects ``count(*) OVER () AS found`` beside its columns and ends in
``LIMIT $n OFFSET $m``: PostgreSQL counts the whole list and sends only the page.
"""

from __future__ import annotations

from typing import Generic, TypeVar

import msgspec

T = TypeVar("T")


class Slice(msgspec.Struct, Generic[T], frozen=True):
    """The rows of one page and the number of rows in the whole list."""

    rows: list[T]
    total: int


class Window(msgspec.Struct, frozen=True):
    """Which rows to send: ``limit`` of them, after skipping ``offset``."""

    limit: int
    offset: int = 0
