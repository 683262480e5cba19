"""The AGM pack's PDFs, made in the background (coop/web/renders): laying out a year's
tables and charts takes seconds, and a big co-op's list of joiners runs to many pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from coop.projections.reports.agm import NoDataForYear, pack_signature
from coop.projections.reports.queries import CheckpointRow
from coop.web.renders.asking import ask_for
from coop.web.renders.kinds import CannotMake, Made, Making, Progress, RenderKind
from coop.web.reports.agm_pack import FORMATS, build_agm_pack, file_name
from coop.web.services import services

PACK_READERS = frozenset({"trustee", "secretary", "auditor"})
MADE_IN_THE_BACKGROUND = ("pdf", "easy-read")  # the PDFs; the web page and tables are quick


def _asked(p: Mapping[str, Any]) -> tuple[int, str]:
    return int(p["year"]), str(p["format"])


def _title(p: Mapping[str, Any]) -> str:
    year, fmt = _asked(p)
    return f"The AGM pack for {year}" + (" in Easy Read" if fmt == "easy-read" else "")


async def _make(m: Making, progress: Progress) -> Made:
    year, fmt = _asked(m.parameters)
    signed = await pack_signature(m.pool, year)
    if signed is None:
        raise CannotMake(f"The AGM pack for {year} has not been built: build it first.")

    async def as_built() -> CheckpointRow:
        return signed

    try:
        body = await build_agm_pack(
            m.pool,
            year,
            fmt,
            signature=as_built,
            coop_name=m.settings.coop_name,
            generated_at=m.asked_at,
            progress=lambda done, steps, _what: progress(done, steps),
        )
    except NoDataForYear as e:
        raise CannotMake(str(e)) from None
    return Made(body, file_name(year, fmt), FORMATS[fmt][0])


AGM_PACK = RenderKind(
    name="agm-pack",
    readers=PACK_READERS,
    title=_title,
    back=lambda p: f"/reports/agm?year={_asked(p)[0]}",
    make=_make,
)


@post("/reports/agm/{year:int}/{fmt:str}")
async def ask_for_agm_pdf(
    request: Request[Any, Any, Any], year: FromPath[int], fmt: FromPath[str]
) -> Redirect:
    """Ask for the pack as last built and signed, as a PDF, and go to its progress page."""
    if fmt not in MADE_IN_THE_BACKGROUND:
        raise NotFoundException(f"The AGM pack is not made as {fmt} in the background.")
    if await pack_signature(services(request.app).pool, year) is None:
        raise NotFoundException(
            f"The AGM pack for {year} has not been built yet: build it on the AGM pack page."
        )
    return await ask_for(request, AGM_PACK, {"year": year, "format": fmt})
