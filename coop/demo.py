"""A realistic demo co-op: members across users, carers and PAs, applicants, a trustee."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.accounts import Role
from coop.domain.claims import Claim, claim_id
from coop.domain.membership import ApplicantDetails, ContactMethod, MemberClass
from coop.web.passwords import hash_password

TRUSTEE_EMAIL = "grace.okafor@example.org"

# (name, class, town, contact methods, access needs)
PEOPLE: list[tuple[str, MemberClass, str, tuple[ContactMethod, ...], str]] = [
    (
        "Grace Okafor",
        MemberClass.USER,
        "Leeds",
        (ContactMethod.EMAIL,),
        "I use a wheelchair; step-free venues please",
    ),
    (
        "Tom Whitfield",
        MemberClass.USER,
        "Leeds",
        (ContactMethod.EMAIL, ContactMethod.LARGE_PRINT),
        "Large print, 18pt",
    ),
    ("Priya Raman", MemberClass.CARER, "Bradford", (ContactMethod.PHONE,), ""),
    ("Ewan McAllister", MemberClass.PA, "Leeds", (ContactMethod.EMAIL,), ""),
    (
        "Siobhan Kelly",
        MemberClass.USER,
        "Wakefield",
        (ContactMethod.EASY_READ, ContactMethod.LETTER),
        "Easy Read documents",
    ),
    ("Marcus Boateng", MemberClass.PA, "Leeds", (ContactMethod.EMAIL, ContactMethod.PHONE), ""),
    ("Hannah Lewis", MemberClass.CARER, "Harrogate", (ContactMethod.EMAIL,), ""),
    (
        "Daniel Novak",
        MemberClass.USER,
        "Leeds",
        (ContactMethod.BSL, ContactMethod.EMAIL),
        "BSL interpreter at meetings",
    ),
    ("Aisha Begum", MemberClass.PA, "Bradford", (ContactMethod.PHONE,), ""),
    (
        "Robert Clarke",
        MemberClass.USER,
        "Otley",
        (ContactMethod.LETTER,),
        "Please phone before visiting",
    ),
    ("Fatima Zahra", MemberClass.CARER, "Leeds", (ContactMethod.EMAIL,), ""),
    ("Callum Fraser", MemberClass.PA, "Wakefield", (ContactMethod.EMAIL,), ""),
    (
        "Margaret Holt",
        MemberClass.USER,
        "Ilkley",
        (ContactMethod.PHONE, ContactMethod.LARGE_PRINT),
        "Large print",
    ),
    ("Joseph Adeyemi", MemberClass.PA, "Leeds", (ContactMethod.EMAIL,), ""),
    ("Chloe Bennett", MemberClass.CARER, "Pudsey", (ContactMethod.EMAIL, ContactMethod.PHONE), ""),
    (
        "Imran Hussain",
        MemberClass.USER,
        "Bradford",
        (ContactMethod.EASY_READ,),
        "Easy Read, and extra time to decide",
    ),
    ("Laura Jenkins", MemberClass.PA, "Leeds", (ContactMethod.EMAIL,), ""),
    ("Peter Walsh", MemberClass.USER, "Leeds", (ContactMethod.EMAIL,), "Screen reader user"),
    ("Nadia Kowalski", MemberClass.PA, "Castleford", (ContactMethod.PHONE,), ""),
    ("Samuel Green", MemberClass.CARER, "Leeds", (ContactMethod.EMAIL,), ""),
    ("Ruth Ogunleye", MemberClass.USER, "Morley", (ContactMethod.PHONE, ContactMethod.LETTER), ""),
    ("Kieran Doyle", MemberClass.PA, "Leeds", (ContactMethod.EMAIL,), ""),
    ("Elaine Firth", MemberClass.CARER, "Keighley", (ContactMethod.LETTER,), "Large print letters"),
    ("Yusuf Ali", MemberClass.USER, "Leeds", (ContactMethod.EMAIL,), "Quiet room at meetings"),
    ("Bethany Shaw", MemberClass.PA, "Horsforth", (ContactMethod.EMAIL,), ""),
    ("Graham Pickles", MemberClass.USER, "Leeds", (ContactMethod.PHONE,), "Hearing loop"),
    ("Olivia Turner", MemberClass.PA, "Leeds", (ContactMethod.EMAIL, ContactMethod.PHONE), ""),
    ("Mohammed Iqbal", MemberClass.CARER, "Bradford", (ContactMethod.PHONE,), ""),
    ("Zoe Marsden", MemberClass.PA, "Leeds", (ContactMethod.EMAIL,), ""),
    (
        "Arthur Needham",
        MemberClass.USER,
        "Pontefract",
        (ContactMethod.LETTER, ContactMethod.LARGE_PRINT),
        "Large print",
    ),
]
APPLICANTS: list[tuple[str, MemberClass, str, tuple[ContactMethod, ...], str]] = [
    ("Jade Thornton", MemberClass.PA, "Leeds", (ContactMethod.EMAIL,), ""),
    (
        "Victor Mensah",
        MemberClass.USER,
        "Bradford",
        (ContactMethod.EASY_READ, ContactMethod.PHONE),
        "Easy Read",
    ),
    ("Sarah Lindqvist", MemberClass.CARER, "Leeds", (ContactMethod.EMAIL,), ""),
    ("Owen Pritchard", MemberClass.PA, "Wakefield", (ContactMethod.PHONE,), ""),
]
REFUSED = ("Brian Staples", MemberClass.PA, "Leeds", (ContactMethod.EMAIL,), "")
STREETS = [
    "Roundhay Road",
    "Kirkstall Lane",
    "Otley Road",
    "Harehills Avenue",
    "Chapel Street",
    "Station Road",
]
POSTCODES = {
    "Leeds": "LS8 2AB",
    "Bradford": "BD3 9QL",
    "Wakefield": "WF1 3HT",
    "Harrogate": "HG1 2RP",
    "Otley": "LS21 3AA",
    "Ilkley": "LS29 9DZ",
    "Pudsey": "LS28 7BE",
    "Castleford": "WF10 1DD",
    "Morley": "LS27 9BA",
    "Keighley": "BD21 3RU",
    "Horsforth": "LS18 5PL",
    "Pontefract": "WF8 1AD",
}


def _details(
    i: int, person: tuple[str, MemberClass, str, tuple[ContactMethod, ...], str]
) -> ApplicantDetails:
    name, member_class, town, methods, needs = person
    email = name.lower().replace(" ", ".").replace("'", "") + "@example.org"
    return ApplicantDetails(
        name=name,
        preferred_name=name.split()[0],
        email=email,
        phone=f"0113 496 {i:04d}",
        address=f"{10 + i * 3} {STREETS[i % len(STREETS)]}\n{town}",
        postcode=POSTCODES[town],
        requested_class=member_class,
        contact_methods=methods,
        access_needs=needs,
        agrees_with_purpose=True,
    )


def demo_exists(coop: Coop) -> bool:
    return claim_id(coop.secret_key, "account-email", TRUSTEE_EMAIL) in coop.repository


def build_demo(coop: Coop, now: datetime | None = None) -> str:
    """Create the demo co-op (or, if it exists, a new trustee password); returns the password."""
    password = secrets.token_urlsafe(12)
    if demo_exists(coop):
        claim: Claim = coop.repository.get(
            claim_id(coop.secret_key, "account-email", TRUSTEE_EMAIL)
        )
        coop.change_password(claim.claimant, hash_password(password))
        return password
    real_clock = coop.clock
    start = (now or datetime.now(UTC)) - timedelta(days=400)
    clock = FixedClock(start)
    coop.clock = clock
    try:
        trustee = None
        for i, person in enumerate(PEOPLE):
            clock.set(start + timedelta(days=i * 12))
            applied = coop.apply_for_membership(_details(i, person))
            if trustee is None:  # the founding trustee, elected at the first general meeting
                trustee = coop.open_account(
                    name=person[0],
                    email=TRUSTEE_EMAIL,
                    password_hash=hash_password(password),
                    roles=(Role.MEMBER, Role.USER, Role.TRUSTEE),
                    member_id=applied.subject,
                ).subject
            clock.advance(timedelta(days=9))
            coop.admit(
                applied.subject,
                by=trustee,
                minute_reference=f"B{clock.now():%Y-%m} item {i % 5 + 2}",
            )
        assert trustee is not None
        clock.set(start + timedelta(days=380))
        refused = coop.apply_for_membership(_details(len(PEOPLE), REFUSED))
        clock.advance(timedelta(days=6))
        coop.refuse(
            refused.subject,
            by=trustee,
            minute_reference=f"B{clock.now():%Y-%m} item 3",
            reason="You told us you do not work as a PA for any of our members. You can apply again if you start.",
        )
        for j, person in enumerate(APPLICANTS):
            clock.set(start + timedelta(days=390 + j * 2))
            coop.apply_for_membership(_details(len(PEOPLE) + 1 + j, person))
    finally:
        coop.clock = real_clock
    return password
