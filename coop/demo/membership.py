"""The demo co-op's membership: the old spreadsheet, members joining month by month,
carers linked with consent, changes of life, members leaving, one erasure."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from coop.application import Coop
from coop.demo.days import Days
from coop.demo.people import APPLICANTS, OLD_RECORDS, PEOPLE, REFUSED, details, old_records
from coop.domain.membership.member_details import Cessation, ContactDetails, Office, ShareSettlement
from coop.domain.membership.members import MemberClass, imported_member_id

# The founding meeting brought the old spreadsheet in; it is not a person.
FOUNDERS = UUID("5eed0000-0000-4000-8000-000000000001")
# (carer, user, whether the user consented)
CARER_LINKS = (
    ("Priya Raman", "Siobhan Kelly", True),
    ("Hannah Lewis", "Margaret Holt", True),
    ("Chloe Bennett", "Robert Clarke", True),
    ("Fatima Zahra", "Imran Hussain", False),
)


def bring_in_the_old_spreadsheet(coop: Coop) -> dict[int, UUID]:
    """Day 0: the old register comes in; returns the members by their place in PEOPLE."""
    coop.import_members(old_records(), source="membership-spreadsheet-2024.csv", by=FOUNDERS)
    return {i: imported_member_id(n) for n, (i, _) in enumerate(OLD_RECORDS, start=1)}


def elect_the_founders(coop: Coop, ids: dict[int, UUID], trustee: UUID) -> None:
    """Four founding members became trustees, one of them the secretary."""
    for i, offices in (
        (0, [Office.TRUSTEE]),
        (2, [Office.TRUSTEE, Office.SECRETARY]),
        (3, [Office.TRUSTEE]),
        (7, [Office.TRUSTEE]),
    ):
        for office in offices:
            coop.take_office(ids[i], office, by=trustee, reference="AGM 2023, election of trustees")


def admit_month_by_month(
    coop: Coop, days: Days, ids: dict[int, UUID], trustee: UUID
) -> dict[str, UUID]:
    """The rest of PEOPLE apply and are admitted, one every four weeks; one is refused.
    Returns every member by name."""
    joining = [i for i in range(len(PEOPLE)) if i not in ids]
    for k, i in enumerate(joining):
        days.go_to(10 + k * 27)
        applied = coop.apply_for_membership(details(i, PEOPLE[i]))
        days.go_to(10 + k * 27 + 9)
        coop.admit(applied.subject, by=trustee, minute_reference=days.minute(k % 4 + 2))
        ids[i] = applied.subject
    days.go_to(120)
    coop.refuse(
        coop.apply_for_membership(details(len(PEOPLE), REFUSED)).subject,
        by=trustee,
        minute_reference=days.minute(3),
        reason="You told us you do not work as a PA for any of our members. You can apply again if you start.",
    )
    return {PEOPLE[i][0]: member_id for i, member_id in ids.items()}


def link_carers(coop: Coop, by_name: dict[str, UUID]) -> None:
    """Carers ask to be linked to the users they support; most users consent."""
    for carer, user, _ in CARER_LINKS:
        coop.ask_to_link_carer(by_name[carer], by_name[user], by=by_name[carer])
    for carer, user, consented in CARER_LINKS:
        if consented:
            coop.consent_to_carer(by_name[user], by_name[carer], by=by_name[user])


def first_agm_in_coop(
    coop: Coop, ids: dict[int, UUID], by_name: dict[str, UUID], trustee: UUID
) -> None:
    """One trustee stands down, another member is elected; a member lends the co-op £500."""
    coop.leave_office(ids[7], Office.TRUSTEE, by=trustee, reference="AGM 2025: did not stand again")
    coop.take_office(
        by_name["Marcus Boateng"],
        Office.TRUSTEE,
        by=trustee,
        reference="AGM 2025, election of trustees",
    )
    coop.record_property(by_name["Tom Whitfield"], loans_pence=50_000, deposits_pence=0, by=trustee)


def robert_chooses_his_own_pa(coop: Coop, by_name: dict[str, UUID]) -> None:
    """Robert now has a PA he chose himself, and withdraws Chloe's link."""
    coop.withdraw_carer_consent(
        by_name["Robert Clarke"], by_name["Chloe Bennett"], by=by_name["Robert Clarke"]
    )


def changes_of_life(coop: Coop, days: Days, by_name: dict[str, UUID], trustee: UUID) -> None:
    """A PA becomes a carer, and Robert moves house."""
    coop.change_class(
        by_name["Callum Fraser"],
        MemberClass.CARER,
        by=trustee,
        reference=days.minute(4) + ": stopped working as a PA, now cares for his mother",
    )
    moved = details(0, PEOPLE[9]).contact()
    coop.update_details(
        by_name["Robert Clarke"],
        ContactDetails(
            **{
                **{f: getattr(moved, f) for f in ContactDetails.__struct_fields__},
                "address": "2 Bridge Street\nOtley",
            }
        ),
        by=trustee,
    )


def leave(
    coop: Coop,
    member_id: UUID,
    how: Cessation,
    on: date,
    reference: str,
    share: ShareSettlement,
    *,
    trustee: UUID,
) -> None:
    """A membership ends, and its share is settled."""
    coop.cease(member_id, how, on=on, by=trustee, reference=reference)
    coop.settle_share(member_id, share, by=trustee)


def members_leave(coop: Coop, days: Days, by_name: dict[str, UUID], trustee: UUID) -> None:
    """A PA who no longer works for the co-op, a member who gives notice, a member who dies."""
    days.go_to(560)
    leave(
        coop,
        by_name["Nadia Kowalski"],
        Cessation.CESSATION,
        days.today(),
        days.minute(5) + ": no longer works for the co-op (rule 12)",
        ShareSettlement.CANCELLED,
        trustee=trustee,
    )
    days.go_to(610)
    leave(
        coop,
        by_name["Kieran Doyle"],
        Cessation.WITHDRAWAL,
        days.today(),
        f"Letter of notice, received {days.today():%-d %B %Y}",
        ShareSettlement.REPAID,
        trustee=trustee,
    )
    days.go_to(700)
    leave(
        coop,
        by_name["Arthur Needham"],
        Cessation.DEATH,
        days.today() - timedelta(days=3),
        "Notified by his daughter",
        ShareSettlement.REPAID,
        trustee=trustee,
    )


def erase_dorothy(coop: Coop, trustee: UUID) -> None:
    """Dorothy Marsh died in 2014: past the retention period, her personal data is erased."""
    coop.erase(imported_member_id(len(OLD_RECORDS) + 1), by=trustee, retention_years=10)


def applications_waiting(coop: Coop, days: Days) -> None:
    """Applications still waiting for the trustees, one every three days."""
    for j, person in enumerate(APPLICANTS):
        days.go_to(715 + j * 3)
        coop.apply_for_membership(details(len(PEOPLE) + 1 + j, person))
