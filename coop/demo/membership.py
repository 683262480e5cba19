"""A realistic demo co-op with two years of history.

The co-op moved its old membership spreadsheet into coop two years ago (some
of those members had long since left; one who died in 2014 has since been
erased), then admitted members month by month: users, carers and PAs, a few
refused, a PA who became a carer, carers linked to the users they support,
members who left, trustees elected and standing down.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from coop.application import Coop
from coop.clock import FixedClock
from coop.demo.governance import adopt_rules, build_governance, open_surplus_ballot
from coop.domain.claims import Claim, claim_id
from coop.domain.membership.details import (
    Cessation,
    ContactDetails,
    Office,
    ShareSettlement,
)
from coop.domain.membership.members import (
    ApplicantDetails,
    ContactMethod,
    MemberClass,
    imported_member_id,
)
from coop.domain.membership.old_records import OldRecord
from coop.web.accounts.passwords import hash_password

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


# Members in the old spreadsheet: (index into PEOPLE or a former member, date entered).
OLD_RECORDS = [
    (0, date(2012, 6, 14)),
    (2, date(2012, 6, 14)),
    (3, date(2013, 1, 9)),
    (7, date(2015, 3, 2)),
    (4, date(2018, 10, 22)),
    (1, date(2021, 4, 30)),
]
FORMER = [
    # (name, class, town, date entered, date ceased, how)
    (
        "Dorothy Marsh",
        MemberClass.USER,
        "Otley",
        date(2012, 6, 14),
        date(2014, 2, 3),
        Cessation.DEATH,
    ),
    (
        "Kevin Ashworth",
        MemberClass.PA,
        "Leeds",
        date(2016, 5, 5),
        date(2019, 8, 31),
        Cessation.WITHDRAWAL,
    ),
]
FOUNDING_MEETING = "Founding general meeting, 14 June 2012"


def demo_exists(coop: Coop) -> bool:
    return claim_id(coop.secret_key, "account-email", TRUSTEE_EMAIL) in coop.repository


def _contact(d: ApplicantDetails) -> ContactDetails:
    return d.contact()


def _old_records() -> list[OldRecord]:
    records = []
    for n, (i, entered) in enumerate(OLD_RECORDS, start=1):
        d = _details(i, PEOPLE[i])
        records.append(
            OldRecord(
                line=n + 1,
                number=n,
                member_class=d.requested_class,
                details=_contact(d),
                entered_on=entered,
            )
        )
    for k, (name, cls, town, entered, ceased, how) in enumerate(FORMER):
        n = len(records) + 1
        d = _details(60 + k, (name, cls, town, (ContactMethod.LETTER,), ""))
        records.append(
            OldRecord(
                line=n + 1,
                number=n,
                member_class=cls,
                details=_contact(d),
                entered_on=entered,
                ceased_on=ceased,
                how_ceased=how,
                share_settled=ShareSettlement.CANCELLED,
            )
        )
    return records


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
    start = (now or datetime.now(UTC)) - timedelta(days=730)
    clock = FixedClock(start)
    coop.clock = clock
    try:
        _history(coop, clock, start, password)
    finally:
        coop.clock = real_clock
    return password


def _history(coop: Coop, clock: FixedClock, start: datetime, password: str) -> None:
    def on_day(day: int) -> None:
        clock.set(start + timedelta(days=day))

    def minute(item: int) -> str:
        return f"Board meeting {clock.now():%B %Y}, item {item}"

    # Day 0: the old spreadsheet comes in; its founding members become trustees.
    founders = UUID("5eed0000-0000-4000-8000-000000000001")  # the founding meeting, not a person
    coop.import_members(_old_records(), source="membership-spreadsheet-2024.csv", by=founders)
    ids = {i: imported_member_id(n) for n, (i, _) in enumerate(OLD_RECORDS, start=1)}
    grace = ids[0]
    trustee = coop.open_account(
        name=PEOPLE[0][0],
        email=TRUSTEE_EMAIL,
        password_hash=hash_password(password),
        roles=(),
        member_id=grace,
    ).subject
    adopt_rules(coop, trustee)
    for i, offices in (
        (0, [Office.TRUSTEE]),
        (2, [Office.TRUSTEE, Office.SECRETARY]),
        (3, [Office.TRUSTEE]),
        (7, [Office.TRUSTEE]),
    ):
        for office in offices:
            coop.take_office(ids[i], office, by=trustee, reference="AGM 2023, election of trustees")

    # Month by month, the rest of PEOPLE apply and are admitted.
    joining = [i for i in range(len(PEOPLE)) if i not in ids]
    for k, i in enumerate(joining):
        on_day(10 + k * 27)
        applied = coop.apply_for_membership(_details(i, PEOPLE[i]))
        on_day(10 + k * 27 + 9)
        coop.admit(applied.subject, by=trustee, minute_reference=minute(k % 4 + 2))
        ids[i] = applied.subject

    by_name = {PEOPLE[i][0]: member_id for i, member_id in ids.items()}
    on_day(120)
    coop.refuse(
        coop.apply_for_membership(_details(len(PEOPLE), REFUSED)).subject,
        by=trustee,
        minute_reference=minute(3),
        reason="You told us you do not work as a PA for any of our members. You can apply again if you start.",
    )
    # Carers linked to the users they support, with the users' consent.
    on_day(300)
    for carer, user in (
        ("Priya Raman", "Siobhan Kelly"),
        ("Hannah Lewis", "Margaret Holt"),
        ("Chloe Bennett", "Robert Clarke"),
        ("Fatima Zahra", "Imran Hussain"),
    ):
        if carer in by_name and user in by_name:
            coop.ask_to_link_carer(by_name[carer], by_name[user], by=by_name[carer])
    for carer, user in (
        ("Priya Raman", "Siobhan Kelly"),
        ("Hannah Lewis", "Margaret Holt"),
        ("Chloe Bennett", "Robert Clarke"),
    ):
        if carer in by_name and user in by_name:
            coop.consent_to_carer(by_name[user], by_name[carer], by=by_name[user])

    # Last year's AGM ballots: PA holiday pay, and the trustee election.
    build_governance(coop, clock, on_day, trustee, by_name)

    # The first AGM in coop: one trustee stands down, another member is elected.
    on_day(365)
    coop.leave_office(ids[7], Office.TRUSTEE, by=trustee, reference="AGM 2025: did not stand again")
    coop.take_office(
        by_name["Marcus Boateng"],
        Office.TRUSTEE,
        by=trustee,
        reference="AGM 2025, election of trustees",
    )
    coop.record_property(by_name["Tom Whitfield"], loans_pence=50_000, deposits_pence=0, by=trustee)

    on_day(430)
    if "Chloe Bennett" in by_name:  # Robert now has a PA he chose himself
        coop.withdraw_carer_consent(
            by_name["Robert Clarke"], by_name["Chloe Bennett"], by=by_name["Robert Clarke"]
        )

    # Changes of life: a PA becomes a carer; members move, leave, die.
    on_day(500)
    coop.change_class(
        by_name["Callum Fraser"],
        MemberClass.CARER,
        by=trustee,
        reference=minute(4) + ": stopped working as a PA, now cares for his mother",
    )
    moved = _details(0, PEOPLE[9])
    coop.update_details(
        by_name["Robert Clarke"],
        ContactDetails(
            **{
                **{f: getattr(moved.contact(), f) for f in ContactDetails.__struct_fields__},
                "address": "2 Bridge Street\nOtley",
            }
        ),
        by=trustee,
    )
    on_day(560)
    coop.cease(
        by_name["Nadia Kowalski"],
        Cessation.CESSATION,
        on=clock.now().date(),
        by=trustee,
        reference=minute(5) + ": no longer works for the co-op (rule 12)",
    )
    coop.settle_share(by_name["Nadia Kowalski"], ShareSettlement.CANCELLED, by=trustee)
    on_day(610)
    coop.cease(
        by_name["Kieran Doyle"],
        Cessation.WITHDRAWAL,
        on=clock.now().date(),
        by=trustee,
        reference="Letter of notice, received " + f"{clock.now():%-d %B %Y}",
    )
    coop.settle_share(by_name["Kieran Doyle"], ShareSettlement.REPAID, by=trustee)
    on_day(700)
    coop.cease(
        by_name["Arthur Needham"],
        Cessation.DEATH,
        on=clock.now().date() - timedelta(days=3),
        by=trustee,
        reference="Notified by his daughter",
    )
    coop.settle_share(by_name["Arthur Needham"], ShareSettlement.REPAID, by=trustee)

    # Dorothy Marsh died in 2014: past the retention period, her personal data is erased.
    on_day(705)
    coop.erase(imported_member_id(len(OLD_RECORDS) + 1), by=trustee, retention_years=10)

    # Applications still waiting for the trustees.
    for j, person in enumerate(APPLICANTS):
        on_day(715 + j * 3)
        coop.apply_for_membership(_details(len(PEOPLE) + 1 + j, person))

    # This year's surplus ballot, open now.
    on_day(730)
    open_surplus_ballot(coop, clock, trustee, by_name)
