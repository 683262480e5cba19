"""The co-op's PAs and their skills: training is the office's record, so a coordinator
sets them (what matching and confirming check a visit's tasks against)."""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from coop.projections.care.staff import Person, current
from coop.web.care.office_board import OFFICE_LINKS
from coop.web.care.staff_forms import SKILL_CHOICES, check_skills
from coop.web.care.staff_pages import care_page, signed_in
from coop.web.commands import carry_out
from coop.web.forms import Checked
from coop.web.pages import posted_form
from coop.web.services import services


@get("/office/care/pas")
async def pas(request: Request[Any, Any, Any]) -> Template:
    """Every current PA, with their recorded skills."""
    everyone = await current(services(request.app).pool, "pa")
    return care_page(
        request,
        "care/office/pas.html",
        links=OFFICE_LINKS,
        pas=everyone,
        done=request.query_params.get("done") == "skills",
    )


async def _pa_named(request: Request[Any, Any, Any], pa_id: UUID) -> Person:
    for pa in await current(services(request.app).pool, "pa"):
        if pa.member_id == pa_id:
            return pa
    raise NotFoundException("There is no current PA with that reference.")


async def _skills_page(
    request: Request[Any, Any, Any],
    pa: Person,
    checked: Checked | None = None,
    *,
    status: int = 200,
) -> Template:
    checked = checked or Checked(values={"skills": pa.skills})
    return care_page(
        request,
        "care/office/skills.html",
        checked,
        status=status,
        links=OFFICE_LINKS,
        pa=pa,
        skills=SKILL_CHOICES,
    )


@get("/office/care/pas/{pa_id:uuid}/skills")
async def skills_form(request: Request[Any, Any, Any], pa_id: FromPath[UUID]) -> Template:
    return await _skills_page(request, await _pa_named(request, pa_id))


@post("/office/care/pas/{pa_id:uuid}/skills", status_code=303)
async def set_skills(request: Request[Any, Any, Any], pa_id: FromPath[UUID]) -> Template | Redirect:
    """Record what the PA is trained for."""
    s = services(request.app)
    pa = await _pa_named(request, pa_id)
    skills, checked = check_skills(await posted_form(request))

    async def again(checked: Checked, status: int) -> Template:
        return await _skills_page(request, pa, checked, status=status)

    return await carry_out(
        request,
        checked,
        partial(s.coop.set_skills, pa_id, skills, by=signed_in(request).account_id),
        seen_by=("care",),
        then="/office/care/pas?done=skills",
        field="skills",
        again=again,
    )
