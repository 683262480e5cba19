"""Reading the care forms: a visit's when and how long, its tasks, a PA, a support plan.

These check only what a form can know (a real date, a length in figures, a task
from the plan, a PA from the list); whether the visit fits (no overlap, not in
the past, within the funded hours) is the write side's to say, in its own words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, time, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from coop.domain.care.plans import Place, SupportPlan
from coop.domain.care.tasks import Task
from coop.web.forms import Checked, all_answers, one_answer, text
from coop.web.governance.forms import moment

_WHOLE = re.compile(r"^\d{1,4}$")
_HOURS = re.compile(r"^\d{1,3}(?:\.\d{1,2})?$")
_TASKS = {str(t) for t in Task}


class VisitTime(NamedTuple):
    day: date
    start: time
    minutes: int


class Booking(NamedTuple):
    when: VisitTime
    tasks: tuple[str, ...]
    pa_id: UUID | None


def _length(c: Checked, data: Mapping[str, Any]) -> int | None:
    """How long, in hours and minutes; problems go under the hours box."""
    hours, minutes = (one_answer(data, n).strip() for n in ("hours", "mins"))
    c.values.update({"hours": hours, "mins": minutes})
    if not hours and not minutes:
        c.problem("hours", "Enter how long the visit will be, in hours and minutes")
    elif not all(_WHOLE.match(v) for v in (hours or "0", minutes or "0")):
        c.problem("hours", "Enter how long the visit will be in figures, like 1 hour 30 minutes")
    else:
        return int(hours or 0) * 60 + int(minutes or 0)
    return None


def visit_time(data: Mapping[str, Any], c: Checked, today: date) -> VisitTime | None:
    """The day, start and length of a visit (the write side says if they can be)."""
    at = moment(c, data, "", what="of the visit", today=today)
    length = _length(c, data)
    if at is None or length is None:
        return None
    return VisitTime(at.date(), at.time(), length)


def check_booking(
    data: Mapping[str, Any], *, plan_tasks: Iterable[str], pas: Iterable[UUID], today: date
) -> tuple[Booking | None, Checked]:
    """A visit asked for: when, how long, tasks from the user's plan, and a PA if named."""
    c = Checked()
    when = visit_time(data, c, today)
    offered = list(plan_tasks)
    tasks = all_answers(data, "tasks")
    c.values["tasks"] = tasks
    if not tasks:
        c.problem("tasks", "Choose at least one thing the visit is for")
    elif unknown := [t for t in tasks if t not in offered]:
        c.problem("tasks", f"Choose tasks from the support plan: {_words(unknown[0])} is not in it")
    pa = one_answer(data, "pa").strip()
    c.values["pa"] = pa
    pa_id = _one_of(pa, pas)
    if pa and pa_id is None:
        c.problem("pa", "Choose a PA from the list, or no particular PA")
    if when is None or not c.ok:
        return None, c
    return Booking(when, tuple(tasks), pa_id), c


def check_change(data: Mapping[str, Any], today: date) -> tuple[VisitTime | None, Checked]:
    """A visit's new day, start and length."""
    c = Checked()
    when = visit_time(data, c, today)
    return (when if c.ok else None), c


def check_cancel(data: Mapping[str, Any]) -> Checked:
    """Why the visit is cancelled (optional: it helps the PA and the office)."""
    c = Checked()
    text(c, data, "reason", label="The reason", missing=None, max_length=1000, multiline=True)
    return c


def check_plan(
    data: Mapping[str, Any], pas: Iterable[UUID]
) -> tuple[tuple[SupportPlan, Place] | None, Checked]:
    """A support plan: funded hours a week, tasks, preferred and unwanted PAs, the place."""
    c = Checked()
    known = list(pas)
    raw = one_answer(data, "funded_hours").strip()
    c.values["funded_hours"] = raw
    minutes = 0
    if not raw:
        c.problem("funded_hours", "Enter the hours of care a week the plan funds, like 10")
    elif not _HOURS.match(raw):
        c.problem("funded_hours", "Enter the funded hours in figures, like 10 or 12.5")
    else:
        minutes = round(float(raw) * 60)
    tasks = all_answers(data, "tasks")
    c.values["tasks"] = tasks
    if any(t not in _TASKS for t in tasks):
        c.problem("tasks", "Choose the tasks from the list")
    preferred = _chosen(c, data, "preferred", known)
    not_wanted = _chosen(c, data, "not_wanted", known)
    address = text(
        c,
        data,
        "address",
        label="The address",
        missing="Enter the address where visits happen",
        max_length=500,
        multiline=True,
    )
    postcode = text(
        c, data, "postcode", label="Postcode", missing="Enter the postcode", max_length=10
    )
    access = text(
        c, data, "access", label="How to get in", missing=None, max_length=1000, multiline=True
    )
    if not c.ok:
        return None, c
    plan = SupportPlan(
        funded_minutes_a_week=minutes,
        tasks=tuple(Task(t) for t in tasks),
        preferred=preferred,
        not_wanted=not_wanted,
    )
    place = Place(address=address, postcode=" ".join(postcode.upper().split()), access=access)
    return (plan, place), c


def _chosen(c: Checked, data: Mapping[str, Any], name: str, known: list[UUID]) -> tuple[UUID, ...]:
    answers = all_answers(data, name)
    c.values[name] = answers
    chosen = [_one_of(a, known) for a in answers]
    if None in chosen:
        c.problem(name, "Choose PAs from the list")
        return ()
    return tuple(dict.fromkeys(p for p in chosen if p is not None))


def _one_of(raw: str, known: Iterable[UUID]) -> UUID | None:
    try:
        found = UUID(raw)
    except ValueError:
        return None
    return found if found in set(known) else None


def _words(task: str) -> str:
    try:
        return Task(task).words
    except ValueError:
        return f"“{task[:40]}”"


def example_day(today: date) -> str:
    """A date to give as an example in a hint: tomorrow, as the boxes want it."""
    tomorrow = today + timedelta(days=1)
    return f"{tomorrow.day} {tomorrow.month} {tomorrow.year}"


def visit_values(day: date, start: time, minutes: int) -> dict[str, str]:
    """A visit's day, start and length as the form's boxes show them."""
    hours, mins = divmod(minutes, 60)
    return {
        "day": str(day.day),
        "month": str(day.month),
        "year": str(day.year),
        "time": f"{start:%H:%M}",
        "hours": str(hours),
        "mins": str(mins),
    }
