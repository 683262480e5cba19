"""A visit's life, as events: requested, offered, accepted, confirmed, delivered (or not).

requested → offered → accepted (or declined) → confirmed → checked in → checked out
→ completed; a confirmed visit nobody checked in to is missed; until it starts
a visit can be rescheduled or cancelled. What the clash rules need is held by
the diaries (see ``booking`` for the steps that change a visit and its diaries
together); the visit keeps its own state and the words people wrote, which are
sealed under the *user's* key (``SEALED_WITH``), so erasing the user erases them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coop.domain.care.errors import (
    InThePast,
    NotYourVisit,
    ReasonNeeded,
    VisitStateError,
)
from coop.domain.care.tasks import Task
from coop.domain.care.times import Interval, hhmm, visit_interval
from coop.domain.errors import CoopError, InvalidInput
from coop.domain.governance.rules import RuleBook
from coop.infra.sealing import Personal

ON_TIME_MINUTES = 15  # beyond this from the plan, a check-in or check-out needs a reason
MAX_TEXT = 5000


class Requester(StrEnum):
    USER = "user"
    CARER = "carer"  # with the user's consent (checked by the command)
    COORDINATOR = "coordinator"


class State(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    CONFIRMED = "confirmed"
    MISSED = "missed"
    CHECKED_IN = "checked in"
    CHECKED_OUT = "checked out"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN = (State.REQUESTED, State.ACCEPTED)
CHANGEABLE = (*OPEN, State.CONFIRMED)
STARTED = (State.CHECKED_IN, State.CHECKED_OUT, State.COMPLETED)


class VisitText(Personal, frozen=True, kw_only=True):
    """Words written about a visit (a note, a reason): health data, sealed per user."""

    text: str


class NotOffered(CoopError):
    status = 403

    def __init__(self) -> None:
        super().__init__("This visit has not been offered to you.")


class Visit(Aggregate):
    """One visit to one user, and what became of it."""

    class Requested(Aggregate.Created):
        user_id: UUID
        day: date
        start: time
        minutes: int
        interval: Interval
        tasks: tuple[Task, ...]
        pa_id: UUID | None  # the PA the user asked for, if any
        by: UUID
        by_role: Requester
        at: datetime

    class Offered(Aggregate.Event):
        pa_ids: tuple[UUID, ...]
        by: UUID
        at: datetime

    class Accepted(Aggregate.Event):
        pa_id: UUID
        at: datetime

    class Declined(Aggregate.Event):
        pa_id: UUID
        at: datetime

    class Confirmed(Aggregate.Event):
        pa_id: UUID
        by: UUID
        at: datetime

    class PaReleased(Aggregate.Event):
        """The confirmed PA no longer takes the visit (sick, or reassigned): it is open again."""

        pa_id: UUID
        by: UUID
        at: datetime

    class Rescheduled(Aggregate.Event):
        day: date
        start: time
        minutes: int
        interval: Interval
        by: UUID
        at: datetime

    class Cancelled(Aggregate.Event):
        SEALED_WITH: ClassVar[str] = "user_id"
        user_id: UUID
        reason: VisitText
        chargeable: bool
        charge_percent: int
        by: UUID
        by_role: Requester
        at: datetime

    class CheckedIn(Aggregate.Event):
        SEALED_WITH: ClassVar[str] = "user_id"
        user_id: UUID
        pa_id: UUID
        actual: datetime
        reason: VisitText
        at: datetime

    class CheckedOut(Aggregate.Event):
        SEALED_WITH: ClassVar[str] = "user_id"
        user_id: UUID
        pa_id: UUID
        actual: datetime
        reason: VisitText
        at: datetime

    class Missed(Aggregate.Event):
        due_by: datetime  # the start plus the rules' minutes
        at: datetime

    class Completed(Aggregate.Event):
        minutes: int  # as delivered, from check-in to check-out
        by: UUID
        at: datetime

    class NoteWritten(Aggregate.Event):
        SEALED_WITH: ClassVar[str] = "user_id"
        user_id: UUID
        note: VisitText
        by: UUID
        at: datetime

    @event(Requested)
    def __init__(
        self,
        id: UUID,  # the library takes `id` as the aggregate id
        user_id: UUID,
        day: date,
        start: time,
        minutes: int,
        interval: Interval,
        tasks: tuple[Task, ...],
        pa_id: UUID | None,
        by: UUID,
        by_role: Requester,
        at: datetime,
    ) -> None:
        self.user_id = user_id
        self.day = day
        self.start = start
        self.minutes = minutes
        self.interval = interval
        self.tasks = tasks
        self.named_pa = pa_id
        self.state = State.REQUESTED
        self.offered: set[UUID] = set() if pa_id is None else {pa_id}
        self.declined: set[UUID] = set()
        self.pa_id: UUID | None = None
        self.checked_in: datetime | None = None
        self.checked_out: datetime | None = None
        self.chargeable = False
        self.notes = 0

    @classmethod
    def request(
        cls,
        visit_id: UUID,
        *,
        user_id: UUID,
        day: date,
        start: time,
        minutes: int,
        tasks: tuple[Task, ...],
        pa_id: UUID | None,
        by: UUID,
        by_role: Requester,
        now: datetime,
    ) -> Visit:
        """A new request, checked: a real time, in the future, for at least one task."""
        interval = visit_interval(day, start, minutes)
        if interval.start <= now:
            raise InThePast()
        if not tasks:
            raise InvalidInput("Choose at least one task for the visit.", "tasks")
        return cls(
            id=visit_id,
            user_id=user_id,
            day=day,
            start=start,
            minutes=minutes,
            interval=interval,
            tasks=tuple(sorted(set(tasks))),
            pa_id=pa_id,
            by=by,
            by_role=by_role,
            at=now,
        )

    # Finding a PA ----------------------------------------------------------------

    def offer(self, pa_ids: tuple[UUID, ...], *, by: UUID, now: datetime) -> None:
        """Offer the open visit to these PAs (best first)."""
        self._require(OPEN, "offered to PAs", now)
        fresh = tuple(p for p in dict.fromkeys(pa_ids) if p not in self.offered)
        if not fresh:
            raise InvalidInput("Choose at least one PA who has not been offered it yet.", "pa")
        self._offered(pa_ids=fresh, by=by, at=now)

    def check_accept(self, pa_id: UUID, now: datetime) -> None:
        self._require((State.REQUESTED,), "accepted", now)
        if pa_id not in self.offered:
            raise NotOffered()

    def accept(self, pa_id: UUID, *, now: datetime) -> None:
        """An offered PA says yes (confirmed in the same step: see ``booking.accept``)."""
        self.check_accept(pa_id, now)
        self._accepted(pa_id=pa_id, at=now)

    def decline(self, pa_id: UUID, *, now: datetime) -> None:
        """An offered PA says no; the visit stays open for others."""
        self.check_accept(pa_id, now)
        self._declined(pa_id=pa_id, at=now)

    def check_confirm(self, pa_id: UUID, *, as_coordinator: bool, now: datetime) -> None:
        """A PA who accepted is confirmed; a coordinator may confirm any PA."""
        self._require(OPEN, "confirmed", now)
        if not as_coordinator and not (self.state is State.ACCEPTED and self.pa_id == pa_id):
            raise NotOffered()

    def confirm(self, pa_id: UUID, *, by: UUID, as_coordinator: bool, now: datetime) -> None:
        self.check_confirm(pa_id, as_coordinator=as_coordinator, now=now)
        self._confirmed(pa_id=pa_id, by=by, at=now)

    def release_pa(self, *, by: UUID, now: datetime) -> UUID:
        """Take the visit off its PA (sickness, reassigning): open again. The PA's id."""
        self._require((State.ACCEPTED, State.CONFIRMED), "reassigned", now)
        assert self.pa_id is not None
        pa_id = self.pa_id
        self._pa_released(pa_id=pa_id, by=by, at=now)
        return pa_id

    # Changing or cancelling ---------------------------------------------------------

    def check_reschedule(self, interval: Interval, now: datetime) -> None:
        self._require(CHANGEABLE, "moved", now)
        if interval.start <= now:
            raise InThePast("The new time")

    def reschedule(
        self, day: date, start: time, minutes: int, *, by: UUID, now: datetime
    ) -> Interval:
        """Move the visit (the diaries are checked by ``booking.reschedule``)."""
        interval = visit_interval(day, start, minutes)
        self.check_reschedule(interval, now)
        self._rescheduled(day=day, start=start, minutes=minutes, interval=interval, by=by, at=now)
        return interval

    def cancel(
        self, *, reason: str, by: UUID, by_role: Requester, rules: RuleBook, now: datetime
    ) -> bool:
        """Cancel; True if chargeable (the user's side, inside the late window, PA confirmed)."""
        if self.state in (*STARTED, State.CANCELLED):
            raise VisitStateError(f"This visit has been {self.state}, so it can't be cancelled.")
        _check_text(reason, "reason", required=False)
        late = now >= self.interval.start - timedelta(hours=rules.late_cancellation_hours)
        # Not when the PA never came (missed), nor when nobody was yet booked to come.
        chargeable = late and by_role is not Requester.COORDINATOR and self.state is State.CONFIRMED
        self._cancelled(
            user_id=self.user_id,
            reason=VisitText(text=reason.strip()),
            chargeable=chargeable,
            charge_percent=rules.late_cancellation_charge_percent if chargeable else 0,
            by=by,
            by_role=by_role,
            at=now,
        )
        return chargeable

    # On the day -----------------------------------------------------------------------

    def check_in(self, pa_id: UUID, *, actual: datetime, reason: str, now: datetime) -> None:
        """The visit's PA arrives (late arrivals after "missed" still check in)."""
        self._require_pa(pa_id, "check in")
        if self.state not in (State.CONFIRMED, State.MISSED):
            raise VisitStateError(f"This visit is {self.state}: you can't check in to it now.")
        _check_actual(actual, now)
        _check_reason(reason, actual, self.interval.start, "checked in", "start")
        self._checked_in(
            user_id=self.user_id,
            pa_id=pa_id,
            actual=actual,
            reason=VisitText(text=reason.strip()),
            at=now,
        )

    def check_out(self, pa_id: UUID, *, actual: datetime, reason: str, now: datetime) -> None:
        """The visit's PA leaves."""
        self._require_pa(pa_id, "check out")
        if self.state is not State.CHECKED_IN or self.checked_in is None:
            raise VisitStateError("You can check out only after checking in.")
        _check_actual(actual, now)
        if actual <= self.checked_in:
            raise InvalidInput(
                f"The check-out time must be after you checked in, at {hhmm(self.checked_in)}.",
                "actual",
            )
        _check_reason(reason, actual, self.interval.end, "checked out", "end")
        self._checked_out(
            user_id=self.user_id,
            pa_id=pa_id,
            actual=actual,
            reason=VisitText(text=reason.strip()),
            at=now,
        )

    def mark_missed(self, *, rules: RuleBook, now: datetime) -> None:
        """Nobody checked in by the rules' minutes after the start (the scheduler calls this)."""
        due_by = self.interval.start + timedelta(minutes=rules.missed_after_minutes)
        if self.state is not State.CONFIRMED:
            raise VisitStateError(f"This visit is {self.state}, so it can't be missed.")
        if now < due_by:
            raise VisitStateError(f"The PA has until {hhmm(due_by)} to check in.")
        self._missed(due_by=due_by, at=now)

    def complete(self, *, by: UUID, now: datetime) -> None:
        """Close a delivered visit: its minutes count for pay and reports."""
        if self.state is not State.CHECKED_OUT or self.checked_in is None:
            raise VisitStateError("A visit is completed once its PA has checked out.")
        assert self.checked_out is not None
        minutes = int((self.checked_out - self.checked_in).total_seconds()) // 60
        self._completed(minutes=minutes, by=by, at=now)

    def write_note(self, text: str, *, by: UUID, as_coordinator: bool, now: datetime) -> None:
        """The visit's PA (or a coordinator) writes a note: sealed under the user's key."""
        if not as_coordinator:
            self._require_pa(by, "write notes on it")
        if self.state not in STARTED:
            raise VisitStateError("Notes can be written once the PA has checked in.")
        _check_text(text, "note", required=True)
        self._note_written(user_id=self.user_id, note=VisitText(text=text.strip()), by=by, at=now)

    # Guards ---------------------------------------------------------------------------

    def _require(self, states: tuple[State, ...], doing: str, now: datetime) -> None:
        if self.state not in states:
            raise VisitStateError(f"This visit is {self.state}, so it can't be {doing}.")
        if now >= self.interval.start:
            raise VisitStateError(f"This visit has started, so it can't be {doing}.")

    def _require_pa(self, pa_id: UUID, doing: str) -> None:
        if self.pa_id != pa_id:
            raise NotYourVisit(doing)

    # State changes ------------------------------------------------------------------------

    @event(Offered)
    def _offered(self, pa_ids: tuple[UUID, ...], by: UUID, at: datetime) -> None:
        self.offered.update(pa_ids)

    @event(Accepted)
    def _accepted(self, pa_id: UUID, at: datetime) -> None:
        self.state = State.ACCEPTED
        self.pa_id = pa_id

    @event(Declined)
    def _declined(self, pa_id: UUID, at: datetime) -> None:
        self.offered.discard(pa_id)
        self.declined.add(pa_id)

    @event(Confirmed)
    def _confirmed(self, pa_id: UUID, by: UUID, at: datetime) -> None:
        self.state = State.CONFIRMED
        self.pa_id = pa_id

    @event(PaReleased)
    def _pa_released(self, pa_id: UUID, by: UUID, at: datetime) -> None:
        self.state = State.REQUESTED
        self.pa_id = None
        self.offered.discard(pa_id)

    @event(Rescheduled)
    def _rescheduled(
        self, day: date, start: time, minutes: int, interval: Interval, by: UUID, at: datetime
    ) -> None:
        self.day, self.start, self.minutes, self.interval = day, start, minutes, interval

    @event(Cancelled)
    def _cancelled(
        self,
        user_id: UUID,
        reason: VisitText,
        chargeable: bool,
        charge_percent: int,
        by: UUID,
        by_role: Requester,
        at: datetime,
    ) -> None:
        self.state = State.CANCELLED
        self.chargeable = chargeable

    @event(CheckedIn)
    def _checked_in(
        self, user_id: UUID, pa_id: UUID, actual: datetime, reason: VisitText, at: datetime
    ) -> None:
        self.state = State.CHECKED_IN
        self.checked_in = actual

    @event(CheckedOut)
    def _checked_out(
        self, user_id: UUID, pa_id: UUID, actual: datetime, reason: VisitText, at: datetime
    ) -> None:
        self.state = State.CHECKED_OUT
        self.checked_out = actual

    @event(Missed)
    def _missed(self, due_by: datetime, at: datetime) -> None:
        self.state = State.MISSED

    @event(Completed)
    def _completed(self, minutes: int, by: UUID, at: datetime) -> None:
        self.state = State.COMPLETED

    @event(NoteWritten)
    def _note_written(self, user_id: UUID, note: VisitText, by: UUID, at: datetime) -> None:
        self.notes += 1


def _check_actual(actual: datetime, now: datetime) -> None:
    if actual > now:
        raise InvalidInput("The time can't be in the future.", "actual")


def _check_reason(reason: str, actual: datetime, planned: datetime, did: str, what: str) -> None:
    off = int((actual - planned).total_seconds()) // 60
    if abs(off) > ON_TIME_MINUTES and not reason.strip():
        raise ReasonNeeded(did, off, f"{what} ({hhmm(planned)})")
    _check_text(reason, "reason", required=False)


def _check_text(text: str, field: str, *, required: bool) -> None:
    if required and not text.strip():
        raise InvalidInput(f"Write the {field}.", field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"The {field} must be {MAX_TEXT} characters or fewer.", field)
