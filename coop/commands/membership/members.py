"""Membership commands: applying, deciding, changes while a member, leaving, erasure."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from coop.clock import today
from coop.commands.base import Commands, Done
from coop.domain.claims import Claim, claim_id
from coop.domain.membership.member_details import (
    Cessation,
    ContactDetails,
    MemberClass,
    Office,
    ShareSettlement,
)
from coop.domain.membership.members import (
    AlreadyApplied,
    ApplicantDetails,
    ApplicationNotFound,
    Decision,
    Member,
)


class MembershipCommands(Commands):
    """Commands on ``Member`` aggregates."""

    def apply_for_membership(self, details: ApplicantDetails) -> Done:
        """Record an application to join; one per e-mail address (if one is given)."""
        member = Member(details=details, applied_on=today(self.clock))
        if not details.email:
            return self._save_new(member, conflict=AlreadyApplied)
        claim = Claim(
            id=claim_id(self.secret_key, "application-email", details.email.lower()),
            kind="application-email",
            claimant=member.id,
        )
        # No read first: the claim's id collides in the event store anyway.
        return self._save_new(member, claim, conflict=AlreadyApplied)

    def admit(
        self, member_id: UUID, *, by: UUID, minute_reference: str, amount_paid_pence: int = 100
    ) -> Done:
        """Admit an applicant, allotting the next membership number and their share."""

        def attempt() -> tuple[Aggregate, ...]:
            member = self._application(member_id)
            numbers = self.membership_numbers()
            decision = Decision(by=by, on=today(self.clock), minute_reference=minute_reference)
            member.admit(numbers.allot(member.id), decision, amount_paid_pence=amount_paid_pence)
            return member, numbers

        with self._numbering:
            return self._retrying(member_id, attempt)

    def refuse(self, member_id: UUID, *, by: UUID, reason: str, minute_reference: str) -> Done:
        """Refuse an applicant, with a reason."""

        def attempt() -> tuple[Aggregate, ...]:
            member = self._application(member_id)
            decision = Decision(by=by, on=today(self.clock), minute_reference=minute_reference)
            member.refuse(reason, decision)
            return (member,)

        return self._retrying(member_id, attempt)

    def update_details(self, member_id: UUID, details: ContactDetails, *, by: UUID) -> Done:
        """Record a member's new contact details and preferences."""
        return self._changing(
            member_id,
            self._member,
            lambda m: m.update_details(details, on=today(self.clock), by=by),
        )

    def change_class(
        self, member_id: UUID, member_class: MemberClass, *, by: UUID, reference: str
    ) -> Done:
        """Move a member to another class."""
        return self._changing(
            member_id,
            self._member,
            lambda m: m.change_class(
                member_class, on=today(self.clock), by=by, reference=reference
            ),
        )

    def record_property(
        self, member_id: UUID, *, loans_pence: int, deposits_pence: int, by: UUID
    ) -> Done:
        """Record the loans and deposits a member holds in the society."""
        return self._changing(
            member_id,
            self._member,
            lambda m: m.record_property(
                loans_pence=loans_pence, deposits_pence=deposits_pence, on=today(self.clock), by=by
            ),
        )

    def cease(
        self, member_id: UUID, how: Cessation, *, on: date, by: UUID, reference: str = ""
    ) -> Done:
        """End a membership: withdrawal, death, expulsion or cessation under the rules."""
        return self._changing(
            member_id,
            self._member,
            lambda m: m.cease(how, on=on, today=today(self.clock), by=by, reference=reference),
        )

    def settle_share(self, member_id: UUID, how: ShareSettlement, *, by: UUID) -> Done:
        """Repay or cancel a former member's share."""
        return self._changing(
            member_id, self._member, lambda m: m.settle_share(how, on=today(self.clock), by=by)
        )

    def take_office(self, member_id: UUID, office: Office, *, by: UUID, reference: str) -> Done:
        """Appoint a member trustee (or a trustee secretary)."""
        return self._changing(
            member_id,
            self._member,
            lambda m: m.take_office(office, on=today(self.clock), by=by, reference=reference),
        )

    def leave_office(self, member_id: UUID, office: Office, *, by: UUID, reference: str) -> Done:
        """End a trustee's (or the secretary's) term of office."""
        return self._changing(
            member_id,
            self._member,
            lambda m: m.leave_office(office, on=today(self.clock), by=by, reference=reference),
        )

    def erase(self, member_id: UUID, *, by: UUID, retention_years: int) -> Done:
        """Erase a former member's personal data for good, once the retention period is over.

        The ``Erased`` event is recorded first (the read side masks the entry
        at once); then the keys of the member and their account are destroyed,
        which turns their personal data into ``ERASED`` in every event.
        """
        member = self._member(member_id)
        if member.erased:
            # Finish an erasure whose keys were not destroyed (the process stopped
            # between the two steps); destroying a key twice changes nothing.
            self.destroy_keys([member_id, *member.accounts])
        done = self._changing(
            member_id,
            self._member,
            lambda m: m.erase(today=today(self.clock), by=by, retention_years=retention_years),
        )
        self.destroy_keys([member_id, *self._member(member_id).accounts])
        return done

    def _application(self, member_id: UUID) -> Member:
        member = self._get_or_none(Member, member_id)
        if member is None:
            raise ApplicationNotFound()
        return member
