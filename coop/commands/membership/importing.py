"""Importing members from the co-op's old records: all or nothing, and idempotent."""

from __future__ import annotations

from uuid import UUID

import msgspec
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from coop.clock import today
from coop.commands.base import Busy, Commands
from coop.domain.claims import Claim, claim_id
from coop.domain.membership.member_details import ApplicantDetails, Decision
from coop.domain.membership.members import Member, MembershipNumbers, imported_member_id
from coop.domain.membership.old_records import ImportReport, OldRecord, Problem
from coop.infra.eventstore.reads import stored_among

_EMAIL_CLAIM = "application-email"


class ImportCommands(Commands):
    """Members from a spreadsheet: checked against coop first, then saved in one go."""

    def check_import(self, records: list[OldRecord]) -> ImportReport:
        """A dry run: what importing ``records`` would do, and every problem found."""
        report, _ = self._check(records, self.membership_numbers())
        return report

    def import_members(self, records: list[OldRecord], *, source: str, by: UUID) -> ImportReport:
        """Import the records that are not in coop yet, in one transaction, or none at all."""
        # Checked and saved against the same numbers, with admissions in this process held
        # back meanwhile: a number allotted between the check and the save would be used twice.
        with self._numbering:
            numbers = self.membership_numbers()
            report, new = self._check(records, numbers)
            if report.problems or not new:
                return report
            aggregates = [a for r in new for a in self._imported(r, source, by)]
            numbers.reserve(tuple(r.number for r in new))
            try:
                recordings = self.save(numbers, *aggregates, by_version=True)
            except IntegrityError:
                # Another process admitted someone or claimed an e-mail meanwhile: say which
                # row now clashes; if none does, the import itself raced and can run again.
                again = self.check_import(records)
                if again.problems:
                    return again
                raise Busy() from None
        return msgspec.structs.replace(report, position=recordings[-1].notification.id)

    def _check(
        self, records: list[OldRecord], numbers: MembershipNumbers
    ) -> tuple[ImportReport, list[OldRecord]]:
        """The report, and the records not imported before."""
        emails = {r.line: self._email_claim(r.details.email) for r in records if r.details.email}
        # One query for the whole file: loading 10,000 aggregates one by one takes minutes.
        ids = {r.number: imported_member_id(r.number) for r in records}
        there = stored_among(self.datastore, [*ids.values(), *emails.values()])
        problems: list[Problem] = []
        new: list[OldRecord] = []
        for r in records:
            if ids[r.number] in there:
                continue  # imported before: importing the same file again changes nothing
            new.append(r)
            if numbers.is_used(r.number):
                problems.append(
                    Problem(
                        r.line,
                        "membership_number",
                        f"Membership number {r.number} is already used in coop.",
                    )
                )
            if r.line in emails and emails[r.line] in there:
                problems.append(
                    Problem(
                        r.line,
                        "email",
                        f"{r.details.email} already belongs to someone in coop: each person"
                        " needs their own email address (leave it blank for this member).",
                    )
                )
        report = ImportReport(
            imported=len(new), already_there=len(records) - len(new), problems=problems
        )
        return report, new

    def _imported(self, r: OldRecord, source: str, by: UUID) -> list[Aggregate]:
        d = r.details
        member = Member.from_old_register(
            r.number,
            ApplicantDetails(
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
            r.entered_on,
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
                    id=self._email_claim(d.email),
                    kind=_EMAIL_CLAIM,
                    claimant=member.id,
                )
            )
        return out

    def _email_claim(self, email: str) -> UUID:
        return claim_id(self.secret_key, _EMAIL_CLAIM, email.lower())
