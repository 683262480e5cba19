"""Checking the answers on the governance pages: meetings, ballots, options, interests.

Each ``check_*`` returns what the command needs (or None) and the ``Checked``
answers, with a message per field in the GOV.UK error-message style. Choices are
checked against what was offered, so a forged id is an answer like any other wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any, NamedTuple
from uuid import UUID

from coop.clock import UK
from coop.domain.governance.ballots import BallotDraft, BallotKind, Option
from coop.domain.governance.meetings import MeetingKind
from coop.web.forms import Checked, all_answers, choice, one_answer, pounds_as_pence, text

# What a ballot can be about; the rules may set a conflict policy for any of them.
TOPICS = {
    "general": "General business",
    "pa_pay": "PA pay",
    "trustee_pay": "Trustee pay",
    "services": "Services (new or changed)",
    "rules": "The co-op's rules",
    "surplus": "The surplus",
}
BENEFITS = {
    "users": "People who use care",
    "carers": "Carers",
    "pas": "PAs",
    "everyone": "Everyone",
}
_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>[ap])?\.?\s*m?\.?$", re.I)
_WORDS = {"midday": time(12), "noon": time(12), "midnight": time(0)}


class MeetingAnswer(NamedTuple):
    kind: MeetingKind
    title: str
    starts_at: datetime
    place: str
    agenda: tuple[str, ...]


def _date(c: Checked, data: Mapping[str, Any], prefix: str, what: str, today: date) -> date | None:
    """A GOV.UK date input's day, month and year; problems go under its day box."""
    parts = {p: one_answer(data, prefix + p).strip() for p in ("day", "month", "year")}
    c.values.update({prefix + p: v for p, v in parts.items()})
    field = prefix + "day"
    empty = [p for p, v in parts.items() if not v]
    if len(empty) == 3:
        c.problem(field, f"Enter {what}")
    elif empty:
        c.problem(field, f"{what[0].upper()}{what[1:]} must include a {' and '.join(empty)}")
    elif not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
        c.problem(
            field, f"{what[0].upper()}{what[1:]} must be a real date, like {today:%-d %-m %Y}"
        )
    else:
        try:
            return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            c.problem(
                field, f"{what[0].upper()}{what[1:]} must be a real date, like {today:%-d %-m %Y}"
            )
    return None


def _time(c: Checked, data: Mapping[str, Any], name: str, what: str) -> time | None:
    """A time of day, like 9:30am, 2pm, 17:00 or midday."""
    raw = one_answer(data, name).strip()
    c.values[name] = raw
    if not raw:
        c.problem(name, f"Enter {what}")
        return None
    if raw.lower() in _WORDS:
        return _WORDS[raw.lower()]
    found = _TIME.match(raw)
    if found is not None:
        hour, minute, ampm = int(found["h"]), int(found["m"] or 0), (found["ampm"] or "").lower()
        if ampm and 1 <= hour <= 12 and minute < 60:
            return time(hour % 12 + (12 if ampm == "p" else 0), minute)
        if not ampm and found["m"] and hour < 24 and minute < 60:
            return time(hour, minute)
    c.problem(name, f"Enter {what} as a time of day, like 9:30am, 2pm or 17:00")
    return None


def moment(
    c: Checked, data: Mapping[str, Any], prefix: str, *, what: str, today: date
) -> datetime | None:
    """A date (``{prefix}day`` ...) and a time (``{prefix}time``), in UK time."""
    day = _date(c, data, prefix, f"the date {what}", today)
    at = _time(c, data, prefix + "time", f"the time {what}")
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=UK)


def yes_no(c: Checked, data: Mapping[str, Any], name: str, missing: str) -> bool:
    value = one_answer(data, name).strip()
    c.values[name] = value
    if value not in ("yes", "no"):
        c.problem(name, missing)
    return value == "yes"


def check_meeting(data: Mapping[str, Any], now: datetime) -> tuple[MeetingAnswer | None, Checked]:
    """A meeting to convene. The notice the rules require is the command's to check."""
    c = Checked()
    today = now.astimezone(UK).date()
    kind = choice(c, data, "kind", MeetingKind, "Select the kind of meeting")
    title = text(
        c, data, "title", label="Title", missing="Enter the meeting's title", max_length=200
    )
    starts_at = moment(c, data, "", what="of the meeting", today=today)
    if starts_at is not None and starts_at <= now:
        c.problem("day", "The meeting must be in the future")
    place = text(
        c,
        data,
        "place",
        label="Place",
        missing="Enter where the meeting is held, or how to join it online",
        max_length=300,
        multiline=True,
    )
    agenda = _agenda(c, data)
    c.errors = {
        k: c.errors[k] for k in ("kind", "title", "day", "time", "place", "agenda") if k in c.errors
    }
    if not c.ok or kind is None or starts_at is None:
        return None, c
    return MeetingAnswer(kind, title, starts_at, place, agenda), c


