"""Applicants and members: their current record, the register's history, offices, timeline.

Four tables, one projection: ``members`` (each person's record now),
``register_history`` (a version of their register entry per date it changed),
``trustee_terms`` and ``member_timeline``. Erasure masks personal columns in
place; a rebuild after it finds the same, because the events then read ERASED.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from coop.domain.membership.member_details import ContactDetails, MemberClass
from coop.domain.membership.members import Member
from coop.domain.membership.registers import ERASED_NAME
from coop.infra.sealing import is_erased
from coop.projections.base import Projection, Statement

members = Projection(
    "members", tables=("members", "register_history", "trustee_terms", "member_timeline")
)

CLASS_NAMES = {"user": "User", "carer": "Carer", "pa": "PA"}

# What an erased person's record shows: nothing about them.
_ERASED = ContactDetails(
    name=ERASED_NAME,
    preferred_name="",
    email="",
    phone="",
    address="",
    postcode="",
    contact_methods=(),
    access_needs="",
)


def _contact(details: Any) -> ContactDetails:
    return (
        _ERASED
        if is_erased(details)
        else details.contact()
        if hasattr(details, "contact")
        else details
    )


def _pounds(pence: int) -> Decimal:
    return Decimal(pence) / 100


def _timeline(
    e: Any, position: int, on: Any, what: str, reference: str = "", by: UUID | None = None
) -> Statement:
    return (
        "INSERT INTO {member_timeline} (position, member_id, happened_on, what, reference, by_account)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        (position, e.originator_id, on or e.timestamp.date(), what, reference, by),
    )


def _new_version(member_id: UUID, on: Any) -> list[Statement]:
    """The register entry as it is now becomes the version valid from ``on``."""
    return [
        (
            "DELETE FROM {register_history} WHERE member_id = $1 AND valid_from = $2"
            " AND valid_to IS NULL",
            (member_id, on),
        ),
        (
            "UPDATE {register_history} SET valid_to = $2 WHERE member_id = $1 AND valid_to IS NULL",
            (member_id, on),
        ),
        (
            "INSERT INTO {register_history} (member_id, membership_number, valid_from, name,"
            " address, postcode, email, member_class, shares, amount_paid, loans, deposits,"
            " date_entered, date_ceased, how_ceased, erased)"
            " SELECT member_id, membership_number, $2, name, address, postcode, email,"
            " member_class, shares, amount_paid, loans, deposits, decided_on, ceased_on,"
            " how_ceased, erased_on IS NOT NULL FROM {members}"
            " WHERE member_id = $1 AND membership_number IS NOT NULL",
            (member_id, on),
        ),
    ]


def _update(e: Any, assignments: str, *args: Any) -> Statement:
    return (f"UPDATE {{members}} SET {assignments} WHERE member_id = $1", (e.originator_id, *args))


@members.on(Member.Applied)
def applied(e: Member.Applied, position: int) -> list[Statement]:
    d = _contact(e.details)
    requested = MemberClass.USER if is_erased(e.details) else e.details.requested_class
    return [
        (
            "INSERT INTO {members} (member_id, status, name, preferred_name, email, phone,"
            " address, postcode, requested_class, contact_methods, access_needs, applied_on,"
            " applied_position, updated_on)"
            " VALUES ($1, 'applied', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11)",
            (
                e.originator_id,
                d.name,
                d.preferred_name,
                d.email,
                d.phone,
                d.address,
                d.postcode,
                str(requested),
                [str(m) for m in d.contact_methods],
                d.access_needs,
                e.applied_on,
                position,
            ),
        ),
        _timeline(e, position, e.applied_on, "Applied to join"),
    ]


@members.on(Member.Imported)
def imported(e: Member.Imported, position: int) -> list[Statement]:
    return [
        _update(e, "imported_from = $2", e.source),
        _timeline(e, position, None, "Taken from the co-op's old records", e.source),
    ]


@members.on(Member.Admitted)
def admitted(e: Member.Admitted, position: int) -> list[Statement]:
    d = e.decision
    paid = _pounds(e.amount_paid_pence)
    return [
        _update(
            e,
            "status = 'admitted', membership_number = $2, member_class = $3, decided_on = $4,"
            " decided_by = $5, minute_reference = $6, shares = $7, amount_paid = $8, updated_on = $4",
            e.number,
            str(e.member_class),
            d.on,
            d.by,
            d.minute_reference,
            e.shares,
            paid,
        ),
        *_new_version(e.originator_id, d.on),
        _timeline(
            e,
            position,
            d.on,
            f"Admitted as member {e.number} ({CLASS_NAMES[e.member_class]}):"
            f" {e.shares} share, £{paid:.2f} paid",
            d.minute_reference,
            d.by,
        ),
    ]


@members.on(Member.Refused)
def refused(e: Member.Refused, position: int) -> list[Statement]:
    d = e.decision
    return [
        _update(
            e,
            "status = 'refused', refusal_reason = $2, decided_on = $3, decided_by = $4,"
            " minute_reference = $5, updated_on = $3",
            "" if is_erased(e.reason) else e.reason.text,
            d.on,
            d.by,
            d.minute_reference,
        ),
        _timeline(e, position, d.on, "Application refused", d.minute_reference, d.by),
    ]


@members.on(Member.DetailsUpdated)
def details_updated(e: Member.DetailsUpdated, position: int) -> list[Statement]:
    d = _contact(e.details)
    return [
        _update(
            e,
            "name = $2, preferred_name = $3, email = $4, phone = $5, address = $6, postcode = $7,"
            " contact_methods = $8, access_needs = $9, updated_on = $10",
            d.name,
            d.preferred_name,
            d.email,
            d.phone,
            d.address,
            d.postcode,
            [str(m) for m in d.contact_methods],
            d.access_needs,
            e.on,
        ),
        *_new_version(e.originator_id, e.on),
        _timeline(e, position, e.on, "Contact details updated", "", e.by),
    ]


@members.on(Member.ClassChanged)
def class_changed(e: Member.ClassChanged, position: int) -> list[Statement]:
    return [
        _update(e, "member_class = $2, updated_on = $3", str(e.member_class), e.on),
        *_new_version(e.originator_id, e.on),
        _timeline(
            e, position, e.on, f"Class changed to {CLASS_NAMES[e.member_class]}", e.reference, e.by
        ),
    ]


@members.on(Member.PropertyRecorded)
def property_recorded(e: Member.PropertyRecorded, position: int) -> list[Statement]:
    loans, deposits = _pounds(e.loans_pence), _pounds(e.deposits_pence)
    return [
        _update(e, "loans = $2, deposits = $3, updated_on = $4", loans, deposits, e.on),
        *_new_version(e.originator_id, e.on),
        _timeline(
            e,
            position,
            e.on,
            f"Other property recorded: loans £{loans:.2f}, deposits £{deposits:.2f}",
            "",
            e.by,
        ),
    ]


@members.on(Member.Ceased)
def ceased(e: Member.Ceased, position: int) -> list[Statement]:
    return [
        _update(
            e,
            "status = 'ceased', ceased_on = $2, how_ceased = $3, ceased_reference = $4, updated_on = $2",
            e.on,
            str(e.how),
            e.reference,
        ),
        *_new_version(e.originator_id, e.on),
        _timeline(e, position, e.on, f"Membership ended ({e.how})", e.reference, e.by),
    ]


@members.on(Member.ShareSettled)
def share_settled(e: Member.ShareSettled, position: int) -> list[Statement]:
    amount = _pounds(e.amount_pence)
    return [
        _update(
            e,
            "share_settled = $2, share_settled_on = $3, share_settled_amount = $4, shares = 0,"
            " amount_paid = 0, updated_on = $3",
            str(e.how),
            e.on,
            amount,
        ),
        *_new_version(e.originator_id, e.on),
        _timeline(e, position, e.on, f"Share {e.how} (£{amount:.2f})", "", e.by),
    ]


@members.on(Member.OfficeTaken)
def office_taken(e: Member.OfficeTaken, position: int) -> list[Statement]:
    return [
        _update(e, "offices = array_append(offices, $2), updated_on = $3", str(e.office), e.on),
        (
            "INSERT INTO {trustee_terms} (position, member_id, office, appointed_on,"
            " appointed_reference) VALUES ($1, $2, $3, $4, $5)",
            (position, e.originator_id, str(e.office), e.on, e.reference),
        ),
        _timeline(e, position, e.on, f"Appointed {e.office}", e.reference, e.by),
    ]


@members.on(Member.OfficeLeft)
def office_left(e: Member.OfficeLeft, position: int) -> list[Statement]:
    return [
        _update(e, "offices = array_remove(offices, $2), updated_on = $3", str(e.office), e.on),
        (
            "UPDATE {trustee_terms} SET left_on = $3, left_reference = $4"
            " WHERE member_id = $1 AND office = $2 AND left_on IS NULL",
            (e.originator_id, str(e.office), e.on, e.reference),
        ),
        _timeline(e, position, e.on, f"Stopped being {e.office}", e.reference, e.by),
    ]


@members.on(Member.AccountOpened)
def account_opened(e: Member.AccountOpened, position: int) -> list[Statement]:
    return [
        _update(e, "account_id = $2", e.account_id),
        _timeline(e, position, None, "Can now sign in to coop"),
    ]


_MASK = "name = $2, preferred_name = '', email = '', phone = '', address = '', postcode = '', access_needs = '', contact_methods = '{{}}', refusal_reason = ''"


@members.on(Member.Erased)
def erased(e: Member.Erased, position: int) -> list[Statement]:
    return [
        _update(e, _MASK + ", erased_on = $3", ERASED_NAME, e.on),
        (
            "UPDATE {register_history} SET name = $2, address = '', postcode = '', email = '',"
            " erased = true WHERE member_id = $1",
            (e.originator_id, ERASED_NAME),
        ),
        _timeline(e, position, e.on, "Personal data erased", "", e.by),
    ]
