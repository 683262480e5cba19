"""Reading one spreadsheet cell: text, numbers, dates, money and choices.

Each reader takes the cell as written (never blank: blanks are the caller's
business) and returns the value, or raises ``Bad`` with a message a trustee
can act on without knowing anything about coop. The limits match the apply
form's (coop/web/forms.py), so an imported member could have applied as is.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from coop.domain import misleading_text
from coop.domain.membership.member_details import (
    Cessation,
    ContactMethod,
    MemberClass,
    ShareSettlement,
)


class Bad(ValueError):
    """The cell cannot be used; the message says why and what to do."""


# The apply form's limits and shapes (coop/web/forms.py).
NAME_MAX, PREFERRED_MAX, EMAIL_MAX, PHONE_MAX = 200, 100, 254, 30
ADDRESS_MAX, POSTCODE_MAX, ACCESS_NEEDS_MAX = 500, 10, 2000
OTHER_MAX = 60  # numbers, dates, money and choices: anything longer is not one
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,24}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")

_CONTROL_NAMES = {
    "\t": "a tab",
    "\n": "a line break",
    "\x0b": "a vertical tab",
    "\x0c": "a page break",
}


def text(raw: str, *, max_length: int, multiline: bool = False) -> str:
    """Words as people write them: trimmed, composed (NFC), no hidden characters."""
    value = unicodedata.normalize("NFC", raw).strip()
    if multiline:
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        value = "\n".join(line.strip() for line in lines if line.strip())
    for c in value:
        if unicodedata.category(c) == "Cc" and not (multiline and c == "\n"):
            what = _CONTROL_NAMES.get(c, f"the control character U+{ord(c):04X}")
            raise Bad(f"This cell contains {what}: retype it without one")
    if hidden := misleading_text.refusal("This cell", value):
        raise Bad(hidden)
    if _MARKUP.search(value):
        raise Bad("This cell contains what looks like an HTML tag (text between < and >)")
    if len(value) > max_length:
        raise Bad(f"This must be {max_length:,} characters or fewer; it is {len(value):,}")
    return value


def _short(raw: str) -> str:
    return text(raw, max_length=OTHER_MAX)


def whole_number(raw: str) -> int:
    """A membership number: a positive whole number."""
    value = _short(raw)
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise Bad(f"Enter the membership number as a whole number, like 42, not {value!r}")
    number = int(value)
    if number == 0:
        raise Bad("Membership numbers start at 1; 0 is not one")
    return number


def email_address(raw: str) -> str:
    value = text(raw, max_length=EMAIL_MAX).lower()
    if not _EMAIL.match(value):
        raise Bad(f"{value!r} is not an email address: it should look like name@example.com")
    return value


def phone_number(raw: str) -> str:
    value = text(raw, max_length=PHONE_MAX)
    if not _PHONE.match(value):
        raise Bad(f"{value!r} is not a phone number: it should look like 0113 496 0000")
    return value


def postcode(raw: str) -> str:
    """A UK postcode, in capitals with one space before the last three characters."""
    squeezed = "".join(text(raw, max_length=POSTCODE_MAX).upper().split())
    value = f"{squeezed[:-3]} {squeezed[-3:]}"
    if not _POSTCODE.match(value):
        raise Bad(f"{raw.strip()!r} is not a UK postcode: it should look like LS8 2AB")
    return value


def _key(raw: str) -> str:
    return " ".join(_short(raw).lower().replace("_", " ").replace("-", " ").split())


_CLASSES = {
    "user": MemberClass.USER,
    "service user": MemberClass.USER,
    "carer": MemberClass.CARER,
    "unpaid carer": MemberClass.CARER,
    "pa": MemberClass.PA,
    "p.a.": MemberClass.PA,
    "personal assistant": MemberClass.PA,
}


def member_class(raw: str) -> MemberClass:
    found = _CLASSES.get(_key(raw))
    if found is None:
        raise Bad(f"{raw.strip()!r} is not a member class: use user, carer or PA")
    return found


_METHODS = {
    "email": ContactMethod.EMAIL,
    "e mail": ContactMethod.EMAIL,
    "phone": ContactMethod.PHONE,
    "telephone": ContactMethod.PHONE,
    "letter": ContactMethod.LETTER,
    "post": ContactMethod.LETTER,
    "easy read": ContactMethod.EASY_READ,
    "large print": ContactMethod.LARGE_PRINT,
    "bsl": ContactMethod.BSL,
    "bsl interpreter": ContactMethod.BSL,
}


def contact_methods(raw: str) -> tuple[ContactMethod, ...]:
    """Ways to contact the member, separated by semicolons (or commas)."""
    chosen: list[ContactMethod] = []
    for part in re.split(r"[;,]", text(raw, max_length=OTHER_MAX * 2)):
        if not part.strip():
            continue
        method = _METHODS.get(_key(part))
        if method is None:
            raise Bad(
                f"{part.strip()!r} is not a way coop can contact people: use email, phone,"
                " letter, Easy Read, large print or BSL, separated by semicolons"
            )
        if method not in chosen:
            chosen.append(method)
    if not chosen:
        raise Bad("Give at least one way to contact the member, like email or letter")
    return tuple(chosen)


_CESSATIONS = {
    "withdrawal": Cessation.WITHDRAWAL,
    "withdrew": Cessation.WITHDRAWAL,
    "withdrawn": Cessation.WITHDRAWAL,
    "death": Cessation.DEATH,
    "died": Cessation.DEATH,
    "deceased": Cessation.DEATH,
    "expulsion": Cessation.EXPULSION,
    "expelled": Cessation.EXPULSION,
    "cessation": Cessation.CESSATION,
    "ceased": Cessation.CESSATION,
}


def cessation(raw: str) -> Cessation:
    found = _CESSATIONS.get(_key(raw))
    if found is None:
        raise Bad(
            f"{raw.strip()!r} is not a way membership ends: use withdrawal, death,"
            " expulsion or cessation"
        )
    return found


_SETTLEMENTS = {
    "repaid": ShareSettlement.REPAID,
    "cancelled": ShareSettlement.CANCELLED,
    "canceled": ShareSettlement.CANCELLED,
}


def settlement(raw: str) -> ShareSettlement:
    found = _SETTLEMENTS.get(_key(raw))
    if found is None:
        raise Bad(f"{raw.strip()!r} is not what happened to the share: use repaid or cancelled")
    return found


_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_UK = re.compile(r"([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{2}|[0-9]{4})")


def a_date(raw: str, *, today: date) -> date:
    """A date written the ISO way (2024-03-05) or the UK way, day first (05/03/2024)."""
    value = _short(raw)
    if m := _ISO.fullmatch(value):
        year, month, day = (int(g) for g in m.groups())
    elif m := _UK.fullmatch(value):
        if len(m.group(3)) == 2:
            raise Bad(f"Write the year in full in {value}, like 05/03/2024")
        day, month, year = (int(g) for g in m.groups())
    else:
        raise Bad(f"Enter the date like 05/03/2024 (day/month/year) or 2024-03-05, not {value!r}")
    try:
        found = date(year, month, day)
    except ValueError:
        raise Bad(f"{value} is not a real date") from None
    if found > today:
        raise Bad(f"{value} is in the future (today is {today:%-d %B %Y})")
    if found.year < 1900:
        raise Bad(f"{value} is too long ago: check the year")
    return found


_POUNDS = re.compile(r"£?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{1,2}))?")
_PENCE = re.compile(r"([0-9]{1,3})p")


def pence(raw: str) -> int:
    """An amount of money, like £1, 1.00, 0.50 or 50p, in pence."""
    value = "".join(_short(raw).split()).lower()
    if value.startswith(("-", "£-", "(")):
        raise Bad(f"{raw.strip()} is negative: amounts can't be less than £0.00")
    if m := _PENCE.fullmatch(value):
        return int(m.group(1))
    m = _POUNDS.fullmatch(value)
    if m is None or len(m.group(1)) > 12:
        raise Bad(f"Enter an amount in pounds and pence, like 1.00 or £0.50, not {raw.strip()!r}")
    whole, fraction = m.group(1).replace(",", ""), (m.group(2) or "0").ljust(2, "0")
    return int(whole) * 100 + int(fraction)


def share_payment(raw: str) -> int:
    """What was paid for the member's £1 share."""
    paid = pence(raw)
    if paid > 100:
        raise Bad(f"{raw.strip()} is more than the share is worth: enter £0.00 to £1.00")
    return paid
