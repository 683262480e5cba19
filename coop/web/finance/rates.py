"""Rates and their history (members see what users are charged and PAs are paid), and
the trustees adopting new rates from a date (a new rate supersedes; none is edited)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from coop.clock import today
from coop.domain.finance.rates import Side, Uplift, When
from coop.projections.finance.queries import rates_history, rates_in_force
from coop.web.commands import carry_out, field_on_page
from coop.web.finance.forms import EXTRAS, check_rates, extra_box
from coop.web.finance.words import pounds
from coop.web.forms import Checked
from coop.web.pages import form_page, page, posted_form
from coop.web.services import services
from coop.web.words import day

_UPLIFT_WHEN = {"night": "At night", "weekend": "At weekends", "bank_holiday": "On bank holidays"}


@get("/finance/rates")
async def rates_page(request: Request[Any, Any, Any]) -> Template:
    s = services(request.app)
    history = await rates_history(s.pool)
    now = today(s.clock)
    in_force = [r for r in history if r.effective_from <= now]
    user = request.state.user
    return page(
        request,
        "finance/rates.html",
        history=list(reversed(history)),
        in_force=in_force[-1] if in_force else None,
        today=now,
        when_names=_UPLIFT_WHEN,
        trustee=user.has("trustee") or user.has("secretary"),
        done=request.query_params.get("done") == "adopted",
        day=day,
        pounds=pounds,
    )


def _rates_form(request: Request[Any, Any, Any], checked: Checked, status: int = 200) -> Template:
    return form_page(
        request,
        "finance/adopt_rates.html",
        checked,
        status=status,
        example=today(services(request.app).clock),
        extras=[(extra_box(when, side), words) for when, side, words in EXTRAS],
    )


@get("/finance/rates/new")
async def adopt_form(request: Request[Any, Any, Any]) -> Template:
    """The form, its extras as the rates in force have them."""
    s = services(request.app)
    in_force = await rates_in_force(s.pool, today(s.clock))
    extras = {} if in_force is None else _by_kind(in_force.uplifts)
    values = {extra_box(w, sd): str(u.percent) for (w, sd), u in extras.items() if u.percent}
    return _rates_form(request, Checked(values=values))


def _by_kind(uplifts: Sequence[Uplift]) -> dict[tuple[When, Side], Uplift]:
    return {(u.when, u.side): u for u in uplifts}


def uplifts_from(
    percents: dict[tuple[When, Side], int], before: Sequence[Uplift]
) -> tuple[Uplift, ...]:
    """The uplifts of new rates: the percentages asked for; what the form does not ask
    (pence an hour added, the night's hours, the weekend's days) as the rates before."""
    old = _by_kind(before)
    made = []
    for (when, side), percent in percents.items():
        was = old.get((when, side))
        if was is not None and (percent or was.pence_per_hour):
            made.append(msgspec.structs.replace(was, percent=percent))
        elif was is None and percent:
            made.append(Uplift(when=when, side=side, percent=percent))
    return tuple(made)


@post("/finance/rates/new", status_code=303)
async def adopt_rates(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    answer, checked = check_rates(await posted_form(request), today(s.clock))
    command = None
    if answer is not None:
        in_force = [
            r for r in await rates_history(s.pool) if r.effective_from <= answer.effective_from
        ]
        command = partial(
            s.coop.adopt_rates,
            effective_from=answer.effective_from,
            charge_pence_per_hour=answer.charge_pence_per_hour,
            pay_pence_per_hour=answer.pay_pence_per_hour,
            uplifts=uplifts_from(answer.extra_percent, in_force[-1].uplifts if in_force else ()),
            minute=answer.minute,
            by=request.state.user.account_id,
        )

    async def again(checked: Checked, status: int) -> Template:
        return _rates_form(request, checked, status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("finance",),
        then="/finance/rates?done=adopted",
        field=lambda refusal: field_on_page(
            refusal, "day", {"effective_from": "day", "uplifts": "charge"}
        ),
        again=again,
    )
