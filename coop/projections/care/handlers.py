"""The care read model: visits, PAs' availability, users' plans and reads of notes.

Each row belongs to one aggregate (a visit's row to the visit, a PA's to their
diary, a plan to the user's diary, a read to its position), as ``batches``
needs. Words people wrote (notes, reasons for a cancellation or a late
arrival) are never copied here.
"""

from __future__ import annotations

from typing import Any

import msgspec

from coop.domain.care.diaries import PaDiary, UserDiary
from coop.domain.care.notes import NotesAccess
from coop.domain.care.visits import State, Visit
from coop.domain.membership.members import Member
from coop.infra.sealing import is_erased
from coop.projections.base import Projection, Statement

care = Projection("care", tables=("care_visits", "care_pas", "care_plans", "care_notes_reads"))


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _visit(changes: str, e: Any, *args: Any) -> list[Statement]:
    """Change the visit's row (``$1`` is the visit, ``$2`` its version, then ``args``)."""
    return [
        (
            f"UPDATE {{care_visits}} SET {changes}, version = $2 WHERE visit_id = $1",
            (e.originator_id, e.originator_version, *args),
        )
    ]


# Visits ---------------------------------------------------------------------------------


@care.on(Visit.Requested)
def requested(e: Visit.Requested, position: int) -> list[Statement]:
    return [
        (
            "INSERT INTO {care_visits} (visit_id, user_id, named_pa, offered, state, day,"
            " start_time, minutes, starts_at, ends_at, tasks, requested_by, requested_at,"
            " version, requested_position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
            " $11, $12, $13, $14, $15)",
            (
                e.originator_id,
                e.user_id,
                e.pa_id,
                [] if e.pa_id is None else [e.pa_id],
                str(State.REQUESTED),
                e.day,
                e.start,
                e.minutes,
                e.interval.start,
                e.interval.end,
                [str(t) for t in e.tasks],
                str(e.by_role),
                e.at,
                e.originator_version,
                position,
            ),
        )
    ]


@care.on(Visit.Offered)
def offered(e: Visit.Offered, position: int) -> list[Statement]:
    return _visit("offered = offered || $3::uuid[]", e, list(e.pa_ids))


@care.on(Visit.Accepted)
def accepted(e: Visit.Accepted, position: int) -> list[Statement]:
    return _visit("state = $3, pa_id = $4", e, str(State.ACCEPTED), e.pa_id)


@care.on(Visit.Declined)
def declined(e: Visit.Declined, position: int) -> list[Statement]:
    return _visit("offered = array_remove(offered, $3)", e, e.pa_id)


@care.on(Visit.Confirmed)
def confirmed(e: Visit.Confirmed, position: int) -> list[Statement]:
    return _visit("state = $3, pa_id = $4", e, str(State.CONFIRMED), e.pa_id)


@care.on(Visit.PaReleased)
def pa_released(e: Visit.PaReleased, position: int) -> list[Statement]:
    return _visit(
        "state = $3, pa_id = NULL, offered = array_remove(offered, $4),"
        " former_pas = array_append(array_remove(former_pas, $4), $4)",
        e,
        str(State.REQUESTED),
        e.pa_id,
    )


@care.on(Visit.Rescheduled)
def rescheduled(e: Visit.Rescheduled, position: int) -> list[Statement]:
    return _visit(
        "day = $3, start_time = $4, minutes = $5, starts_at = $6, ends_at = $7",
        e,
        e.day,
        e.start,
        e.minutes,
        e.interval.start,
        e.interval.end,
    )


@care.on(Visit.Cancelled)
def cancelled(e: Visit.Cancelled, position: int) -> list[Statement]:
    return _visit(
        "state = $3, cancelled_at = $4, chargeable = $5, charge_percent = $6",
        e,
        str(State.CANCELLED),
        e.at,
        e.chargeable,
        e.charge_percent,
    )


@care.on(Visit.CheckedIn)
def checked_in(e: Visit.CheckedIn, position: int) -> list[Statement]:
    return _visit("state = $3, checked_in_at = $4", e, str(State.CHECKED_IN), e.actual)


@care.on(Visit.CheckedOut)
def checked_out(e: Visit.CheckedOut, position: int) -> list[Statement]:
    return _visit("state = $3, checked_out_at = $4", e, str(State.CHECKED_OUT), e.actual)


