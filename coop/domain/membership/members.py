"""Membership: from application to admission, changes while a member, leaving, erasure."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from coop.domain.errors import CoopError, InvalidInput, NotFound
from coop.domain.membership.member_details import (
    ApplicantDetails,
    Cessation,
    ContactDetails,
    ContactMethod,
    Decision,
    MemberClass,
    Office,
    RefusalReason,
    ShareSettlement,
)
from coop.domain.stored_names import stored_under
from coop.infra.sealing import is_erased

__all__ = [
    "ApplicantDetails",
    "ContactDetails",
    "ContactMethod",
    "Decision",
    "Member",
    "MemberClass",
    "MembershipNumbers",
]

ONE_SHARE_PENCE = 100  # the rules' default: one £1 share


class MembershipError(CoopError):
    """Base of membership refusals."""


class ApplicationNotFound(NotFound, MembershipError):
    def __init__(self) -> None:
        super().__init__("There is no application with that reference.")


class MemberNotFound(NotFound, MembershipError):
    def __init__(self) -> None:
        super().__init__("There is no member with that reference.")


class AlreadyApplied(MembershipError):
    def __init__(self) -> None:
        super().__init__(
            "Someone has already applied with this email address. "
            "If this is you, contact the co-op office instead of applying again."
        )


class AlreadyDecided(MembershipError):
    def __init__(self, status: str) -> None:
        super().__init__(f"This application has already been decided: the applicant was {status}.")


class NotAMember(MembershipError):
    def __init__(self, status: str) -> None:
        super().__init__(f"This can only be done for a current member; this person {status}.")


class NotCeased(MembershipError):
    def __init__(self) -> None:
        super().__init__("This can only be done once the membership has ended.")


class ShareAlreadySettled(MembershipError):
    def __init__(self, how: str) -> None:
        super().__init__(f"This member's share has already been {how}.")


class PersonErased(MembershipError):
    def __init__(self) -> None:
        super().__init__(
            "This person's personal data has been erased, so nothing more can be recorded."
        )


class TooSoonToErase(MembershipError):
    def __init__(self, possible_from: date) -> None:
        super().__init__(
            "The retention period has not ended: this person's data can be erased "
            f"from {possible_from:%-d %B %Y}."
        )


class OfficeError(MembershipError):
    """Refusals about trustee offices."""


def check_dated(on: date, *, last: date, today: date) -> None:
    """A back-dated change must not be in the future nor before the last recorded change."""
    if on > today:
        raise InvalidInput(f"The date can't be in the future (today is {today:%-d %B %Y}).", "on")
    if on < last:
        raise InvalidInput(
            f"The date can't be before {last:%-d %B %Y}, when this record last changed.", "on"
        )


def years_after(start: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 1 March)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, month=3, day=1)


class Member(Aggregate):
    """A person's membership, from application to leaving (and, later, erasure).

    Every event that changes the register carries the date it took effect, and
    those dates never go backwards, so the register as at any date is exact.
    """

    class Applied(Aggregate.Created):
        details: ApplicantDetails
        applied_on: date

    class Imported(Aggregate.Event):
        """The application and admission that follow came from the co-op's old records."""

        source: str

    class Admitted(Aggregate.Event):
        number: int
        member_class: MemberClass  # outside the sealed details: the register needs it after erasure
        decision: Decision
        shares: int
        amount_paid_pence: int

    class Refused(Aggregate.Event):
        reason: RefusalReason
        decision: Decision

    class DetailsUpdated(Aggregate.Event):
        details: ContactDetails
        on: date
        by: UUID

    class ClassChanged(Aggregate.Event):
        member_class: MemberClass
        on: date
        by: UUID
        reference: str

    class PropertyRecorded(Aggregate.Event):
        """Other property the member holds in the society (register of members, s.30)."""

        loans_pence: int
        deposits_pence: int
        on: date
        by: UUID

    class Ceased(Aggregate.Event):
        how: Cessation
        on: date
        by: UUID
        reference: str  # e.g. the special resolution for an expulsion

    class ShareSettled(Aggregate.Event):
        how: ShareSettlement
        amount_pence: int
        on: date
        by: UUID

    class OfficeTaken(Aggregate.Event):
        office: Office
        on: date
        by: UUID
        reference: str

    class OfficeLeft(Aggregate.Event):
        office: Office
        on: date
        by: UUID
        reference: str

    class AccountOpened(Aggregate.Event):
        account_id: UUID

    class Erased(Aggregate.Event):
        on: date
        by: UUID

    @classmethod
    def from_old_register(cls, number: int, details: ApplicantDetails, applied_on: date) -> Member:
        """A member's application as the old register records it, under an id fixed by
        their number (``imported_member_id``), so the same row imported twice collides."""
        return cls._create(
            cls.Applied, id=imported_member_id(number), details=details, applied_on=applied_on
        )

    @event(Applied)
    def __init__(self, details: ApplicantDetails, applied_on: date) -> None:
        self.details = details
        self.contact: ContactDetails | None = None if is_erased(details) else details.contact()
        self.applied_on = applied_on
        self.last_change = applied_on
        self.status = "applied"
        self.number: int | None = None
        self.member_class: MemberClass | None = None
        self.amount_paid_pence = 0
        self.decided_on: date | None = None
        self.ceased_on: date | None = None
        self.share_settled: ShareSettlement | None = None
        self.offices: set[Office] = set()
        self.accounts: list[UUID] = []
        self.erased = False

    # Deciding an application -------------------------------------------------------

    def admit(
        self, number: int, decision: Decision, *, amount_paid_pence: int = ONE_SHARE_PENCE
    ) -> None:
        """Admit the applicant, allotting one share and their membership number."""
        self._require_undecided()
        if not 0 <= amount_paid_pence <= ONE_SHARE_PENCE:
            raise InvalidInput("The amount paid must be between £0.00 and £1.00.", "amount_paid")
        self._admitted(
            number=number,
            member_class=self.details.requested_class,
            decision=decision,
            shares=1,
            amount_paid_pence=amount_paid_pence,
        )

    def refuse(self, reason: str, decision: Decision) -> None:
        """Refuse the application, with the reason the applicant will be given."""
        self._require_undecided()
        self._refused(reason=RefusalReason(text=reason), decision=decision)

    @event(Imported)
    def mark_imported(self, source: str) -> None:
        """Say that this membership was taken from the co-op's old records."""

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
        self.member_class = member_class
        self.amount_paid_pence = amount_paid_pence
        self.decided_on = self.last_change = decision.on

    @event(Refused)
    def _refused(self, reason: RefusalReason, decision: Decision) -> None:
        self.status = "refused"
        self.decided_on = self.last_change = decision.on

    # While a member --------------------------------------------------------------

    def update_details(self, details: ContactDetails, *, on: date, by: UUID) -> None:
        """Record new contact details or preferences (an applicant's or a member's)."""
        self._require_not_erased()
        if self.status in ("refused", "ceased"):
            raise NotAMember(self._described())
        if details == self.contact:
            raise InvalidInput("Nothing has changed: the details are the same as before.")
        self._details_updated(details=details, on=max(on, self.last_change), by=by)

    def change_class(
        self, member_class: MemberClass, *, on: date, by: UUID, reference: str
    ) -> None:
        """Move a member to another class (by the trustees, or under the rules)."""
        self._require_member()
        if member_class == self.member_class:
            raise InvalidInput(
                f"This member is already in the {member_class} class.", "member_class"
            )
        self._class_changed(
            member_class=member_class, on=max(on, self.last_change), by=by, reference=reference
        )

    def record_property(self, *, loans_pence: int, deposits_pence: int, on: date, by: UUID) -> None:
        """Record the loans and deposits the member holds in the society."""
        self._require_member()
        if loans_pence < 0 or deposits_pence < 0:
            raise InvalidInput("Loans and deposits can't be negative.")
        self._property_recorded(
            loans_pence=loans_pence,
            deposits_pence=deposits_pence,
            on=max(on, self.last_change),
            by=by,
        )

    def cease(self, how: Cessation, *, on: date, today: date, by: UUID, reference: str) -> None:
        """End the membership; any trustee office ends with it."""
        self._require_member()
        check_dated(on, last=self.last_change, today=today)
        if how is Cessation.EXPULSION and not reference.strip():
            raise InvalidInput(
                "An expulsion needs the reference of the general meeting's special resolution.",
                "reference",
            )
        for office in sorted(self.offices):  # secretary before trustee
            self._office_left(office=office, on=on, by=by, reference=f"Membership ended ({how})")
        self._ceased(how=how, on=on, by=by, reference=reference)

    def settle_share(self, how: ShareSettlement, *, on: date, by: UUID) -> None:
        """Repay or cancel a former member's share."""
        self._require_not_erased()
        if self.status != "ceased":
            raise NotCeased()
        if self.share_settled is not None:
            raise ShareAlreadySettled(self.share_settled)
        amount = self.amount_paid_pence if how is ShareSettlement.REPAID else 0
        self._share_settled(how=how, amount_pence=amount, on=max(on, self.last_change), by=by)

    # Offices on the board ---------------------------------------------------------

    def take_office(self, office: Office, *, on: date, by: UUID, reference: str) -> None:
        """Appoint the member trustee, or a trustee secretary."""
        self._require_member()
        if office in self.offices:
            raise OfficeError(f"This member is already the co-op's {office}.")
        if office is Office.SECRETARY and Office.TRUSTEE not in self.offices:
            raise OfficeError("The secretary must be a trustee: appoint them trustee first.")
        if not reference.strip():
            raise InvalidInput("Give the board or general meeting minute reference.", "reference")
        self._office_taken(office=office, on=max(on, self.last_change), by=by, reference=reference)

    def leave_office(self, office: Office, *, on: date, by: UUID, reference: str) -> None:
        """End a trustee's term (a trustee who leaves is no longer secretary either)."""
        if office not in self.offices:
            raise OfficeError(f"This member is not the co-op's {office}.")
        on = max(on, self.last_change)
        if office is Office.TRUSTEE and Office.SECRETARY in self.offices:
            self._office_left(office=Office.SECRETARY, on=on, by=by, reference=reference)
        self._office_left(office=office, on=on, by=by, reference=reference)

    # Signing in and erasure ---------------------------------------------------------

    def link_account(self, account_id: UUID) -> None:
        """Note the member's sign-in account, so erasing them erases it too."""
        self._require_member()
        if self.accounts:
            raise MembershipError("This member can already sign in.")
        self._account_opened(account_id=account_id)

    def erase(self, *, today: date, by: UUID, retention_years: int) -> None:
        """Erase a former member's (or refused applicant's) personal data after retention."""
        self._require_not_erased()
        ended = self.ceased_on if self.status == "ceased" else self.decided_on
        if self.status not in ("ceased", "refused") or ended is None:
            raise MembershipError(
                "Only a former member or a refused applicant can be erased; "
                f"this person {self._described()}."
            )
        possible_from = years_after(ended, retention_years)
        if today < possible_from:
            raise TooSoonToErase(possible_from)
        self._erased(on=today, by=by)

    # Guards --------------------------------------------------------------------------

    def _require_not_erased(self) -> None:
        if self.erased or self.contact is None:
            raise PersonErased()

    def _require_member(self) -> None:
        self._require_not_erased()
        if self.status != "admitted":
            raise NotAMember(self._described())

    def _described(self) -> str:
        return {
            "applied": "has applied but not been admitted",
            "refused": "was refused membership",
            "ceased": "is no longer a member",
            "admitted": "is a member",
        }[self.status]

    # State changes (replayed as they were; no rules here) --------------------------

    @event(DetailsUpdated)
    def _details_updated(self, details: ContactDetails, on: date, by: UUID) -> None:
        self.contact = None if is_erased(details) else details
        self.last_change = on

    @event(ClassChanged)
    def _class_changed(self, member_class: MemberClass, on: date, by: UUID, reference: str) -> None:
        self.member_class = member_class
        self.last_change = on

    @event(PropertyRecorded)
    def _property_recorded(self, loans_pence: int, deposits_pence: int, on: date, by: UUID) -> None:
        self.last_change = on

    @event(Ceased)
    def _ceased(self, how: Cessation, on: date, by: UUID, reference: str) -> None:
        self.status = "ceased"
        self.ceased_on = self.last_change = on

    @event(ShareSettled)
    def _share_settled(self, how: ShareSettlement, amount_pence: int, on: date, by: UUID) -> None:
        self.share_settled = how
        self.last_change = on

    @event(OfficeTaken)
    def _office_taken(self, office: Office, on: date, by: UUID, reference: str) -> None:
        self.offices.add(office)
        self.last_change = on

    @event(OfficeLeft)
    def _office_left(self, office: Office, on: date, by: UUID, reference: str) -> None:
        self.offices.discard(office)
        self.last_change = on

    @event(AccountOpened)
    def _account_opened(self, account_id: UUID) -> None:
        self.accounts.append(account_id)

    @event(Erased)
    def _erased(self, on: date, by: UUID) -> None:
        self.erased = True


