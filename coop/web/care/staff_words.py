"""How the staff's care pages write visits: times, tasks and states in plain words.

The templates get this module as ``words`` (``words.hhmm``, ``words.long_date`` too).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from coop.domain.care.tasks import Task
from coop.domain.care.times import hhmm, local_day, long_date

# What each visit state means to the PA and the office.
STATE_WORDS = {
    "requested": "Waiting for a PA",
    "accepted": "Accepted",
    "confirmed": "Booked",
    "missed": "Missed",
    "checked in": "Checked in",
    "checked out": "Checked out",
    "completed": "Completed",
    "cancelled": "Cancelled",
}
# GOV.UK tag colours, so a state reads at a glance (the words say it too).
STATE_TAGS = {
    "requested": "govuk-tag--yellow",
    "accepted": "govuk-tag--blue",
    "confirmed": "govuk-tag--blue",
    "missed": "govuk-tag--red",
    "checked in": "govuk-tag--green",
    "checked out": "govuk-tag--green",
    "completed": "govuk-tag--grey",
    "cancelled": "govuk-tag--grey",
    # the day board's statuses
    "unfilled": "govuk-tag--yellow",
    "booked": "govuk-tag--blue",
    "late": "govuk-tag--orange",
    "on time": "govuk-tag--green",
}


def tasks_in_words(tasks: Iterable[str]) -> str:
    """Personal care, medication and meals."""
    words = [Task(t).words for t in tasks]
    if not words:
        return ""
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return text[0].upper() + text[1:]


def times(starts_at: datetime, ends_at: datetime) -> str:
    """09:00 to 10:00."""
    return f"{hhmm(starts_at)} to {hhmm(ends_at)}"


def visit_when(starts_at: datetime, ends_at: datetime) -> str:
    """Tuesday 24 November 2026, 09:00 to 10:00."""
    return f"{long_date(starts_at)}, {times(starts_at, ends_at)}"


def day_of(moment: datetime) -> date:
    return local_day(moment)


def iso_or(raw: str | None, default: date) -> date:
    """A date given in a link (2026-11-24), or ``default`` if there is none or it is not one."""
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def week_days(monday: date) -> list[date]:
    return [monday + timedelta(days=n) for n in range(7)]


# A refusal about the PA, as the write side words it, and as it reads to the PA.
_TO_YOU = (("already has", "already have"), ("is not", "are not"))


def to_the_pa(message: str, name: str) -> str:
    """ "Sam already has a visit …, and needs 15 minutes to travel" said to Sam:
    "You already have a visit …, and need 15 minutes to travel". Others as they are."""
    if not message.startswith(name + " "):
        return message
    rest = message[len(name) + 1 :]
    for said, to_you in _TO_YOU:
        if rest.startswith(said):
            rest = to_you + rest[len(said) :]
            break
    else:
        return message
    return "You " + rest.replace(", and needs ", ", and need ").replace(": they ", ": you ")