@care.on(Visit.Missed)
def missed(e: Visit.Missed, position: int) -> list[Statement]:
    return _visit("state = $3, missed_at = $4", e, str(State.MISSED), e.at)


@care.on(Visit.Completed)
def completed(e: Visit.Completed, position: int) -> list[Statement]:
    return _visit("state = $3, delivered_minutes = $4", e, str(State.COMPLETED), e.minutes)


@care.on(Visit.NoteWritten)
def note_written(e: Visit.NoteWritten, position: int) -> list[Statement]:
    return _visit("notes = notes + 1", e)  # that there is a note; never its words


# PAs' diaries ----------------------------------------------------------------------------


@care.on(PaDiary.Opened)
def pa_diary_opened(e: PaDiary.Opened, position: int) -> list[Statement]:
    return [
        ("INSERT INTO {care_pas} (diary_id, pa_id) VALUES ($1, $2)", (e.originator_id, e.pa_id))
    ]


def _pa(changes: str, e: Any, *args: Any) -> list[Statement]:
    """Change the PA's row (``$1`` is their diary, then ``args``)."""
    return [(f"UPDATE {{care_pas}} SET {changes} WHERE diary_id = $1", (e.originator_id, *args))]


@care.on(PaDiary.PatternSet)
def pattern_set(e: PaDiary.PatternSet, position: int) -> list[Statement]:
    # The new pattern replaces one starting the same day; kept oldest first.
    return _pa(
        "patterns = (SELECT jsonb_agg(p ORDER BY p->>'starts_on') FROM ("
        " SELECT p FROM jsonb_array_elements(patterns) p WHERE p->>'starts_on' <> $3"
        " UNION ALL SELECT $2::jsonb) q(p))",
        e,
        _json(e.pattern),
        e.pattern.starts_on.isoformat(),
    )


@care.on(PaDiary.SkillsSet)
def skills_set(e: PaDiary.SkillsSet, position: int) -> list[Statement]:
    return _pa("skills = $2", e, [str(s) for s in e.skills])


@care.on(PaDiary.ExceptionAdded)
def exception_added(e: PaDiary.ExceptionAdded, position: int) -> list[Statement]:
    return _pa("exceptions = exceptions || jsonb_build_array($2::jsonb)", e, _json(e.exception))


@care.on(PaDiary.ExceptionWithdrawn)
def exception_withdrawn(e: PaDiary.ExceptionWithdrawn, position: int) -> list[Statement]:
    return _pa(
        "exceptions = coalesce((SELECT jsonb_agg(x) FROM jsonb_array_elements(exceptions) x"
        " WHERE x->>'id' <> $2), '[]')",
        e,
        str(e.exception_id),
    )


# Users' plans -----------------------------------------------------------------------------


@care.on(UserDiary.Opened)
def user_diary_opened(e: UserDiary.Opened, position: int) -> list[Statement]:
    return [("INSERT INTO {care_plans} (user_id) VALUES ($1)", (e.user_id,))]


@care.on(UserDiary.PlanSet)
def plan_set(e: UserDiary.PlanSet, position: int) -> list[Statement]:
    place = None if is_erased(e.place) else e.place
    return [
        (
            "UPDATE {care_plans} SET funded_minutes = $2, tasks = $3, preferred = $4,"
            " not_wanted = $5, address = $6, postcode = $7, access = $8, since = $9"
            " WHERE user_id = $1",
            (
                e.user_id,
                e.plan.funded_minutes_a_week,
                [str(t) for t in e.plan.tasks],
                list(e.plan.preferred),
                list(e.plan.not_wanted),
                None if place is None else place.address,
                None if place is None else place.postcode,
                None if place is None else place.access,
                e.on,
            ),
        )
    ]


@care.on(Member.Erased)
def member_erased(e: Member.Erased, position: int) -> list[Statement]:
    # Where an erased user's visits happened is their personal data.
    return [
        (
            "UPDATE {care_plans} SET address = NULL, postcode = NULL, access = NULL"
            " WHERE user_id = $1",
            (e.originator_id,),
        )
    ]


# Reads of notes ---------------------------------------------------------------------------


@care.on(NotesAccess.NotesRead)
def notes_read(e: NotesAccess.NotesRead, position: int) -> list[Statement]:
    return [
        (
            "INSERT INTO {care_notes_reads} (position, user_id, visit_id, reader, role, read_at)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            (position, e.user_id, e.visit_id, e.by, str(e.role), e.at),
        )
    ]
