"""Visit notes: health data, written by the visit's PA, read only by those who may.

Writing: the visit's PA, or a coordinator. Reading: the user, a carer while
the user consents, the visit's PA, or a coordinator; every read but the user's
own is recorded on the user's ``NotesAccess`` before the notes are handed
over, so no one reads them unseen. The notes are read from the visit's own
events, opened with the user's key: once the user is erased they read as erased.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from coop.commands.base import Commands, Done
from coop.commands.care import access
from coop.commands.care.loads import CareLoads
from coop.commands.care.people import Actor
from coop.domain.care.notes import NotesAccess, NotesPrivate, Reader, VisitNote, notes_access_id
from coop.domain.care.visits import Requester, Visit
from coop.domain.errors import CoopError
from coop.infra.sealing import is_erased


class NotesCommands(Commands):
    """Commands on a visit's notes and the user's ``NotesAccess``."""

    def write_visit_note(self, visit_id: UUID, text: str, *, by: UUID) -> Done:
        """The visit's PA (or a coordinator) writes a note, sealed under the user's key."""
        care = CareLoads(self.repository)
        actor = care.actor(by)

        def change(visit: Visit) -> None:
            pa_id = access.visit_pa(actor, visit, "write notes on it")
            as_coordinator = actor.member_id != pa_id
            writer = actor.person if as_coordinator else pa_id
            visit.write_note(text, by=writer, as_coordinator=as_coordinator, now=self.clock.now())

        return self._changing(visit_id, care.visit, change)

    def read_visit_notes(self, visit_id: UUID, *, by: UUID) -> tuple[VisitNote, ...]:
        """The visit's notes, oldest first; a read by anyone but the user is recorded first."""
        care = CareLoads(self.repository)
        actor = care.actor(by)
        visit = care.visit(visit_id)
        reader = self._reader(care, actor, visit)
        if reader is not None:
            user_id = visit.user_id

            def attempt() -> tuple[Aggregate, ...]:
                record = self._get_or_none(NotesAccess, notes_access_id(user_id))
                record = record or NotesAccess(user_id=user_id)
                record.record_read(visit_id, by=actor.person, role=reader, now=self.clock.now())
                return (record,)

            self._retrying(notes_access_id(user_id), attempt)
        return tuple(
            VisitNote(e.at, e.by, "", erased=True)
            if is_erased(e.note)
            else VisitNote(e.at, e.by, e.note.text)
            for e in self.events.get(visit_id)
            if isinstance(e, Visit.NoteWritten)
        )

    @staticmethod
    def _reader(care: CareLoads, actor: Actor, visit: Visit) -> Reader | None:
        """In which role ``actor`` may read: None for the user themself (not recorded)."""
        if actor.member_id == visit.user_id:
            return None
        if actor.member_id is not None and actor.member_id == visit.pa_id:
            return Reader.PA
        try:
            role = access.acting_for(care, actor, visit.user_id, "read visit notes")
        except CoopError:
            raise NotesPrivate(care.name(visit.user_id)) from None
        return Reader.COORDINATOR if role is Requester.COORDINATOR else Reader.CARER
