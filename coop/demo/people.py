"""The demo co-op's people: members, applicants, one refused, two from long ago.

Made up, but with the variety of a real care co-op's members: users, carers and
PAs across West Yorkshire, with the ways they asked to be contacted and the
access needs they told the co-op about.
"""

from __future__ import annotations

from datetime import date

from coop.domain.membership.member_details import Cessation, ShareSettlement
from coop.domain.membership.members import ApplicantDetails, ContactMethod, MemberClass
from coop.domain.membership.old_records import OldRecord

Person = tuple[str, MemberClass, str, tuple[ContactMethod, ...], str]

# (name, class, town, contact methods, access needs)
PEOPLE: list[Person] = [
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
APPLICANTS: list[Person] = [
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


def details(i: int, person: Person) -> ApplicantDetails:
    """The ``i``-th person's application: a unique e-mail, phone and address."""
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


def old_records() -> list[OldRecord]:
    """The old spreadsheet: founding members still here, and two who left long ago."""
    records = []
    for n, (i, entered) in enumerate(OLD_RECORDS, start=1):
        d = details(i, PEOPLE[i])
        records.append(
            OldRecord(
                line=n + 1,
                number=n,
                member_class=d.requested_class,
                details=d.contact(),
                entered_on=entered,
            )
        )
    for k, (name, cls, town, entered, ceased, how) in enumerate(FORMER):
        n = len(records) + 1
        d = details(60 + k, (name, cls, town, (ContactMethod.LETTER,), ""))
        records.append(
            OldRecord(
                line=n + 1,
                number=n,
                member_class=cls,
                details=d.contact(),
                entered_on=entered,
                ceased_on=ceased,
                how_ceased=how,
                share_settled=ShareSettlement.CANCELLED,
            )
        )
    return records
