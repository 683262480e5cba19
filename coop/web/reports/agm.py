"""The AGM pack on the trustees' pages: choose a year, see the pack, build and sign it,
download it as HTML, PDF, a zip of CSV tables or an Easy Read PDF.

The trustees build the pack (each build signs a checkpoint of the record); the
auditor may read it as the trustees do. It is not a members' page: it names each
member who joined or left and each PA's hours, which the trustees present at the
AGM in the form they choose (the Easy Read summary names nobody).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from coop.clock import today
from coop.infra.audit_checkpoints import CheckpointError
from coop.projections.reports.agm import AgmFigures, NoDataForYear, agm_figures, pack_signature
from coop.projections.reports.queries import CheckpointRow
from coop.web.forms import Checked, one_answer
from coop.web.pages import page
from coop.web.reports.agm_pack import (
    FORMATS,
    build_agm_pack,
    file_name,
    pack,
    sign_pack,
)
from coop.web.reports.agm_renders import MADE_IN_THE_BACKGROUND
from coop.web.services import services

FIRST_YEAR = 2000  # before coop, and before any co-op's records in it

# The downloads, in the order the page offers them: (format, what the link says).
DOWNLOADS = (
    ("pdf", "The pack as a PDF, to print or send"),
    ("html", "The pack as a web page, to keep"),
    ("csv", "Its tables as spreadsheets (CSV files in a zip)"),
    ("easy-read", "The Easy Read summary (PDF)"),
)


def year_problem(text: str, this_year: int) -> str | None:
    """What is wrong with a year as typed (None: nothing)."""
    if not (text.isdigit() and len(text) == 4):
        return f"Enter the year as 4 figures, like {this_year}"
    if not FIRST_YEAR <= int(text) <= this_year:
        return f"Enter a year from {FIRST_YEAR} to {this_year}"
    return None


async def _figures(request: Request[Any, Any, Any], year: int) -> AgmFigures | None:
    try:
        return await agm_figures(services(request.app).pool, year)
    except NoDataForYear:
        return None


@get("/reports/agm")
async def agm_page(request: Request[Any, Any, Any]) -> Template:
    """Choose a year; with one chosen, its pack (and how to build it if not yet built)."""
    s = services(request.app)
    this_year = today(s.clock).year
    checked = Checked()
    text = one_answer(request.query_params, "year").strip()
    figures = None
    if text:
        checked.values["year"] = text
        problem = year_problem(text, this_year)
        if problem:
            checked.problem("year", problem)
        elif (figures := await _figures(request, int(text))) is None:
            checked.problem(
                "year", f"coop has nothing for {text}: choose a year the co-op was running"
            )
    return await _page(request, checked, figures, this_year)


async def _page(
    request: Request[Any, Any, Any],
    checked: Checked,
    figures: AgmFigures | None,
    this_year: int,
) -> Template:
    s = services(request.app)
    signed = None if figures is None else await pack_signature(s.pool, figures.year.year)
    return page(
        request,
        "reports/agm/page.html",
        status=200 if checked.ok else 422,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
        this_year=this_year,
        year=None if figures is None else figures.year.year,
        p=None if figures is None or signed is None else pack(figures, signed, s.clock.now()),
        downloads=DOWNLOADS,
        made_in_the_background=MADE_IN_THE_BACKGROUND,
        file_name=file_name,
    )


@post("/reports/agm/{year:int}/sign")
async def sign_agm_pack(
    request: Request[Any, Any, Any], year: FromPath[int]
) -> Redirect | Template:
    """Build the pack: sign a checkpoint of the record now, for this year's pack."""
    s = services(request.app)
    this_year = today(s.clock).year
    checked = Checked(values={"year": str(year)})
    problem = year_problem(str(year), this_year)
    figures = None if problem else await _figures(request, year)
    if problem:
        checked.problem("year", problem)
    elif figures is None:
        checked.problem("year", f"coop has nothing for {year}: choose a year the co-op was running")
    else:
        try:
            await sign_pack(
                s.pool,
                year,
                key_path=s.settings.audit_key_path,
                secret_key=s.settings.secret_key,
                directory=s.settings.checkpoints_dir,
                now=s.clock.now(),
            )
        except CheckpointError as e:
            checked.problem("sign", f"The pack could not be signed: {e}")
    if not checked.ok:
        return await _page(request, checked, figures, this_year)
    return Redirect(f"/reports/agm?year={year}", status_code=303)


async def _already(signed: CheckpointRow) -> CheckpointRow:
    return signed


@get("/reports/agm/{year:int}/{fmt:str}")
async def agm_download(
    request: Request[Any, Any, Any], year: FromPath[int], fmt: FromPath[str]
) -> Response[bytes]:
    """The pack as last built and signed, in one of its formats."""
    s = services(request.app)
    if fmt not in FORMATS:
        raise NotFoundException(f"The AGM pack has no format called {fmt}.")
    if fmt in MADE_IN_THE_BACKGROUND:
        raise NotFoundException(
            "The AGM pack's PDFs are made in the background: ask for one on the AGM pack page."
        )
    signed = await pack_signature(s.pool, year)
    if signed is None:
        raise NotFoundException(
            f"The AGM pack for {year} has not been built yet: build it on the AGM pack page."
        )
    try:
        body = await build_agm_pack(
            s.pool,
            year,
            fmt,
            signature=lambda: _already(signed),
            coop_name=s.settings.coop_name,
            generated_at=s.clock.now(),
        )
    except NoDataForYear as e:
        raise NotFoundException(str(e)) from None
    return Response(
        body,
        media_type=FORMATS[fmt][0],
        headers={"content-disposition": f'attachment; filename="{file_name(year, fmt)}"'},
    )
