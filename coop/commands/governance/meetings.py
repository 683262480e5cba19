"""Meetings: convened with the notice the rules require, attended, minuted, deciding by ballot."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from coop.clock import today
from coop.commands.base import Commands, Done
from coop.domain.governance.meetings import Meeting, MeetingKind, MeetingNotFound


class MeetingCommands(Commands):
    """Commands on ``Meeting`` aggregates."""

    def convene_meeting(
        self,
        kind: MeetingKind,
        *,
        title: str,
        starts_at: datetime,
        held_on: date,
        place: str,
        agenda: tuple[str, ...],
        by: UUID,
    ) -> Done:
        """Convene a meeting with the notice the rules require."""
        rules = self.rules_in_force().rules
        days = (
            rules.general_meeting_notice_days
            if kind.is_general
            else rules.board_meeting_notice_days
        )
        meeting = Meeting.convene(
            kind,
            title=title,
            starts_at=starts_at,
            held_on=held_on,
            place=place,
            agenda=agenda,
            today=today(self.clock),
            notice_days=days,
            by=by,
        )
        recordings = self.save(meeting)
        return Done(recordings[-1].notification.id, meeting.id)

    def record_attendance(self, meeting_id: UUID, present: tuple[UUID, ...], *, by: UUID) -> Done:
        """Record who was at the meeting (a later record replaces an earlier one)."""
        return self._changing(
            meeting_id, self._meeting, lambda m: m.record_attendance(present=present, by=by)
        )

    def minute_meeting(self, meeting_id: UUID, minutes: str, *, by: UUID) -> Done:
        """Record the meeting's minutes."""
        return self._changing(meeting_id, self._meeting, lambda m: m.minute(minutes, by=by))

    def link_resolution(self, meeting_id: UUID, item: int, ballot_id: UUID) -> Done:
        """Link agenda item ``item`` to the ballot that decides it."""
        self._ballot(ballot_id)  # refuse a ballot that does not exist
        return self._changing(
            meeting_id, self._meeting, lambda m: m.link_resolution(item, ballot_id)
        )

    def _meeting(self, meeting_id: UUID) -> Meeting:
        meeting = self._get_or_none(Meeting, meeting_id)
        if meeting is None:
            raise MeetingNotFound()
        return meeting
