"""Who reads a user's visit notes: every read but the user's own is recorded, per user.

Visit notes are health data (``Visit.NoteWritten``, sealed under the user's
key). The user, carers they consent to, the visit's PA and coordinators may
read them; each read by anyone but the user is a ``NotesRead`` on the user's
own ``NotesAccess``, so the user can see who read their notes and when. It is
one aggregate per user, apart from their diary, so reading never holds up booking.

A read record holds ids and a time only: nothing in it is the user's health
data, so it is not sealed, and it outlives an erasure as the record that
someone once looked (the notes themselves then read as erased).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from coop.domain.care.errors import CareError

_NAMESPACE = UUID("8b1f4c2e-6d3a-4e59-a7b0-5c9e2f1d3a86")


class Reader(StrEnum):
    """In which role someone read the notes."""

    CARER = "carer"
    PA = "pa"
    COORDINATOR = "coordinator"


class VisitNote(msgspec.Struct, frozen=True):
    """One note as its reader sees it; ``text`` is empty and ``erased`` true after erasure."""

    written_at: datetime
    by: UUID
    text: str
    erased: bool = False


class NotesPrivate(CareError):
    status = 403

    def __init__(self, user: str) -> None:
        super().__init__(
            f"Visit notes are private: only {user}, the carers {user} consents to,"
            " the visit's PA and coordinators can read them."
        )


class NotesAccess(Aggregate):
    """The record of reads of one user's visit notes."""

    class Opened(Aggregate.Created):
        user_id: UUID

    class NotesRead(Aggregate.Event):
        user_id: UUID
        visit_id: UUID
        by: UUID  # the reader: their member id, or a coordinator's account id
        role: Reader
        at: datetime

    @staticmethod
    def create_id(user_id: UUID) -> UUID:
        return notes_access_id(user_id)

    @event(Opened)
    def __init__(self, user_id: UUID) -> None:
        self.user_id = user_id
        self.reads = 0

    def record_read(self, visit_id: UUID, *, by: UUID, role: Reader, now: datetime) -> None:
        """Someone other than the user read one visit's notes."""
        self._notes_read(user_id=self.user_id, visit_id=visit_id, by=by, role=role, at=now)

    @event(NotesRead)
    def _notes_read(
        self, user_id: UUID, visit_id: UUID, by: UUID, role: Reader, at: datetime
    ) -> None:
        self.reads += 1


def notes_access_id(user_id: UUID) -> UUID:
    """One record of reads per user."""
    return uuid5(_NAMESPACE, f"notes-access:{user_id}")
