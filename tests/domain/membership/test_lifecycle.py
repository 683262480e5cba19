"""A member's life in the co-op, and what is refused along the way, without a database."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from coop.domain.errors import InvalidInput
from coop.domain.membership.carers import AlreadyLinked, CarerLink, CarerLinkError, NotAskedYet
from coop.domain.membership.member_details import (
    Cessation,
    ContactDetails,
    ContactMethod,
    MemberClass,
    Office,
    ShareSettlement,
)
from coop.domain.membership.members import (
    Decision,
    Member,
    MembershipNumbers,
    NotAMember,
    NotCeased,
    OfficeError,
    PersonErased,
    ShareAlreadySettled,
    TooSoonToErase,
    years_after,
)
from tests.people import details

TRUSTEE = uuid4()
JOINED = date(2024, 3, 5)


def member(**overrides: object) -> Member:
    m = Member(details=details("Priya Raman", **overrides), applied_on=date(2024, 2, 20))
    m.admit(12, Decision(by=TRUSTEE, on=JOINED, minute_reference="BM 2024-03 item 2"))
    return m


def moved(address: str) -> ContactDetails:
    return ContactDetails(
        name="Priya Raman",
        preferred_name="Priya",
        email="priya.raman@example.org",
        phone="0113 496 0000",
        address=address,
        postcode="LS6 1AA",
        contact_methods=(ContactMethod.EMAIL,),
        access_needs="",
    )


def test_a_member_moves_house_and_changes_class() -> None:
    m = member()
    m.update_details(moved("3 Kirkstall Lane\nLeeds"), on=date(2025, 1, 2), by=TRUSTEE)
    m.change_class(MemberClass.CARER, on=date(2025, 2, 1), by=TRUSTEE, reference="BM-9")
    assert m.contact is not None and m.contact.address.startswith("3 Kirkstall")
    assert m.member_class is MemberClass.CARER


def test_nothing_changed_is_refused_in_plain_words() -> None:
    m = member()
    with pytest.raises(InvalidInput, match="Nothing has changed"):
        m.update_details(m.contact, on=date(2025, 1, 2), by=TRUSTEE)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="already in the user class"):
        m.change_class(MemberClass.USER, on=date(2025, 1, 2), by=TRUSTEE, reference="")


def test_an_expulsion_needs_the_special_resolution() -> None:
    m = member()
    with pytest.raises(InvalidInput, match="special resolution"):
        m.cease(
            Cessation.EXPULSION,
            on=date(2025, 6, 1),
            today=date(2025, 6, 2),
            by=TRUSTEE,
            reference=" ",
        )
    m.cease(
        Cessation.EXPULSION,
        on=date(2025, 6, 1),
        today=date(2025, 6, 2),
        by=TRUSTEE,
        reference="SGM 2025 resolution 1",
    )
    assert m.status == "ceased" and m.ceased_on == date(2025, 6, 1)


def test_the_end_date_can_be_neither_in_the_future_nor_before_the_last_change() -> None:
    m = member()
    with pytest.raises(InvalidInput, match="can't be in the future"):
        m.cease(
            Cessation.DEATH, on=date(2025, 6, 3), today=date(2025, 6, 2), by=TRUSTEE, reference=""
        )
    with pytest.raises(InvalidInput, match="can't be before 5 March 2024"):
        m.cease(
            Cessation.DEATH, on=date(2024, 3, 4), today=date(2025, 6, 2), by=TRUSTEE, reference=""
        )


def test_leaving_ends_every_office_and_then_the_share_is_settled_once() -> None:
    m = member()
    m.take_office(Office.TRUSTEE, on=date(2024, 9, 1), by=TRUSTEE, reference="AGM 2024")
    m.take_office(Office.SECRETARY, on=date(2024, 9, 1), by=TRUSTEE, reference="BM-4")
    with pytest.raises(NotCeased):
        m.settle_share(ShareSettlement.REPAID, on=date(2025, 1, 1), by=TRUSTEE)
    m.cease(
        Cessation.WITHDRAWAL, on=date(2025, 1, 1), today=date(2025, 1, 1), by=TRUSTEE, reference=""
    )
    assert m.offices == set()
    left = [e for e in m.collect_events() if isinstance(e, Member.OfficeLeft)]
    assert [e.office for e in left] == [Office.SECRETARY, Office.TRUSTEE]
    m.settle_share(ShareSettlement.REPAID, on=date(2025, 1, 1), by=TRUSTEE)
    with pytest.raises(ShareAlreadySettled, match="already been repaid"):
        m.settle_share(ShareSettlement.CANCELLED, on=date(2025, 1, 1), by=TRUSTEE)
    with pytest.raises(NotAMember, match="no longer a member"):
        m.change_class(MemberClass.PA, on=date(2025, 2, 1), by=TRUSTEE, reference="")


def test_the_secretary_must_be_a_trustee() -> None:
    m = member()
    with pytest.raises(OfficeError, match="appoint them trustee first"):
        m.take_office(Office.SECRETARY, on=date(2024, 9, 1), by=TRUSTEE, reference="BM-4")


def test_erasure_waits_for_the_retention_period_and_says_when() -> None:
    m = member()
    m.cease(
        Cessation.WITHDRAWAL, on=date(2025, 1, 1), today=date(2025, 1, 1), by=TRUSTEE, reference=""
    )
    with pytest.raises(TooSoonToErase, match="from 1 January 2035"):
        m.erase(today=date(2034, 12, 31), by=TRUSTEE, retention_years=10)
    m.erase(today=date(2035, 1, 1), by=TRUSTEE, retention_years=10)
    with pytest.raises(PersonErased):
        m.settle_share(ShareSettlement.CANCELLED, on=date(2035, 1, 1), by=TRUSTEE)


def test_a_current_member_cannot_be_erased() -> None:
    with pytest.raises(Exception, match="Only a former member or a refused applicant"):
        member().erase(today=date(2040, 1, 1), by=TRUSTEE, retention_years=1)


def test_29_february_plus_a_year_is_1_march() -> None:
    assert years_after(date(2024, 2, 29), 1) == date(2025, 3, 1)


def test_imported_numbers_are_kept_and_new_ones_follow_the_highest() -> None:
    numbers = MembershipNumbers()
    numbers.reserve((3, 40, 7))
    assert numbers.is_used(40) and not numbers.is_used(8)
    assert numbers.allot(uuid4()) == 41


def test_a_user_consents_to_a_carer_and_can_withdraw_it() -> None:
    carer, user = uuid4(), uuid4()
    link = CarerLink(carer_id=carer, user_id=user, on=JOINED, by=carer)
    with pytest.raises(AlreadyLinked, match="waiting for consent"):
        link.ask_again(on=JOINED, by=carer)
    with pytest.raises(CarerLinkError, match="no consent to withdraw"):
        link.withdraw_consent(on=JOINED, by=user)
    link.consent(on=JOINED, by=user)
    assert link.state == "consented"
    link.withdraw_consent(on=JOINED, by=user)
    with pytest.raises(NotAskedYet):
        link.consent(on=JOINED, by=user)
    link.ask_again(on=JOINED, by=carer)
    link.decline(on=JOINED, by=user)
    assert link.state == "declined"
    assert (
        CarerLink.create_id(carer, user)
        == CarerLink.create_id(carer, user)
        != CarerLink.create_id(user, carer)
    )