class MembershipNumbers(Aggregate):
    """Allots membership numbers: gapless, in order, never reused.

    Each allotment is one event on this single aggregate, saved together with
    the admission; two trustees admitting at once conflict here, and the loser
    retries with the next number. Numbers from the co-op's old records are
    reserved, so new ones follow on after the highest.
    """

    @staticmethod
    def create_id() -> UUID:
        return MEMBERSHIP_NUMBERS_ID

    @event("Started")
    def __init__(self) -> None:
        self.last = 0
        self.used: set[int] = set()

    def allot(self, member_id: UUID) -> int:
        """The next number, allotted to ``member_id``."""
        self._allotted(member_id=member_id, number=self.last + 1)
        return self.last

    def is_used(self, number: int) -> bool:
        return number in self.used

    def reserve(self, numbers: tuple[int, ...]) -> None:
        """Keep the numbers members already had in the old records."""
        self._reserved(numbers=numbers)

    @event("Allotted")
    def _allotted(self, member_id: UUID, number: int) -> None:
        self.last = number
        self.used.add(number)

    @event("Reserved")
    def _reserved(self, numbers: tuple[int, ...]) -> None:
        self.used.update(numbers)
        self.last = max(self.last, *numbers)


# Ids derived from a name are stable across processes, so the event store's
# uniqueness of (id, version) turns "only one" rules into conflicts.
_NAMESPACE = UUID("6f1c9a59-5a7e-4d5e-9a57-93c1c0b0c0de")
MEMBERSHIP_NUMBERS_ID = uuid5(_NAMESPACE, "membership-numbers")


def imported_member_id(number: int) -> UUID:
    """The id of the member imported with ``number``: importing twice collides."""
    return uuid5(_NAMESPACE, f"imported-member:{number}")


# Stored in the log before governance and membership had rooms of their own.
stored_under(__name__, "coop.domain.membership")
