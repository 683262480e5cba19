"""How the care pages say what a visit is, in plain words."""

from __future__ import annotations

from datetime import date, datetime, time

from coop.clock import UK
from coop.domain.care.tasks import Task, listed
from coop.domain.care.times import duration_words
from coop.projections.care.queries import UpcomingVisit, VisitView

TASK_NAMES = {
    "personal_care": "Personal care (washing, dressing, the toilet)",
    "medication": "Help with medicines",
    "hoist": "Moving with a hoist",
    "driving": "Driving (to appointments or out)",
    "night_support": "Support at night",
    "meals": "Making meals",
    "domestic": "Housework",
    "shopping": "Shopping",
    "companionship": "Company and going out",
}


def state_words(v: UpcomingVisit | VisitView, *, own: bool = True) -> str:
    """Where the visit has got to: "Booked with Ewan", "Waiting for a PA"."""
    you = "you" if own else "them"
    pa = v.pa_name or "your PA"
    named = getattr(v, "named_pa_name", None)
    return {
        "requested": f"Asked for: waiting for {named} to say yes"
        if named
        else "Asked for: the office is finding a PA",
        "accepted": f"{pa} has said yes",
        "confirmed": f"Booked with {pa}",
        "checked in": f"{pa} is with {you} now",
        "checked out": f"{pa} has been and gone",
        "completed": "Done",
        "missed": "Missed: nobody came. The office has been told",
        "cancelled": "Cancelled",
    }.get(v.state, v.state)


def easy_state_words(v: UpcomingVisit | VisitView, *, own: bool = True) -> str:
    """The same, in Easy Read: short sentences, everyday words."""
    you = "you" if own else "them"
    pa = v.pa_name or "Your PA"
    named = getattr(v, "named_pa_name", None)
    return {
        "requested": f"We asked {named}. We wait for them to say yes."
        if named
        else "We are looking for a PA.",
        "accepted": f"{pa} said yes.",
        "confirmed": f"{pa} is coming.",
        "checked in": f"{pa} is with {you} now.",
        "checked out": f"{pa} has been.",
        "completed": "The visit is done.",
        "missed": "Nobody came. We are sorry. The office knows.",
        "cancelled": "The visit is cancelled.",
    }.get(v.state, v.state)


def tasks_words(tasks: list[str]) -> str:
    """personal care, medication and meals."""
    return listed(Task(t) for t in tasks if t in TASK_NAMES)


def when_words(day: date, start: time, minutes: int) -> str:
    """Tuesday 24 November 2026, 10:00 for 1 hour."""
    return f"{day:%A} {day.day} {day:%B %Y}, {start:%H:%M} for {duration_words(minutes)}"


def ends_words(ends_at: datetime) -> str:
    """Until 11:00."""
    return f"{ends_at.astimezone(UK):%H:%M}"
