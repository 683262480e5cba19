"""Importing members from the co-op's old records: all or nothing, and idempotent."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from coop.clock import today
from coop.commands.base import Busy
from coop.commands.membership import MembershipCommands
from coop.domain.claims import Claim, claim_id
from coop.domain.details import ApplicantDetails, Decision
from coop.domain.importing import ImportReport, OldRecord, Problem
from coop.domain.membership import Member, imported_member_id

_EMAIL_CLAIM = "application-email"


class ImportCommands(MembershipCommands):
    """Members from a spreadsheet: checked against coop first, then saved in one go."""

    def check_import(self, records: list[OldRecord]) -> ImportReport:
        """A dry run: what importing ``records`` would do, and every problem found."""
        problems: list[Problem] = []
        numbers = self.membership_numbers()
        fresh = 0
        for r in records:
            if imported_member_id(r.number) in self.repository:
                continue  # imported before: importing the same file again changes nothing
            fresh += 1
            if numbers.is_used(r.number):
                problems.append(
                    Problem(
                        r.line,
                        "membership_number",
                        f"Membership number {r.number} is already used in coop.",
                    )
                )
            if r.details.email and self._email_claimed(r.details.email):
                problems.append(
                    Problem(
                        r.line, "email", f"{r.details.email} already belongs to someone in coop."
                    )
                )
        return ImportReport(imported=fresh, already_there=len(records) - fresh, problems=problems)

    def import_members(self, records: list[OldRecord], *, source: str, by: UUID) -> ImportReport:
        """Import the records that are not in coop yet, in one transaction, or none at all."""
        report = self.check_import(records)
        if report.problems or report.imported == 0:
            return report
        aggregates: list[Aggregate] = []
        new = [r for r in records if imported_member_id(r.number) not in self.repository]
        for r in new:
            aggregates.extend(self._imported(r, source, by))
        numbers = self.membership_numbers()
        numbers.reserve(tuple(r.number for r in new))
        try:
            recordings = self.save(numbers, *aggregates)
        except IntegrityError:
            raise Busy() from None  # another import or admission got there first: run it again
        return ImportReport(
            imported=len(new),
            already_there=len(records) - len(new),
            problems=[],
            position=recordings[-1].notification.id,
        )

    def _imported(self, r: OldRecord, source: str, by: UUID) -> list[Aggregate]:
        d = r.details
        member = Member._create(  # a fixed id, so the same row imported twice collides
            Member.Applied,
            id=imported_member_id(r.number),
            details=ApplicantDetails(
                name=d.name,
                preferred_name=d.preferred_name,
                email=d.email,
                phone=d.phone,
                address=d.address,
                postcode=d.postcode,
                requested_class=r.member_class,
                contact_methods=d.contact_methods,
                access_needs=d.access_needs,
                agrees_with_purpose=True,
            ),
            applied_on=r.entered_on,
        )
        member.mark_imported(source=f"{source}, line {r.line}")
        decision = Decision(by=by, on=r.entered_on, minute_reference=f"Imported from {source}")
        member.admit(r.number, decision, amount_paid_pence=r.amount_paid_pence)
        if r.loans_pence or r.deposits_pence:
            member.record_property(
                loans_pence=r.loans_pence, deposits_pence=r.deposits_pence, on=r.entered_on, by=by
            )
        if r.ceased_on is not None and r.how_ceased is not None:
            member.cease(
                r.how_ceased, on=r.ceased_on, today=today(self.clock), by=by, reference=source
            )
            if r.share_settled is not None:
                member.settle_share(r.share_settled, on=r.ceased_on, by=by)
        out: list[Aggregate] = [member]
        if d.email:
            out.append(
                Claim(
                    id=claim_id(self.secret_key, _EMAIL_CLAIM, d.email.lower()),
                    kind=_EMAIL_CLAIM,
                    claimant=member.id,
                )
            )
        return out

    def _email_claimed(self, email: str) -> bool:
        return claim_id(self.secret_key, _EMAIL_CLAIM, email.lower()) in self.repository
