"""Paging a long list: which page was asked for, and the links to the others.

Pages are plain links (``?page=3`` with the list's other query kept), so they work
without JavaScript. A page number that is not a whole number from 1 is read as page 1;
a page past the end of the list is Not Found, saying how many pages there are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar.exceptions import NotFoundException

from coop.projections.paging import Window
from coop.web.forms import one_answer

PAGE_SIZE = 100  # rows: a page of the register stays well under 100 KB


def page_asked(query: Mapping[str, Any], size: int = PAGE_SIZE) -> tuple[int, Window]:
    """The page number asked for (1 unless a whole number from 1) and its rows."""
    given = one_answer(query, "page").strip()
    number = int(given) if given.isdigit() and 0 < len(given) < 7 and int(given) > 0 else 1
    return number, Window(limit=size, offset=(number - 1) * size)


@dataclass(frozen=True)
class Paging:
    """Where one page stands in its list, and how to link to the others."""

    path: str
    keep: Mapping[str, str]  # the list's other query parameters, kept on every link
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_shown(self) -> int:
        return min(self.total, (self.number - 1) * self.size + 1)

    @property
    def last_shown(self) -> int:
        return min(self.total, self.number * self.size)

    def href(self, number: int) -> str:
        asked = {k: v for k, v in self.keep.items() if v}
        if number > 1:
            asked["page"] = str(number)
        return f"{self.path}?{urlencode(asked)}" if asked else self.path

    def numbers(self) -> list[int | None]:
        """The page numbers to link to, GOV.UK style: the first, the last, and those
        next to this one; None where pages are left out (shown as an ellipsis)."""
        near = {1, self.pages, self.number - 1, self.number, self.number + 1}
        shown = sorted(n for n in near if 1 <= n <= self.pages)
        out: list[int | None] = []
        for n in shown:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def paging(
    path: str, keep: Mapping[str, str], number: int, total: int, size: int = PAGE_SIZE
) -> Paging:
    """The paging of a list of ``total`` rows at page ``number``; Not Found past its end."""
    found = Paging(path, keep, number, total, size)
    if number > found.pages:
        raise NotFoundException(
            f"There is no page {number}: this list has {found.pages}"
            f" page{'' if found.pages == 1 else 's'}."
        )
    return found
