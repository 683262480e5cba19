"""A user's support plan, seen and changed by the user or a carer they consent to: the
hours a week it funds, what visits are for, the PAs they prefer or do not want,
and where visits happen (personal data, sealed under the user's key)."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from coop.domain.care.tasks import Task
from coop.domain.care.times import duration_words
from coop.projections.care.queries import PlanView, current_pas, support_plan
from coop.web.care.forms import check_plan
from coop.web.care.whose import CaredFor, for_param, one_cared_for, whose_or_ask
from coop.web.care.words import TASK_NAMES
from coop.web.commands import carry_out, field_on_page
from coop.web.forms import Checked, one_answer
from coop.web.pages import form_page, page, posted_form
from coop.web.services import services
from coop.web.words import day

_ON_THE_PAGE = {"on": "funded_hours"}


def _values(plan: PlanView | None) -> dict[str, Any]:
    if plan is None:
        return {"tasks": []}
    hours = (plan.funded_minutes or 0) / 60
    return {
        "funded_hours": f"{hours:g}",
        "tasks": plan.tasks,
        "preferred": [str(p) for p in plan.preferred],
        "not_wanted": [str(p) for p in plan.not_wanted],
        "address": plan.address or "",
        "postcode": plan.postcode or "",
        "access": plan.access or "",
    }


@get("/care/plan")
async def plan_page(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    person = await whose_or_ask(request, "Whose support plan do you want to see?", "/care/plan")
    if isinstance(person, Template):
        return person
    plan = await support_plan(s.pool, person.user_id)
    names = {pa.pa_id: pa.name for pa in await current_pas(s.pool)}
    return page(
        request,
        "care/plan.html",
        person=person,
        plan=plan,
        funded=duration_words(plan.funded_minutes or 0) if plan else "",
        tasks=[TASK_NAMES.get(t, t) for t in plan.tasks] if plan else [],
        preferred=[names.get(p, "A former PA") for p in plan.preferred] if plan else [],
        not_wanted=[names.get(p, "A former PA") for p in plan.not_wanted] if plan else [],
        since=day(plan.since) if plan and plan.since else "",
        done=request.query_params.get("done") == "changed",
    )


async def _change_page(
    request: Request[Any, Any, Any],
    person: CaredFor,
    checked: Checked,
    *,
    status: int = 200,
) -> Template:
    pas = await current_pas(services(request.app).pool)
    return form_page(
        request,
        "care/plan_change.html",
        checked,
        status=status,
        person=person,
        tasks=[(str(t), TASK_NAMES[str(t)]) for t in Task],
        pas=[(str(pa.pa_id), pa.name) for pa in pas],
    )


@get("/care/plan/change")
async def plan_form(request: Request[Any, Any, Any]) -> Template:
    person = await whose_or_ask(
        request, "Whose support plan do you want to change?", "/care/plan/change"
    )
    if isinstance(person, Template):
        return person
    plan = await support_plan(services(request.app).pool, person.user_id)
    return await _change_page(request, person, Checked(values=_values(plan)))


@post("/care/plan/change", status_code=303)
async def change_plan(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    data = await posted_form(request)
    person = await one_cared_for(request, for_param(one_answer(data, "for")))
    pas = [pa.pa_id for pa in await current_pas(s.pool)]
    answer, checked = check_plan(data, pas)
    command = None
    if answer is not None:
        plan, place = answer
        command = partial(
            s.coop.set_support_plan, person.user_id, plan, place, by=request.state.user.account_id
        )

    async def again(checked: Checked, status: int) -> Template:
        return await _change_page(request, person, checked, status=status)

    for_whom = "" if person.own else f"for={person.user_id}&"
    return await carry_out(
        request,
        checked,
        command,
        seen_by=("care",),
        then=f"/care/plan?{for_whom}done=changed",
        field=lambda refusal: field_on_page(refusal, "funded_hours", _ON_THE_PAGE),
        again=again,
    )
