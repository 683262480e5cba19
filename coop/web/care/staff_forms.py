"""Checking what PAs and coordinators send from the care pages, field by field.

Dates and times are read as the governance forms read them (GOV.UK date inputs,
times like 9:30am or 17:00); what only the write side can know (clashes, hours,
skills) is left to the commands, whose refusals the pages show by the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, NamedTuple
from uuid import UUID

from coop.domain.care.availability import WEEKDAYS, ExceptionKind, WeeklyPattern, Window
from coop.domain.care.tasks import SKILLED, Task
from coop.domain.care.times import MAX_MINUTES
from coop.web.forms import Checked, all_answers, choice, one_answer
from coop.web.governance.forms import _date, _time, moment

EXCEPTION_KINDS = [
    (ExceptionKind.LEAVE.value, "Leave", "A holiday or other time off"),
    (ExceptionKind.SICKNESS.value, "Sickness", "Your visits in this time go back to the office"),
    (ExceptionKind.EXTRA_HOURS.value, "Extra hours", "A one-off time you can work as well"),
]
TASK_CHOICES = [(t.value, t.words[0].upper() + t.words[1:]) for t in Task]
SKILL_CHOICES = [(t.value, t.words[0].upper() + t.words[1:]) for t in Task if t in SKILLED]


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def check_pattern(data: Mapping[str, Any], today: date) -> tuple[WeeklyPattern | None, Checked]:
    """A week of working hours (one stretch a day, ending after midnight if need be)."""
    c = Checked()
    starts_on = _date(c, data, "starts-", "the date the pattern starts", today)
    if starts_on is not None and starts_on < today:
        c.problem("starts-day", "The date the pattern starts must be today or later")
    windows = []
    for n, weekday in enumerate(WEEKDAYS):
        begin, end = (one_answer(data, f"w{n}-{edge}").strip() for edge in ("from", "to"))
        c.values[f"w{n}-from"], c.values[f"w{n}-to"] = begin, end
        if not begin and not end:
            continue
        if not begin:
            c.problem(f"w{n}-from", f"Enter the time you start on {weekday}s")
            continue
        if not end:
            c.problem(f"w{n}-to", f"Enter the time you finish on {weekday}s")
            continue
        first = _time(c, data, f"w{n}-from", f"the time you start on {weekday}s")
        last = _time(c, data, f"w{n}-to", f"the time you finish on {weekday}s")
        if first is None or last is None:
            continue
        start_minute, end_minute = _minutes(first), _minutes(last)
        if end_minute <= start_minute:
            end_minute += MAX_MINUTES  # into the next day, like a night shift
        windows.append(Window(n, start_minute, end_minute))
    if c.ok and not windows:
        c.problem("w0-from", "Enter the hours you can work on at least one day")
    if not c.ok or starts_on is None:
        return None, c
    return WeeklyPattern(starts_on=starts_on, windows=tuple(windows)), c


class ExceptionAnswer(NamedTuple):
    kind: ExceptionKind
    start: datetime
    end: datetime


def check_exception(data: Mapping[str, Any], today: date) -> tuple[ExceptionAnswer | None, Checked]:
    """Leave, sickness or extra hours: which, and from when until when."""
    c = Checked()
    kind = choice(c, data, "kind", ExceptionKind, "Choose leave, sickness or extra hours")
    start = moment(c, data, "from-", what="it starts", today=today)
    end = moment(c, data, "until-", what="it ends", today=today)
    if start is not None and end is not None and end <= start:
        c.problem("until-day", "The end must be after the start")
    if not c.ok or kind is None or start is None or end is None:
        return None, c
    return ExceptionAnswer(kind, start, end), c


def check_skills(data: Mapping[str, Any]) -> tuple[list[str], Checked]:
    """The skilled tasks ticked (the command refuses any it does not know)."""
    c = Checked()
    skills = all_answers(data, "skills")
    c.values["skills"] = skills
    return skills, c


class Booking(NamedTuple):
    user_id: UUID
    day: date
    start: time
    minutes: int
    tasks: list[str]
    pa_id: UUID | None
    approve_extra_hours: bool


def _uuid(c: Checked, data: Mapping[str, Any], name: str, missing: str | None) -> UUID | None:
    raw = one_answer(data, name).strip()
    c.values[name] = raw
    if not raw:
        if missing:
            c.problem(name, missing)
        return None
    try:
        return UUID(raw)
    except ValueError:
        c.problem(name, missing or "Choose from the list")
        return None


def check_booking(data: Mapping[str, Any], today: date) -> tuple[Booking | None, Checked]:
    """A visit booked by the office: for whom, when, how long, what for, and from whom."""
    c = Checked()
    user_id = _uuid(c, data, "user", "Choose who the visit is for")
    when = moment(c, data, "", what="of the visit", today=today)
    raw = one_answer(data, "minutes").strip()
    c.values["minutes"] = raw
    minutes = int(raw) if raw.isdigit() else 0
    if not raw:
        c.problem("minutes", "Enter how many minutes the visit lasts")
    elif not raw.isdigit():
        c.problem("minutes", "Enter how long the visit lasts in whole minutes, like 60")
    tasks = all_answers(data, "tasks")
    c.values["tasks"] = tasks
    if not tasks:
        c.problem("tasks", "Choose at least one task the visit is for")
    pa_id = _uuid(c, data, "pa", None)
    approve = one_answer(data, "approve") == "yes"
    c.values["approve"] = "yes" if approve else ""
    if not c.ok or user_id is None or when is None:
        return None, c
    return Booking(user_id, when.date(), when.time(), minutes, tasks, pa_id, approve), c


def chosen_pas(data: Mapping[str, Any]) -> tuple[list[UUID], Checked]:
    """The PAs ticked to offer a visit to."""
    c = Checked()
    raw = all_answers(data, "pas")
    c.values["pas"] = raw
    try:
        chosen = [UUID(r) for r in raw]
    except ValueError:
        chosen = []
        c.problem("pas", "Choose PAs from the list")
    if not raw:
        c.problem("pas", "Choose at least one PA to offer the visit to")
    return chosen, c