def _agenda(c: Checked, data: Mapping[str, Any]) -> tuple[str, ...]:
    raw = text(
        c, data, "agenda", label="The agenda", missing=None, max_length=10_000, multiline=True
    )
    items = tuple(line.strip() for line in raw.split("\n") if line.strip())
    if "agenda" in c.errors:
        return ()
    if not items:
        c.problem("agenda", "Enter at least one agenda item, one on each line")
    elif len(items) > 50:
        c.problem("agenda", "The agenda can have up to 50 items")
    for n, item in enumerate(items, 1):
        if len(item) > 300:
            c.problem("agenda", f"Agenda item {n} must be 300 characters or fewer")
    return items


def _seats(c: Checked, data: Mapping[str, Any], most: int) -> int:
    raw = one_answer(data, "seats").strip()
    c.values["seats"] = raw
    if not raw:
        c.problem("seats", "Enter the number of trustee seats to fill")
    elif not (raw.isascii() and raw.isdigit()):
        c.problem("seats", "Enter the number of seats as a whole number, like 2")
    elif not 1 <= int(raw) <= most:
        c.problem("seats", f"The rules have {most} trustee seats: enter a number from 1 to {most}")
    else:
        return int(raw)
    return 0


def _budget(c: Checked, data: Mapping[str, Any]) -> int:
    pence = pounds_as_pence(
        c, data, "budget", label="The surplus", missing="Enter the surplus to share out, in pounds"
    )
    if "budget" not in c.errors and pence == 0:
        c.problem("budget", "The surplus to share out must be more than £0")
    return pence


_BALLOT_ORDER = (
    "kind",
    "title",
    "question",
    "easy_read",
    "topic",
    "special",
    "secret",
    "opens-day",
    "opens-time",
    "closes-day",
    "closes-time",
    "seats",
    "budget",
    "period",
    "meeting",
)


def check_ballot(
    data: Mapping[str, Any],
    now: datetime,
    *,
    meetings: Mapping[str, str],
    most_seats: int,
    declared: Mapping[str, str] | None = None,
) -> tuple[BallotDraft | None, Checked]:
    """A ballot to draft: what it asks, its window, and what its kind needs.

    Where trustees have ``declared`` a period's surplus (names by period id), a
    reinvestment ballot shares out one of those (``period``) instead of a typed-in sum.
    """
    c = Checked()
    today = now.astimezone(UK).date()
    kind = choice(c, data, "kind", BallotKind, "Select the kind of ballot")
    title = text(
        c, data, "title", label="Title", missing="Enter the ballot's title", max_length=200
    )
    question = text(
        c,
        data,
        "question",
        label="The question",
        missing="Enter the question the members are asked",
        max_length=2000,
        multiline=True,
    )
    easy_read = text(
        c, data, "easy_read", label="Easy Read", missing=None, max_length=1000, multiline=True
    )
    topic = one_answer(data, "topic").strip()
    c.values["topic"] = topic
    if topic not in TOPICS:
        c.problem("topic", "Select what the ballot is about")
    special = yes_no(c, data, "special", "Select whether this is a special resolution")
    if special and kind is not None and kind is not BallotKind.RESOLUTION:
        c.problem("special", "Only a resolution can be a special resolution: select No")
    secret = yes_no(c, data, "secret", "Select whether the ballot is secret")
    opens_at = moment(c, data, "opens-", what="voting opens", today=today)
    closes_at = moment(c, data, "closes-", what="voting closes", today=today)
    if opens_at is not None and opens_at <= now:
        c.problem("opens-day", "Voting must open in the future. To open it now, draft it first")
    if closes_at is not None and closes_at <= now:
        c.problem("closes-day", "Voting must close in the future")
    elif closes_at is not None and opens_at is not None and closes_at <= opens_at:
        c.problem("closes-day", "Voting must close after it opens")
    seats = _seats(c, data, most_seats) if kind is BallotKind.ELECTION else 0
    budget = 0
    if kind is BallotKind.REINVESTMENT and declared:
        period = one_answer(data, "period").strip()
        c.values["period"] = period
        if period not in declared:
            c.problem("period", "Select the period whose declared surplus the ballot shares out")
    elif kind is BallotKind.REINVESTMENT:
        budget = _budget(c, data)
    meeting = one_answer(data, "meeting").strip()
    c.values["meeting"] = meeting
    if meeting and meeting not in meetings:
        c.problem("meeting", "Select a meeting from the list, or No meeting")
    c.errors = {k: c.errors[k] for k in _BALLOT_ORDER if k in c.errors}
    if not c.ok or kind is None or opens_at is None or closes_at is None:
        return None, c
    return (
        BallotDraft(
            kind=kind,
            title=title,
            question=question,
            easy_read=easy_read,
            topic=topic,
            special=special,
            secret=secret,
            opens_at=opens_at,
            closes_at=closes_at,
            seats=seats,
            budget_pence=budget,
            meeting_id=UUID(meeting) if meeting else None,
        ),
        c,
    )


