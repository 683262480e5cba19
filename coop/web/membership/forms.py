"""Checking the trustees' answers about a member: money, dates, choices, references.

Each ``check_*`` returns what the command needs (or None) and the ``Checked``
answers, with a message per field in the GOV.UK error-message style.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from coop.domain.accounts import Role
from coop.domain.membership.member_details import Cessation, MemberClass, Office, ShareSettlement
from coop.projections.membership.members import CLASS_NAMES
from coop.web.forms import Checked, all_answers, choice, one_answer, pounds_as_pence, text

# Roles trustees give to an account; membership roles follow from the member's record.
STAFF_ROLES = (Role.COORDINATOR, Role.TREASURER, Role.AUDITOR)


class ClassChange(NamedTuple):
    member_class: MemberClass
    reference: str


class Property(NamedTuple):
    loans_pence: int
    deposits_pence: int


class Ending(NamedTuple):
    how: Cessation
    on: date
    reference: str


class Settlement(NamedTuple):
    how: ShareSettlement


class OfficeChange(NamedTuple):
    office: Office
    reference: str


def date_answer(c: Checked, data: Mapping[str, Any], *, what: str, today: date) -> date | None:
    """A day, month and year (GOV.UK date input), today or earlier.

    The problem is filed under ``day`` (the first box, which the summary links to);
    ``what`` names the date in messages, like "The date the membership ended".
    """
    parts = {p: one_answer(data, p).strip() for p in ("day", "month", "year")}
    c.values.update(parts)
    empty = [p for p, v in parts.items() if not v]
    if len(empty) == 3:
        c.problem("day", f"Enter {what[0].lower()}{what[1:]}")
        return None
    if empty:
        c.problem("day", f"{what} must include a {' and '.join(empty)}")
        return None
    if not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
        c.problem("day", f"{what} must be a real date, like {today:%-d %-m %Y}")
        return None
    try:
        answer = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        c.problem("day", f"{what} must be a real date, like {today:%-d %-m %Y}")
        return None
    if answer > today:
        c.problem("day", f"{what} must be today or in the past")
        return None
    return answer


def _reference(c: Checked, data: Mapping[str, Any], missing: str | None) -> str:
    return text(c, data, "reference", label="Reference", missing=missing, max_length=120)


def check_class(data: Mapping[str, Any], current: str | None) -> tuple[ClassChange | None, Checked]:
    """A change of class, with the minute that decided it."""
    c = Checked()
    chosen = choice(c, data, "member_class", MemberClass, "Select the member's new class")
    if chosen is not None and chosen == current:
        c.problem("member_class", "Select a different class: the member is already in this one")
    reference = _reference(c, data, "Enter the board minute reference for this change")
    return (ClassChange(chosen, reference) if c.ok else None), c


def check_property(
    data: Mapping[str, Any], loans: int, deposits: int
) -> tuple[Property | None, Checked]:
    """The loans and deposits a member holds in the society, in pounds."""
    c = Checked()
    new_loans = pounds_as_pence(
        c, data, "loans", label="Loans", missing="Enter the member's loans, or 0 if they have none"
    )
    new_deposits = pounds_as_pence(
        c,
        data,
        "deposits",
        label="Deposits",
        missing="Enter the member's deposits, or 0 if they have none",
    )
    if c.ok and (new_loans, new_deposits) == (loans, deposits):
        c.problem("loans", "Nothing has changed: these are the amounts already recorded")
    return (Property(new_loans, new_deposits) if c.ok else None), c


def check_ending(data: Mapping[str, Any], today: date) -> tuple[Ending | None, Checked]:
    """How and when a membership ended; an expulsion needs its special resolution."""
    c = Checked()
    how = choice(c, data, "how", Cessation, "Select how the membership ended")
    on = date_answer(c, data, what="The date the membership ended", today=today)
    missing = None
    if how is Cessation.EXPULSION:
        missing = "Enter the reference of the general meeting's special resolution"
    reference = _reference(c, data, missing)
    c.errors = {k: c.errors[k] for k in ("how", "day", "reference") if k in c.errors}
    if not c.ok or how is None or on is None:
        return None, c
    return Ending(how, on, reference), c


def check_settlement(data: Mapping[str, Any]) -> tuple[Settlement | None, Checked]:
    """Whether a former member's share is repaid or cancelled."""
    c = Checked()
    how = choice(c, data, "how", ShareSettlement, "Select whether the share is repaid or cancelled")
    return (Settlement(how) if c.ok else None), c


def check_office(
    data: Mapping[str, Any], offices: tuple[Office, ...], *, missing: str
) -> tuple[OfficeChange | None, Checked]:
    """An office among ``offices``, and the minute that records the change."""
    c = Checked()
    office = choice(c, data, "office", Office, missing)
    if office is not None and office not in offices:
        c.problem("office", missing)
    reference = _reference(c, data, "Enter the board or general meeting minute reference")
    return (OfficeChange(office, reference) if c.ok else None), c


def check_erasure(data: Mapping[str, Any]) -> Checked:
    """The trustee's confirmation that this person's personal data is to be erased."""
    c = Checked()
    c.values["confirm"] = one_answer(data, "confirm")
    if c.values["confirm"] != "yes":
        c.problem("confirm", "Select 'Yes, erase their personal data' to confirm")
    return c


def check_roles(data: Mapping[str, Any]) -> tuple[tuple[Role, ...] | None, Checked]:
    """The staff roles ticked for an account (none is an answer too)."""
    c = Checked()
    given = all_answers(data, "roles")
    c.values["roles"] = given
    allowed = {str(r): r for r in STAFF_ROLES}
    if any(g not in allowed for g in given):
        c.problem("roles", "Select the roles from the list")
        return None, c
    chosen = tuple(allowed[g] for g in dict.fromkeys(given))
    # The treasurer's duty is a coordinator's: coop refuses the one without the other.
    if Role.TREASURER in chosen and Role.COORDINATOR not in chosen:
        c.problem("roles", "Select coordinator too: the treasurer's duty is a coordinator's")
        return None, c
    return chosen, c


def search_terms(query: Mapping[str, Any]) -> tuple[str, str]:
    """The members list's search text and status filter (unknown filters show everyone)."""
    search = " ".join(one_answer(query, "q").split())[:100]
    status = one_answer(query, "status")
    return search, status if status in ("current", "ceased", "refused") else ""


def class_asked(query: Mapping[str, Any]) -> str:
    """The members list's class filter: user, carer or pa ('' shows every class)."""
    asked = one_answer(query, "class")
    return asked if asked in CLASS_NAMES else ""
