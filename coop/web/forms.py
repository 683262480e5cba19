"""Reading and checking what people send, with messages they can act on.

The same checks serve the pages and the JSON API. Each check names the field
and says what to do, in the GOV.UK error-message style ("Enter your full name").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coop.domain import misleading_text
from coop.domain.membership.members import (
    ApplicantDetails,
    ContactDetails,
    ContactMethod,
    MemberClass,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,24}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")


# The most any one amount on a form may be: more is a typing mistake.
MAX_PENCE = 1_000_000 * 100
_MONEY = re.compile(r"^(?P<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{1,2}))?$")


@dataclass
class Checked:
    """Cleaned values and the problems found, field by field, in page order."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def problem(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> list[tuple[str, str]]:
        """(field id, message) pairs for the error summary."""
        return list(self.errors.items())


def one_answer(data: Mapping[str, Any], name: str) -> str:
    """The answer given for ``name`` (the first, if the form sent several), as text."""
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else str(value)


def all_answers(data: Mapping[str, Any], name: str) -> list[str]:
    """Every answer given for ``name`` (boxes ticked, options chosen), as text."""
    value = data.get(name, [])
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


# The old private names, still imported by coop/web/governance (another engineer's


def text(
    checked: Checked,
    data: Mapping[str, Any],
    name: str,
    *,
    label: str,
    missing: str | None,
    max_length: int,
    multiline: bool = False,
) -> str:
    """A text answer: trimmed; required if ``missing`` says how to ask for it."""
    value = unicodedata.normalize("NFC", one_answer(data, name)).strip()
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    allowed = {"\n"} if multiline else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        checked.problem(name, f"{label} must not contain control characters")
    elif hidden := misleading_text.refusal(label, value):
        checked.problem(name, hidden)
    elif _MARKUP.search(value):
        checked.problem(name, f"{label} must not contain HTML tags (text between < and >)")
    elif not value and missing:
        checked.problem(name, missing)
    elif len(value) > max_length:
        checked.problem(name, f"{label} must be {max_length} characters or fewer")
    checked.values[name] = value
    return value


def choice(
    checked: Checked, data: Mapping[str, Any], name: str, options: type[Any], missing: str
) -> Any:
    value = one_answer(data, name).strip()
    try:
        chosen = options(value)
    except ValueError:
        checked.problem(name, missing)
        chosen = None
    checked.values[name] = value
    return chosen


def _contact_answers(c: Checked, data: Mapping[str, Any]) -> dict[str, Any]:
    """Name, contact details and preferences, checked as on the apply form."""
    name = text(c, data, "name", label="Full name", missing="Enter your full name", max_length=200)
    preferred = text(
        c,
        data,
        "preferred_name",
        label="The name you like to be called",
        missing=None,
        max_length=100,
    )
    email = text(c, data, "email", label="Email address", missing=None, max_length=254).lower()
    if email and "email" not in c.errors and not _EMAIL.match(email):
        c.problem("email", "Enter an email address in the correct format, like name@example.com")
    phone = text(c, data, "phone", label="Phone number", missing=None, max_length=30)
    if phone and "phone" not in c.errors and not _PHONE.match(phone):
        c.problem("phone", "Enter a phone number, like 0113 496 0000 or +44 7700 900 982")
    if not email and not phone and "email" not in c.errors and "phone" not in c.errors:
        c.problem("email", "Enter an email address or a phone number, so we can contact you")
    address = text(
        c,
        data,
        "address",
        label="Postal address",
        missing="Enter your postal address",
        max_length=500,
        multiline=True,
    )
    postcode = text(
        c, data, "postcode", label="Postcode", missing="Enter your postcode", max_length=10
    )
    postcode = " ".join(postcode.upper().split())
    if postcode and "postcode" not in c.errors and not _POSTCODE.match(postcode):
        c.problem("postcode", "Enter a real postcode, like LS1 4AP")
    methods: list[ContactMethod] = []
    for raw in all_answers(data, "contact_methods"):
        try:
            method = ContactMethod(raw)
        except ValueError:
            c.problem(
                "contact_methods", "Select how you would like us to contact you from the list"
            )
            continue
        if method not in methods:
            methods.append(method)
    c.values["contact_methods"] = [str(m) for m in methods]
    if not methods:
        c.problem("contact_methods", "Select at least one way we can contact you")
    elif ContactMethod.EMAIL in methods and not email:
        c.problem("email", "Enter your email address, or choose another way for us to contact you")
    elif ContactMethod.PHONE in methods and not phone:
        c.problem("phone", "Enter your phone number, or choose another way for us to contact you")
    access = text(
        c,
        data,
        "access_needs",
        label="Accessibility needs",
        missing=None,
        max_length=2000,
        multiline=True,
    )
    return {
        "name": name,
        "preferred_name": preferred or (name.split()[0] if name else ""),
        "email": email,
        "phone": phone,
        "address": address,
        "postcode": postcode,
        "contact_methods": tuple(methods),
        "access_needs": access,
    }


