"""What membership events carry: classes, contact details, decisions, ways of leaving."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

import msgspec

from coop.infra.sealing import Personal


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

    def contact(self) -> ContactDetails:
        """The contact details and preferences given with the application."""
        return ContactDetails(
            name=self.name,
            preferred_name=self.preferred_name,
            email=self.email,
            phone=self.phone,
            address=self.address,
            postcode=self.postcode,
            contact_methods=self.contact_methods,
            access_needs=self.access_needs,
        )


class ContactDetails(Personal, frozen=True, kw_only=True):
    """A member's name, contact details and preferences (personal: sealed at rest)."""

    name: str
    preferred_name: str
    email: str
    phone: str
    address: str
    postcode: str
    contact_methods: tuple[ContactMethod, ...]
    access_needs: str


class RefusalReason(Personal, frozen=True, kw_only=True):
    """Why an application was refused, in words the applicant is given (it may be about them)."""

    text: str


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    """A trustee's decision on an application, as minuted by the board."""

    by: UUID
    on: date
    minute_reference: str


class Cessation(StrEnum):
    """How a membership ends (SPEC: Membership)."""

    WITHDRAWAL = "withdrawal"  # the member gave notice
    DEATH = "death"
    EXPULSION = "expulsion"  # only by a special resolution of a general meeting
    CESSATION = "cessation"  # under the rules, e.g. a PA who stops working for the co-op


class ShareSettlement(StrEnum):
    """What happens to a former member's share: the rules make it withdrawable."""

    REPAID = "repaid"
    CANCELLED = "cancelled"


class Office(StrEnum):
    """Offices on the register of trustees; the secretary is also a trustee."""

    TRUSTEE = "trustee"
    SECRETARY = "secretary"
