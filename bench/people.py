"""Made-up but realistic applicants, so stored events have their real size and shape."""

from __future__ import annotations

import random

from coop.domain.membership.members import ApplicantDetails, ContactMethod, MemberClass

_FIRST = ("Grace", "Priya", "Ewan", "Siobhan", "Marcus", "Hannah", "Amira", "Tomasz", "Ifeoma")
_LAST = ("Okafor", "Raman", "McAllister", "Kelly", "Boateng", "Lewis", "Hassan", "Nowak", "Evans")
_STREETS = ("Roundhay Road", "Chapeltown Road", "Harehills Lane", "Gledhow Valley Road")
_NEEDS = ("", "", "", "Large print, please.", "Phone, don't write: I use a screen reader.")


def applicant(n: int, rng: random.Random) -> ApplicantDetails:
    """Applicant number ``n``; the e-mail (hence the claim) is unique per ``n``."""
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    methods = rng.sample(list(ContactMethod), rng.randint(1, 3))
    return ApplicantDetails(
        name=f"{first} {last}",
        preferred_name=first,
        email=f"{first}.{last}.{n}@example.org".lower(),
        phone=f"0113 496 {rng.randrange(10_000):04d}",
        address=f"{rng.randint(1, 250)} {rng.choice(_STREETS)}\nLeeds",
        postcode=f"LS{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        requested_class=rng.choice(list(MemberClass)),
        contact_methods=tuple(methods),
        access_needs=rng.choice(_NEEDS),
        agrees_with_purpose=True,
    )
