"""The legal registers, as at any date a trustee picks, as a page, CSV or PDF."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

import asyncpg
from litestar import Request, get
from litestar.response import Response, Template

from coop.clock import today
from coop.domain.membership.registers import RegisterLine, TrusteeLine
from coop.infra.audit_schedule import REGISTER_EXPORTED, want_checkpoint
from coop.infra.documents.csv_files import csv_bytes
from coop.projections.membership.members import CLASS_NAMES
from coop.projections.membership.registers import (
    register_of_members,
    register_of_members_page,
    register_of_trustees,
)
from coop.web.forms import one_answer
from coop.web.pages import page
from coop.web.paging import page_asked, paging
from coop.web.services import services

L = TypeVar("L", RegisterLine, TrusteeLine)
READERS = frozenset({"trustee", "secretary", "auditor"})  # as the law allows

MEMBER_COLUMNS = (
    "Number",
    "Name",
    "Postal address",
    "Email",
    "Class",
    "Shares",
    "Amount paid",
    "Other property",
    "Date entered",
    "Date ceased",
)
TRUSTEE_COLUMNS = (
    "Number",
    "Name",
    "Postal address",
    "Office",
    "Appointed",
    "Appointed by",
    "Left",
    "Left by",
)


def as_at_asked(request: Request[Any, Any, Any]) -> tuple[date, dict[str, str], str | None]:
    """The date asked for (today if none), the answers as given, and what is wrong with them."""
    q = request.query_params
    now = today(services(request.app).clock)
    given = {k: q.get(k, "").strip() for k in ("day", "month", "year")}
    if iso := q.get("as_at", "").strip():
        try:
            return _not_future(date.fromisoformat(iso), now), given, None
        except _FutureDate as e:
            return now, given, str(e)
        except ValueError:
            return now, given, "Enter the date as YYYY-MM-DD"
    if not any(given.values()):
        return now, given, None
    if not all(v.isdigit() for v in given.values()):
        return now, given, "The date must include a day, month and year, in numbers"
    try:
        asked = date(int(given["year"]), int(given["month"]), int(given["day"]))
        return _not_future(asked, now), given, None
    except _FutureDate as e:
        return now, given, str(e)
    except ValueError:
        return now, given, "The date must be a real date"


class _FutureDate(ValueError):
    pass


def _not_future(asked: date, now: date) -> date:
    if asked > now:
        raise _FutureDate(f"The date must be today or in the past (today is {now:%-d %B %Y})")
    return asked


def _money(value: Any) -> str:
    return f"£{value:,.2f}"


def _other_property(line: RegisterLine) -> str:
    parts = [
        f"Loans {_money(line.loans)}" if line.loans else "",
        f"Deposits {_money(line.deposits)}" if line.deposits else "",
    ]
    return "; ".join(p for p in parts if p) or "None"


def _address(line: RegisterLine | TrusteeLine) -> str:
    """The postal address line by line, postcode last."""
    return "\n".join(filter(None, [*line.address.splitlines(), line.postcode]))


def _member_cells(line: RegisterLine) -> list[str]:
    ceased = f"{line.date_ceased:%-d %b %Y} ({line.how_ceased})" if line.date_ceased else ""
    return [
        str(line.membership_number),
        line.name,
        _address(line),
        line.email,
        CLASS_NAMES.get(line.member_class, line.member_class),
        str(line.shares),
        _money(line.amount_paid),
        _other_property(line),
        f"{line.date_entered:%-d %b %Y}",
        ceased,
    ]


def _trustee_cells(line: TrusteeLine) -> list[str]:
    return [
        str(line.membership_number),
        line.name,
        _address(line),
        line.office.capitalize(),
        f"{line.appointed_on:%-d %b %Y}",
        line.appointed_reference,
        f"{line.left_on:%-d %b %Y}" if line.left_on else "",
        line.left_reference or "",
    ]


_CSV_MEMBERS = (
    "membership_number",
    "name",
    "address",
    "postcode",
    "email",
    "member_class",
    "shares",
    "amount_paid",
    "loans",
    "deposits",
    "date_entered",
    "date_ceased",
    "how_ceased",
)
_CSV_TRUSTEES = (
    "membership_number",
    "name",
    "address",
    "postcode",
    "office",
    "appointed_on",
    "appointed_reference",
    "left_on",
    "left_reference",
)


@dataclass(frozen=True)
class Register(Generic[L]):
    """One of the legal registers: how to read it as at a date, and how to lay it out."""

    file_name: str  # e.g. register-of-members, then -<date>.csv or .pdf
    title: str
    template: str  # the page's
    read: Callable[[asyncpg.Pool, date], Awaitable[list[L]]]
    is_current: Callable[[L], bool]  # counted on the page
    columns: Sequence[str]  # the page's and the PDF's
    cells: Callable[[L], list[str]]
    csv_fields: Sequence[str]  # the spreadsheet's: one per field, unformatted
    note: str  # the PDF's footnote


MEMBERS = Register(
    file_name="register-of-members",
    title="Register of members",
    template="membership/registers/members.html",
    read=register_of_members,
    is_current=lambda line: line.date_ceased is None,
    columns=MEMBER_COLUMNS,
    cells=_member_cells,
    csv_fields=_CSV_MEMBERS,
    note="Kept under section 30 of the Co-operative and Community Benefit Societies Act 2014."
    " Entries of former members are kept, with the date they ceased.",
)
TRUSTEES = Register(
    file_name="register-of-trustees",
    title="Register of trustees",
    template="membership/registers/trustees.html",
    read=register_of_trustees,
    is_current=lambda line: line.left_on is None and line.office == "trustee",
    columns=TRUSTEE_COLUMNS,
    cells=_trustee_cells,
    csv_fields=_CSV_TRUSTEES,
    note="Every term of office begun by this date, with the date it ended if it had.",
)


def _download(body: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(
        body,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


async def _csv(request: Request[Any, Any, Any], register: Register[L]) -> Response[bytes]:
    """The register as a spreadsheet: one column per field, the address on one line."""
    as_at, _, _ = as_at_asked(request)
    lines = await register.read(services(request.app).pool, as_at)
    rows = [
        [
            getattr(line, f).replace("\n", ", ") if f == "address" else getattr(line, f)
            for f in register.csv_fields
        ]
        for line in lines
    ]
    body = csv_bytes(register.csv_fields, rows)
    # "text/csv": Litestar adds "; charset=utf-8" itself.
    return _download(body, "text/csv", f"{register.file_name}-{as_at}.csv")


async def _page(request: Request[Any, Any, Any], register: Register[L]) -> Template:
    """The register as at the date asked for, or as at today with what is wrong with the date."""
    as_at, given, error = as_at_asked(request)
    lines = await register.read(services(request.app).pool, as_at)
    return page(
        request,
        register.template,
        status=422 if error else 200,
        errors=[("day", error)] if error else [],
        as_at=as_at,
        given=given,
        date_error=error,
        lines=lines,
        rows=[register.cells(line) for line in lines],
        current=sum(1 for line in lines if register.is_current(line)),
    )


@get("/register")
async def register(request: Request[Any, Any, Any]) -> Template:
    """The register of members a page at a time, searched by name or number; every link
    keeps the date it is shown as at."""
    as_at, given, error = as_at_asked(request)
    search = " ".join(one_answer(request.query_params, "q").split())[:100]
    number, window = page_asked(request.query_params)
    found = await register_of_members_page(services(request.app).pool, as_at, window, search)
    keep = {"as_at": as_at.isoformat(), "q": search}
    return page(
        request,
        MEMBERS.template,
        status=422 if error else 200,
        errors=[("day", error)] if error else [],
        as_at=as_at,
        given=given,
        date_error=error,
        search=search,
        paged=paging("/register", keep, number, found.lines.total),
        rows=[MEMBERS.cells(line) for line in found.lines.rows],
        current=found.current,
    )


@get("/register.csv")
async def register_csv(request: Request[Any, Any, Any]) -> Response[bytes]:
    response = await _csv(request, MEMBERS)
    await _exported(request)
    return response


async def _exported(request: Request[Any, Any, Any]) -> None:
    """The register has left coop: a signed checkpoint will vouch for the log it came from."""
    s = services(request.app)
    await want_checkpoint(s.pool, REGISTER_EXPORTED, s.clock.now())


@get("/trustees-register")
async def trustees_register(request: Request[Any, Any, Any]) -> Template:
    return await _page(request, TRUSTEES)


@get("/trustees-register.csv")
async def trustees_register_csv(request: Request[Any, Any, Any]) -> Response[bytes]:
    return await _csv(request, TRUSTEES)