def check_application(data: Mapping[str, Any]) -> tuple[ApplicantDetails | None, Checked]:
    """An application to join, checked; the details if there was no problem."""
    c = Checked()
    answers = _contact_answers(c, data)
    requested = choice(
        c,
        data,
        "requested_class",
        MemberClass,
        "Select whether you use care, are a carer, or are a personal assistant",
    )
    agrees = one_answer(data, "agrees_with_purpose").lower() in {"yes", "true", "on"}
    c.values["agrees_with_purpose"] = agrees
    if not agrees:
        c.problem("agrees_with_purpose", "Confirm that you agree with the co-op's purpose to join")
    c.errors = {k: c.errors[k] for k in _APPLICATION_ORDER if k in c.errors}
    if not c.ok:
        return None, c
    return (
        ApplicantDetails(**answers, requested_class=requested, agrees_with_purpose=True),
        c,
    )


def check_contact_details(data: Mapping[str, Any]) -> tuple[ContactDetails | None, Checked]:
    """A member's new contact details and preferences, checked as on the apply form."""
    c = Checked()
    answers = _contact_answers(c, data)
    c.errors = {k: c.errors[k] for k in _APPLICATION_ORDER if k in c.errors}
    if not c.ok:
        return None, c
    return ContactDetails(**answers), c


_APPLICATION_ORDER = (
    "name",
    "preferred_name",
    "email",
    "phone",
    "address",
    "postcode",
    "contact_methods",
    "requested_class",
    "access_needs",
    "agrees_with_purpose",
)


def _minute_reference(c: Checked, data: Mapping[str, Any]) -> None:
    text(
        c,
        data,
        "minute_reference",
        label="Board minute reference",
        missing="Enter the board minute reference for this decision",
        max_length=60,
    )


def check_admission(data: Mapping[str, Any]) -> Checked:
    """A trustee's admission: the board minute that records it."""
    c = Checked()
    _minute_reference(c, data)
    return c


def check_refusal(data: Mapping[str, Any]) -> Checked:
    """A trustee's refusal: the reason the applicant is given, and the minute."""
    c = Checked()
    text(
        c,
        data,
        "reason",
        label="Reason",
        missing="Enter the reason the application is refused",
        max_length=1000,
        multiline=True,
    )
    _minute_reference(c, data)
    return c


def check_sign_in(data: Mapping[str, Any]) -> Checked:
    c = Checked()
    email = text(
        c, data, "email", label="Email address", missing="Enter your email address", max_length=254
    )
    c.values["email"] = email.lower()
    password = one_answer(data, "password")
    if not password:
        c.problem("password", "Enter your password")
    elif len(password) > 256:
        c.problem("password", "Your password must be 256 characters or fewer")
    c.values["password"] = password
    return c


def check_new_account(data: Mapping[str, Any]) -> Checked:
    """A new account's name and e-mail address."""
    c = Checked()
    text(c, data, "name", label="Full name", missing="Enter the person's full name", max_length=200)
    email = text(
        c, data, "email", label="Email address", missing="Enter their email address", max_length=254
    )
    if email and "email" not in c.errors and not _EMAIL.match(email):
        c.problem("email", "Enter an email address in the correct format, like name@example.com")
    c.values["email"] = email.lower()
    return c


def check_membership_number(data: Mapping[str, Any]) -> Checked:
    """A membership number typed in (e.g. the user a carer supports)."""
    c = Checked()
    number = text(
        c,
        data,
        "number",
        label="Membership number",
        missing="Enter the membership number of the person you support",
        max_length=12,
    )
    number = number.replace(" ", "")
    if "number" not in c.errors and not (number.isascii() and number.isdigit()):
        c.problem("number", "Enter the membership number in figures, like 57")
    c.values["number"] = number
    return c


def pounds_as_pence(
    c: Checked, data: Mapping[str, Any], name: str, *, label: str, missing: str
) -> int:
    """An amount in pounds, like 250 or 1,250.50, as pence (0 when there is a problem)."""
    raw = one_answer(data, name).strip()
    c.values[name] = raw
    value = raw.removeprefix("£").strip()
    found = _MONEY.match(value)
    if not raw:
        c.problem(name, missing)
    elif value.startswith("-"):
        c.problem(name, f"{label} must be £0 or more")
    elif found is None:
        c.problem(name, f"{label} must be an amount of money in pounds, like 250 or 250.50")
    else:
        pence = int(found["pounds"].replace(",", "")) * 100 + int(
            (found["pence"] or "0").ljust(2, "0")
        )
        if pence > MAX_PENCE:
            c.problem(name, f"{label} must be £1,000,000 or less")
        else:
            return pence
    return 0