def picked(
    c: Checked, data: Mapping[str, Any], name: str, offered: Mapping[str, Any], *, missing: str
) -> list[str]:
    """The ticked ids among those ``offered``; a forged or repeated one is a problem."""
    given = all_answers(data, name)
    c.values[name] = given
    if not given:
        c.problem(name, missing)
    elif any(g not in offered for g in given):
        c.problem(name, "Select from the list shown: one of those is not on it")
    elif len(set(given)) != len(given):
        c.problem(name, "Select each one only once")
    return given


def check_candidates(
    data: Mapping[str, Any], members: Mapping[str, tuple[str, str]]
) -> tuple[tuple[Option, ...] | None, Checked]:
    """Candidates chosen from the current members (``members``: id to name and class)."""
    c = Checked()
    given = picked(c, data, "candidates", members, missing="Select at least one candidate")
    if not c.ok:
        return None, c
    return (
        tuple(Option(id=g, label=members[g][0], member_class=members[g][1]) for g in given),
        c,
    )


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "option"


def check_reinvestment_option(
    data: Mapping[str, Any], listed: list[dict[str, Any]], budget_pence: int
) -> tuple[Option | None, Checked]:
    """One more costed option for a reinvestment ballot, unlike those already listed."""
    c = Checked()
    title = text(
        c, data, "label", label="Title", missing="Enter the option's title", max_length=200
    )
    detail = text(
        c,
        data,
        "detail",
        label="Description",
        missing="Describe the option in plain words",
        max_length=2000,
        multiline=True,
    )
    cost = pounds_as_pence(
        c, data, "cost", label="The cost", missing="Enter what the option costs, in pounds"
    )
    if "cost" not in c.errors and cost == 0:
        c.problem("cost", "The cost must be more than £0")
    elif "cost" not in c.errors and cost > budget_pence:
        c.problem("cost", f"The cost must not be more than the surplus, £{budget_pence / 100:,.2f}")
    benefits = one_answer(data, "benefits").strip()
    c.values["benefits"] = benefits
    if benefits not in BENEFITS:
        c.problem("benefits", "Select who benefits")
    same = [o for o in listed if o["id"] == _slug(title) or o["label"].lower() == title.lower()]
    if title and "label" not in c.errors and same:
        c.problem(
            "label",
            f"There is already an option called “{same[0]['label']}”: give this one a different title",
        )
    if not c.ok:
        return None, c
    return Option(
        id=_slug(title), label=title, detail=detail, cost_pence=cost, benefits=benefits
    ), c


def check_attendance(
    data: Mapping[str, Any], members: Mapping[str, Any]
) -> tuple[tuple[UUID, ...] | None, Checked]:
    c = Checked()
    given = picked(c, data, "present", members, missing="Select the members who were there")
    return (tuple(UUID(g) for g in given) if c.ok else None), c


def check_minutes(data: Mapping[str, Any]) -> Checked:
    c = Checked()
    text(
        c,
        data,
        "minutes",
        label="The minutes",
        missing="Write the minutes",
        max_length=50_000,
        multiline=True,
    )
    return c


def check_link(
    data: Mapping[str, Any], agenda: tuple[str, ...], ballots: Mapping[str, str]
) -> tuple[tuple[int, UUID] | None, Checked]:
    """An agenda item and the ballot that decides it."""
    c = Checked()
    item = one_answer(data, "item").strip()
    c.values["item"] = item
    if not (item.isascii() and item.isdigit() and 1 <= int(item) <= len(agenda)):
        c.problem("item", "Select the agenda item the ballot decides")
    ballot = one_answer(data, "ballot").strip()
    c.values["ballot"] = ballot
    if ballot not in ballots:
        c.problem("ballot", "Select the ballot that decides it from the list")
    return ((int(item), UUID(ballot)) if c.ok else None), c


def check_interest(data: Mapping[str, Any]) -> Checked:
    c = Checked()
    text(
        c,
        data,
        "interest",
        label="Your interest",
        missing="Say what your interest is, for example “I am a PA, so a pay rise would affect me”",
        max_length=1000,
        multiline=True,
    )
    return c


def check_advocate_number(data: Mapping[str, Any]) -> tuple[int | None, Checked]:
    """The membership number of the member someone wants as their advocate."""
    c = Checked()
    number = text(
        c,
        data,
        "number",
        label="Membership number",
        missing="Enter the membership number of the person you want as your advocate",
        max_length=12,
    ).replace(" ", "")
    c.values["number"] = number
    if "number" not in c.errors and not (number.isascii() and number.isdigit()):
        c.problem("number", "Enter the membership number in figures, like 57")
    return (int(number) if c.ok else None), c
