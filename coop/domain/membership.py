"""Membership: applying, being admitted or refused, the membership numbers."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event

from coop.domain.errors import CoopError, NotFound
from coop.privacy import Personal


class MemberClass(StrEnum):
    """The classes of member in a multi-stakeholder care co-op."""

    USER = "user"
    CARER = "carer"
    PA = "pa"


class ContactMethod(StrEnum):
    """How a member wants the co-op to contact them."""

    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    EASY_READ = "easy_read"
    LARGE_PRINT = "large_print"
    BSL = "bsl"


class ApplicantDetails(Personal, frozen=True, kw_only=True):
    """What a person tells the co-op when they apply to join (personal: sealed at rest)."""

    name: str
    preferred_name: str
    email: str
    phone: str
    address: str
    postcode: str
    requested_class: MemberClass
    contact_methods: tuple[ContactMethod, ...]
    access_needs: str
    agrees_with_purpose: bool


class RefusalReason(Personal, frozen=True, kw_only=True):
    """Why an application was refused, in words the applicant is given (it may be about them)."""

    text: str


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    """A trustee's decision on an application, as minuted by the board."""

    by: UUID
    on: date
    minute_reference: str


class MembershipError(CoopError):
    """Base of membership refusals."""


class ApplicationNotFound(NotFound, MembershipError):
    def __init__(self) -> None:
        super().__init__("There is no application with that reference.")


class AlreadyApplied(MembershipError):
    def __init__(self) -> None:
        super().__init__(
            "Someone has already applied with this email address. "
            "If this is you, contact the co-op office instead of applying again."
        )


class AlreadyDecided(MembershipError):
    def __init__(self, status: str) -> None:
        super().__init__(f"This application has already been decided: the applicant was {status}.")


# Ids derived from a name are stable across processes, so the event store's
# uniqueness of (id, version) turns "only one" rules into conflicts.
_NAMESPACE = UUID("6f1c9a59-5a7e-4d5e-9a57-93c1c0b0c0de")
MEMBERSHIP_NUMBERS_ID = uuid5(_NAMESPACE, "membership-numbers")


class Member(Aggregate):
    """A person's membership, from application to (for now) admission or refusal."""

    class Applied(Aggregate.Created):
        details: ApplicantDetails
        applied_on: date

    class Admitted(Aggregate.Event):
        number: int
        member_class: MemberClass  # outside the sealed details: the register needs it after erasure
        decision: Decision
        shares: int
        amount_paid_pence: int

    class Refused(Aggregate.Event):
        reason: RefusalReason
        decision: Decision

    @event(Applied)
    def __init__(self, details: ApplicantDetails, applied_on: date) -> None:
        self.details = details
        self.applied_on = applied_on
        self.status = "applied"
        self.number: int | None = None

    def admit(self, number: int, decision: Decision) -> None:
        """Admit the applicant, allotting one share and their membership number."""
        self._require_undecided()
        self._admitted(
            number=number,
            member_class=self.details.requested_class,
            decision=decision,
            shares=1,
            amount_paid_pence=100,
        )

    def refuse(self, reason: str, decision: Decision) -> None:
        """Refuse the application, with the reason the applicant will be given."""
        self._require_undecided()
        self._refused(reason=RefusalReason(text=reason), decision=decision)

    def _require_undecided(self) -> None:
        if self.status != "applied":
            raise AlreadyDecided(self.status)

    @event(Admitted)
    def _admitted(
        self,
        number: int,
        member_class: MemberClass,
        decision: Decision,
        shares: int,
        amount_paid_pence: int,
    ) -> None:
        self.status = "admitted"
        self.number = number

    @event(Refused)
    def _refused(self, reason: RefusalReason, decision: Decision) -> None:
        self.status = "refused"


class MembershipNumbers(Aggregate):
    """Allots membership numbers: gapless, in order, never reused.

    Each allotment is one event on this single aggregate, saved together with
    the admission; two trustees admitting at once conflict here, and the loser
    retries with the next number.
    """

    @staticmethod
    def create_id() -> UUID:
        return MEMBERSHIP_NUMBERS_ID

    @event("Started")
    def __init__(self) -> None:
        self.last = 0

    def allot(self, member_id: UUID) -> int:
        """The next number, allotted to ``member_id``."""
        self._allotted(member_id=member_id, number=self.last + 1)
        return self.last

    @event("Allotted")
    def _allotted(self, member_id: UUID, number: int) -> None:
        self.last = number
