"""Realistic people for tests: a small care co-op's members and applicants."""

from __future__ import annotations

from typing import Any

from coop.domain.membership.members import ApplicantDetails, ContactMethod, MemberClass


def details(name: str = "Amira Hassan", **overrides: Any) -> ApplicantDetails:
    """An application's details; the e-mail follows the name unless given."""
    email = name.lower().replace(" ", ".").replace("'", "") + "@example.org"
    fields: dict[str, Any] = {
        "name": name,
        "preferred_name": name.split()[0],
        "email": email,
        "phone": "0113 496 0000",
        "address": "14 Roundhay Road\nLeeds",
        "postcode": "LS8 2AB",
        "requested_class": MemberClass.USER,
        "contact_methods": (ContactMethod.EMAIL,),
        "access_needs": "",
        "agrees_with_purpose": True,
    }
    fields.update(overrides)
    return ApplicantDetails(**fields)


def application_form(full_name: str = "Amira Hassan", **overrides: Any) -> dict[str, Any]:
    """The apply page's fields as a browser would send them."""
    email = full_name.lower().replace(" ", ".").replace("'", "") + "@example.org"
    form: dict[str, Any] = {
        "name": full_name,
        "preferred_name": full_name.split()[0],
        "email": email,
        "phone": "0113 496 0000",
        "address": "14 Roundhay Road\nLeeds",
        "postcode": "LS8 2AB",
        "requested_class": "user",
        "contact_methods": ["email"],
        "access_needs": "",
        "agrees_with_purpose": "yes",
    }
    form.update(overrides)
    return form


CARE_COOP = [
    ("Grace Okafor", MemberClass.USER),
    ("Priya Raman", MemberClass.CARER),
    ("Ewan McAllister", MemberClass.PA),
    ("Siobhan Kelly", MemberClass.USER),
    ("Marcus Boateng", MemberClass.PA),
    ("Hannah Lewis", MemberClass.CARER),
]
