"""Every route × every kind of person: allowed, refused (403), or sent to sign in."""

from __future__ import annotations

from typing import Any, NamedTuple
from uuid import uuid4

import httpx
import pytest
from litestar import Litestar, get
from litestar.routes import HTTPRoute

from coop.application import Coop
from coop.domain.accounts import Role
from coop.domain.membership.member_details import Cessation, MemberClass, Office
from coop.projections.accounts.queries import account_by_email
from coop.web.accounts.passwords import hash_password
from coop.web.auth import NotAllowed, access_guard
from coop.web.problems import handle_not_allowed
from tests.conftest import TODAY
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD, csrf, sign_in

ANYONE, SIGNED_IN, TRUSTEE = "anyone", "signed-in", "trustee"
OFFICE = "office"  # coordinators, trustees and the secretary
MEMBER = "member"  # current members of any class (former members are only SIGNED_IN)
READER = "reader"  # current members and the trustees: general meetings and the rules
USER, CARER, USER_OR_CARER = "user", "carer", "user-or-carer"  # member classes
USER_OR_PA = "user-or-pa"  # those with a calendar feed of their care
RECORD = "record"  # members, trustees and auditors: the governance record
REGISTERS = "registers"  # the trustees keep the registers; the auditor reads them
PA = "pa"  # PA members (the care pages for PAs)
COORDINATOR = "coordinator"  # the office's coordinators (the care pages for the office)
TREASURER, PA = "treasurer", "pa"  # the treasurer's duty; PAs (their own pay only)
BOOKKEEPER = "bookkeeper"  # the treasurer and the trustees
MONEY_READER = "money-reader"  # members, the treasurer and the trustees
PAY_READER = "pay-reader"  # PAs (their own), the treasurer and the trustees
IN_CARE = "in-care"  # users, carers, PAs and coordinators (which visit: decided per visit)
BOOKING = "booking"  # users, carers and coordinators
PA_OR_COORDINATOR = "pa-or-coordinator"

# Who may use each route. A new route must be added here, or the first test fails.
MATRIX: dict[tuple[str, str], str] = {
    ("GET", "/"): ANYONE,
    ("GET", "/help"): ANYONE,
    ("GET", "/easy-read"): ANYONE,
    ("GET", "/trustees"): TRUSTEE,
    ("GET", "/office"): OFFICE,
    ("GET", "/meetings"): READER,
    ("GET", "/meetings/{meeting_id:uuid}"): READER,
    ("GET", "/rules"): READER,
    ("GET", "/rules/easy-read"): READER,
    ("GET", "/accessibility"): ANYONE,
    ("GET", "/apply"): ANYONE,
    ("POST", "/apply"): ANYONE,
    ("GET", "/apply/received/{reference:str}"): ANYONE,
    ("GET", "/sign-in"): ANYONE,
    ("POST", "/sign-in"): ANYONE,
    ("POST", "/sign-out"): SIGNED_IN,
    ("GET", "/password-reset"): ANYONE,
    ("POST", "/password-reset"): ANYONE,
    ("GET", "/password-reset/{token:str}"): ANYONE,
    ("POST", "/password-reset/{token:str}"): ANYONE,
    ("GET", "/invitations/{token:str}"): ANYONE,
    ("POST", "/invitations/{token:str}"): ANYONE,
    ("POST", "/trustees/members/{member_id:uuid}/invite"): TRUSTEE,
    ("GET", "/office/outbox"): OFFICE,
    ("GET", "/office/outbox/{mail_id:int}"): OFFICE,
    ("GET", "/office/notices"): OFFICE,
    ("GET", "/office/notices/{subject_id:uuid}"): OFFICE,
    ("GET", "/office/notices/{subject_id:uuid}/letters/{batch_id:int}"): OFFICE,
    ("GET", "/office/notices/{subject_id:uuid}/letters/{batch_id:int}/pdf"): OFFICE,
    ("POST", "/office/notices/{subject_id:uuid}/letters/{batch_id:int}/posted"): OFFICE,
    ("GET", "/trustees/applications"): TRUSTEE,
    ("POST", "/trustees/applications/{member_id:uuid}/admit"): TRUSTEE,
    ("GET", "/trustees/applications/{member_id:uuid}/refuse"): TRUSTEE,
    ("POST", "/trustees/applications/{member_id:uuid}/refuse"): TRUSTEE,
    ("GET", "/trustees/members"): TRUSTEE,
    ("GET", "/trustees/members/{member_id:uuid}"): TRUSTEE,
    ("GET", "/trustees/members/{member_id:uuid}/class"): TRUSTEE,
    ("POST", "/trustees/members/{member_id:uuid}/class"): TRUSTEE,
    ("GET", "/trustees/members/{member_id:uuid}/property"): TRUSTEE,
    ("POST", "/trustees/members/{member_id:uuid}/property"): TRUSTEE,
    ("GET", "/trustees/members/{member_id:uuid}/end"): TRUSTEE,
    ("POST", "/trustees/members/{member_id:uuid}/end"): TRUSTEE,
    ("GET", "/trustees/members/{member_id:uuid}/share"): TRUSTEE,
    ("POST", "/trustees/members/{member_id:uuid}/share"): TRUSTEE,
    ("GET", "/trustees/members/{member_id:uuid}/office"): TRUSTEE,
    ("POST", "/trustees/members/{member_id:uuid}/office"): TRUSTEE,
    ("GET", "/trustees/members/{member_id:uuid}/stand-down"): TRUSTEE,
    ("POST", "/trustees/members/{member_id:uuid}/stand-down"): TRUSTEE,
    ("GET", "/trustees/members/{member_id:uuid}/erase"): TRUSTEE,
    ("POST", "/trustees/members/{member_id:uuid}/erase"): TRUSTEE,
    ("GET", "/trustees/accounts/{account_id:uuid}/roles"): TRUSTEE,
    ("POST", "/trustees/accounts/{account_id:uuid}/roles"): TRUSTEE,
    ("GET", "/trustees/import"): TRUSTEE,
    ("POST", "/trustees/import"): TRUSTEE,
    ("GET", "/register"): REGISTERS,
    ("GET", "/register.csv"): REGISTERS,
    ("POST", "/register.pdf"): REGISTERS,
    ("GET", "/trustees-register"): REGISTERS,
    ("GET", "/trustees-register.csv"): REGISTERS,
    ("POST", "/trustees-register.pdf"): REGISTERS,
    # Documents made in the background: each job only for its kind's readers (404 here)
    ("GET", "/renders/{job_id:uuid}"): SIGNED_IN,
    ("GET", "/renders/{job_id:uuid}/file"): SIGNED_IN,
    ("GET", "/record"): RECORD,
    ("GET", "/record.csv"): RECORD,
    ("GET", "/api/record"): RECORD,
    ("GET", "/record/proofs/{position:int}/{checkpoint_id:int}"): RECORD,
    ("GET", "/reports/agm"): REGISTERS,
    ("GET", "/reports/agm/{year:int}/{fmt:str}"): REGISTERS,
    ("POST", "/reports/agm/{year:int}/sign"): TRUSTEE,
    ("POST", "/reports/agm/{year:int}/{fmt:str}"): REGISTERS,
    ("GET", "/my"): SIGNED_IN,
    ("GET", "/my/details"): MEMBER,
    ("POST", "/my/details"): MEMBER,
    ("GET", "/my/share"): MEMBER,
    ("GET", "/my/data"): SIGNED_IN,
    ("GET", "/my/data.json"): SIGNED_IN,
    ("GET", "/my/leave"): MEMBER,
    ("POST", "/my/leave"): MEMBER,
    ("GET", "/my/leave/done"): SIGNED_IN,
    ("GET", "/my/carers"): USER_OR_CARER,
    ("POST", "/my/carers/ask"): CARER,
    ("POST", "/my/carers/ask-again/{user_id:uuid}"): CARER,
    ("POST", "/my/carers/{carer_id:uuid}/consent"): USER,
    ("POST", "/my/carers/{carer_id:uuid}/decline"): USER,
    ("POST", "/my/carers/{carer_id:uuid}/withdraw"): USER,
    ("GET", "/ballots"): SIGNED_IN,
    ("GET", "/ballots/{ballot_id:uuid}"): SIGNED_IN,
    ("GET", "/ballots/{ballot_id:uuid}/easy-read"): SIGNED_IN,
    ("GET", "/ballots/{ballot_id:uuid}/turnout"): SIGNED_IN,
    ("POST", "/ballots/{ballot_id:uuid}/vote"): MEMBER,
    ("GET", "/ballots/{ballot_id:uuid}/voted"): MEMBER,
    ("GET", "/ballots/{ballot_id:uuid}/results"): SIGNED_IN,
    ("GET", "/ballots/{ballot_id:uuid}/results.blt"): SIGNED_IN,
    ("GET", "/ballots/{ballot_id:uuid}/results.pb"): SIGNED_IN,
    ("GET", "/ballots/{ballot_id:uuid}/receipts"): ANYONE,
    ("GET", "/trustees/rules"): TRUSTEE,
    ("GET", "/trustees/rules/propose"): TRUSTEE,
    ("POST", "/trustees/rules/propose"): TRUSTEE,
    ("POST", "/trustees/ballots/{ballot_id:uuid}/amend-rules"): TRUSTEE,
    ("GET", "/api/rules"): SIGNED_IN,
    ("GET", "/trustees/meetings"): TRUSTEE,
    ("GET", "/trustees/meetings/new"): TRUSTEE,
    ("POST", "/trustees/meetings/new"): TRUSTEE,
    ("GET", "/trustees/meetings/{meeting_id:uuid}"): TRUSTEE,
    ("POST", "/trustees/meetings/{meeting_id:uuid}/attendance"): TRUSTEE,
    ("POST", "/trustees/meetings/{meeting_id:uuid}/minutes"): TRUSTEE,
    ("POST", "/trustees/meetings/{meeting_id:uuid}/resolutions"): TRUSTEE,
    ("GET", "/trustees/ballots"): TRUSTEE,
    ("GET", "/trustees/ballots/new"): TRUSTEE,
    ("POST", "/trustees/ballots/new"): TRUSTEE,
    ("GET", "/trustees/ballots/{ballot_id:uuid}"): TRUSTEE,
    ("POST", "/trustees/ballots/{ballot_id:uuid}/candidates"): TRUSTEE,
    ("POST", "/trustees/ballots/{ballot_id:uuid}/options"): TRUSTEE,
    ("POST", "/trustees/ballots/{ballot_id:uuid}/options/remove"): TRUSTEE,
    ("POST", "/trustees/ballots/{ballot_id:uuid}/open"): TRUSTEE,
    ("POST", "/trustees/ballots/{ballot_id:uuid}/close"): TRUSTEE,
    ("POST", "/trustees/ballots/{ballot_id:uuid}/remind"): TRUSTEE,
    ("POST", "/trustees/ballots/{ballot_id:uuid}/proposals/invite"): TRUSTEE,
    ("POST", "/trustees/ballots/{ballot_id:uuid}/proposals/{proposal_id:uuid}/list"): TRUSTEE,
    ("POST", "/trustees/ballots/{ballot_id:uuid}/proposals/{proposal_id:uuid}/decline"): TRUSTEE,
    ("GET", "/ballots/{ballot_id:uuid}/proposals"): SIGNED_IN,
    ("GET", "/ballots/{ballot_id:uuid}/propose"): MEMBER,
    ("POST", "/ballots/{ballot_id:uuid}/propose"): MEMBER,
    ("POST", "/ballots/{ballot_id:uuid}/proposals/{proposal_id:uuid}/withdraw"): MEMBER,
    ("GET", "/ballots/{ballot_id:uuid}/declare"): MEMBER,
    ("POST", "/ballots/{ballot_id:uuid}/declare"): MEMBER,
    ("GET", "/my/advocate"): MEMBER,
    ("POST", "/my/advocate"): MEMBER,
    ("POST", "/my/advocate/end"): MEMBER,
    ("GET", "/ballots/{ballot_id:uuid}/vote-for/{member_id:uuid}"): MEMBER,
    ("POST", "/ballots/{ballot_id:uuid}/vote-for/{member_id:uuid}"): MEMBER,
    ("POST", "/api/tokens"): ANYONE,
    ("DELETE", "/api/tokens/current"): SIGNED_IN,
    ("POST", "/api/applications"): ANYONE,
    ("GET", "/api/applications"): TRUSTEE,
    ("GET", "/api/applications/{member_id:uuid}"): TRUSTEE,
    ("POST", "/api/applications/{member_id:uuid}/admit"): TRUSTEE,
    ("POST", "/api/applications/{member_id:uuid}/refuse"): TRUSTEE,
    ("GET", "/api/ballots/{ballot_id:uuid}/results"): SIGNED_IN,
    ("GET", "/api/ballots/{ballot_id:uuid}/proposals"): SIGNED_IN,
    ("POST", "/api/ballots/{ballot_id:uuid}/proposals"): MEMBER,
    ("GET", "/api/register"): TRUSTEE,
    ("GET", "/api/trustees-register"): TRUSTEE,
    ("GET", "/api/schema"): ANYONE,
    ("GET", "/api/schema/{path:str}"): ANYONE,
    ("GET", "/api/schema/openapi.json"): ANYONE,
    ("GET", "/static/{file_path:path}"): ANYONE,
    ("GET", "/care/book"): USER_OR_CARER,
    ("GET", "/care/book/easy-read"): USER_OR_CARER,
    ("POST", "/care/book"): USER_OR_CARER,
    ("GET", "/care/visits"): USER_OR_CARER,
    ("GET", "/care/visits/easy-read"): USER_OR_CARER,
    ("GET", "/care/visits/{visit_id:uuid}"): USER_OR_CARER,
    ("GET", "/care/visits/{visit_id:uuid}/change"): USER_OR_CARER,
    ("POST", "/care/visits/{visit_id:uuid}/change"): USER_OR_CARER,
    ("GET", "/care/visits/{visit_id:uuid}/cancel"): USER_OR_CARER,
    ("POST", "/care/visits/{visit_id:uuid}/cancel"): USER_OR_CARER,
    ("GET", "/care/visits/{visit_id:uuid}/notes"): USER_OR_CARER,
    ("GET", "/care/notes-read"): USER_OR_CARER,
    ("GET", "/care/plan"): USER_OR_CARER,
    ("GET", "/care/plan/change"): USER_OR_CARER,
    ("POST", "/care/plan/change"): USER_OR_CARER,
    ("GET", "/calendar/{token:str}"): ANYONE,
    ("GET", "/care/calendar"): USER_OR_PA,
    ("POST", "/care/calendar/renew"): USER_OR_PA,
    ("POST", "/care/calendar/revoke"): USER_OR_PA,
    ("GET", "/audit/checkpoints"): ANYONE,
    ("GET", "/audit/checkpoints/{checkpoint_id:int}"): ANYONE,
    ("GET", "/audit/public-key.txt"): ANYONE,
    # Reports: care, for the office and the board
    ("GET", "/reports/care"): OFFICE,
    ("GET", "/reports/care/download/{table:str}"): OFFICE,
    ("GET", "/reports/care/notes-read"): OFFICE,
    ("GET", "/reports/care/notes-read.csv"): OFFICE,
    # Care: the PAs' pages
    ("GET", "/pa/rota"): PA,
    ("GET", "/pa/requests"): PA,
    ("POST", "/pa/requests/{visit_id:uuid}/accept"): PA,
    ("POST", "/pa/requests/{visit_id:uuid}/decline"): PA,
    ("GET", "/pa/availability"): PA,
    ("POST", "/pa/availability/pattern"): PA,
    ("POST", "/pa/availability/exceptions"): PA,
    ("POST", "/pa/availability/exceptions/{exception_id:uuid}/withdraw"): PA,
    ("GET", "/pa/visits/{visit_id:uuid}"): PA,
    ("POST", "/pa/visits/{visit_id:uuid}/check-in"): PA,
    ("POST", "/pa/visits/{visit_id:uuid}/check-out"): PA,
    ("POST", "/pa/visits/{visit_id:uuid}/notes"): PA,
    # Care: the coordinators' pages
    ("GET", "/office/care/day"): COORDINATOR,
    ("GET", "/office/care/book"): COORDINATOR,
    ("POST", "/office/care/book"): COORDINATOR,
    ("GET", "/office/care/visits/{visit_id:uuid}"): COORDINATOR,
    ("POST", "/office/care/visits/{visit_id:uuid}/offer"): COORDINATOR,
    ("POST", "/office/care/visits/{visit_id:uuid}/confirm"): COORDINATOR,
    ("POST", "/office/care/visits/{visit_id:uuid}/reassign"): COORDINATOR,
    ("GET", "/office/care/fill"): COORDINATOR,
    ("POST", "/office/care/fill"): COORDINATOR,
    ("GET", "/office/care/pas"): COORDINATOR,
    ("GET", "/office/care/pas/{pa_id:uuid}/skills"): COORDINATOR,
    ("POST", "/office/care/pas/{pa_id:uuid}/skills"): COORDINATOR,
    ("GET", "/finance"): BOOKKEEPER,
    ("GET", "/finance/periods/new"): TRUSTEE,
    ("POST", "/finance/periods/new"): TRUSTEE,
    ("GET", "/finance/periods/{period_id:uuid}"): BOOKKEEPER,
    ("GET", "/finance/periods/{period_id:uuid}/journal.csv"): BOOKKEEPER,
    ("GET", "/finance/periods/{period_id:uuid}/journal.beancount"): BOOKKEEPER,
    ("GET", "/finance/periods/{period_id:uuid}/close"): TRUSTEE,
    ("POST", "/finance/periods/{period_id:uuid}/close"): TRUSTEE,
    ("GET", "/finance/periods/{period_id:uuid}/declare"): TRUSTEE,
    ("POST", "/finance/periods/{period_id:uuid}/declare"): TRUSTEE,
    ("GET", "/finance/periods/{period_id:uuid}/ledger"): BOOKKEEPER,
    ("GET", "/finance/periods/{period_id:uuid}/ledger/new"): TREASURER,
    ("POST", "/finance/periods/{period_id:uuid}/ledger/new"): TREASURER,
    ("GET", "/finance/periods/{period_id:uuid}/ledger/{entry_id:uuid}/reverse"): TREASURER,
    ("POST", "/finance/periods/{period_id:uuid}/ledger/{entry_id:uuid}/reverse"): TREASURER,
    ("GET", "/finance/periods/{period_id:uuid}/late-fix"): TREASURER,
    ("GET", "/finance/commitments"): BOOKKEEPER,
    ("GET", "/finance/commitments/{commitment_id:uuid}/spend"): TREASURER,
    ("POST", "/finance/commitments/{commitment_id:uuid}/spend"): TREASURER,
    ("POST", "/finance/periods/{period_id:uuid}/late-fix"): TREASURER,
    ("GET", "/finance/rates"): MONEY_READER,
    ("GET", "/finance/rates/new"): TRUSTEE,
    ("POST", "/finance/rates/new"): TRUSTEE,
    ("GET", "/finance/surplus"): MONEY_READER,
    ("GET", "/finance/surplus/{period_id:uuid}"): MONEY_READER,
    ("GET", "/finance/surplus/{period_id:uuid}/easy-read"): MONEY_READER,
    ("GET", "/finance/pay/{pa_id:uuid}"): PAY_READER,
    ("GET", "/my/pay"): PA,
    ("GET", "/api/finance/rates"): MONEY_READER,
    ("POST", "/api/finance/rates"): TRUSTEE,
    ("GET", "/api/finance/periods"): BOOKKEEPER,
    ("POST", "/api/finance/periods"): TRUSTEE,
    ("GET", "/api/finance/periods/{period_id:uuid}"): BOOKKEEPER,
    ("POST", "/api/finance/periods/{period_id:uuid}/close"): TRUSTEE,
    ("POST", "/api/finance/periods/{period_id:uuid}/declare"): TRUSTEE,
    ("GET", "/api/finance/periods/{period_id:uuid}/summary"): MONEY_READER,
    ("GET", "/api/finance/periods/{period_id:uuid}/journal.csv"): BOOKKEEPER,
    ("GET", "/api/finance/periods/{period_id:uuid}/journal.beancount"): BOOKKEEPER,
    ("GET", "/api/finance/surplus"): MONEY_READER,
    ("GET", "/api/finance/periods/{period_id:uuid}/surplus"): MONEY_READER,
    ("GET", "/api/finance/periods/{period_id:uuid}/ledger"): BOOKKEEPER,
    ("POST", "/api/finance/periods/{period_id:uuid}/ledger"): TREASURER,
    ("POST", "/api/finance/periods/{period_id:uuid}/ledger/{entry_id:uuid}/reverse"): TREASURER,
    ("POST", "/api/finance/periods/{period_id:uuid}/late-fix"): TREASURER,
    ("GET", "/api/finance/commitments"): BOOKKEEPER,
    ("POST", "/api/finance/commitments/{commitment_id:uuid}/spend"): TREASURER,
    ("GET", "/api/finance/pay/{pa_id:uuid}"): PAY_READER,
    ("GET", "/api/finance/pay"): PA,
    ("POST", "/api/care/visits"): BOOKING,
    ("GET", "/api/care/visits/{visit_id:uuid}"): IN_CARE,
    ("POST", "/api/care/visits/{visit_id:uuid}/offer"): COORDINATOR,
    ("POST", "/api/care/visits/{visit_id:uuid}/accept"): PA,
    ("POST", "/api/care/visits/{visit_id:uuid}/decline"): PA,
    ("POST", "/api/care/visits/{visit_id:uuid}/confirm"): COORDINATOR,
    ("POST", "/api/care/visits/{visit_id:uuid}/reassign"): COORDINATOR,
    ("POST", "/api/care/visits/{visit_id:uuid}/reschedule"): BOOKING,
    ("POST", "/api/care/visits/{visit_id:uuid}/cancel"): BOOKING,
    ("POST", "/api/care/visits/{visit_id:uuid}/check-in"): PA_OR_COORDINATOR,
    ("POST", "/api/care/visits/{visit_id:uuid}/check-out"): PA_OR_COORDINATOR,
    ("POST", "/api/care/visits/{visit_id:uuid}/complete"): PA_OR_COORDINATOR,
    ("POST", "/api/care/visits/{visit_id:uuid}/notes"): PA_OR_COORDINATOR,
    ("GET", "/api/care/visits/{visit_id:uuid}/notes"): IN_CARE,
    ("GET", "/api/care/visits/{visit_id:uuid}/candidates"): COORDINATOR,
    ("GET", "/api/care/pas/{pa_id:uuid}/availability"): PA_OR_COORDINATOR,
    ("PUT", "/api/care/pas/{pa_id:uuid}/availability"): PA_OR_COORDINATOR,
    ("POST", "/api/care/pas/{pa_id:uuid}/exceptions"): PA_OR_COORDINATOR,
    ("DELETE", "/api/care/pas/{pa_id:uuid}/exceptions/{exception_id:uuid}"): PA_OR_COORDINATOR,
    ("PUT", "/api/care/pas/{pa_id:uuid}/skills"): COORDINATOR,
    ("GET", "/api/care/pas/{pa_id:uuid}/week"): PA_OR_COORDINATOR,
    ("PUT", "/api/care/users/{user_id:uuid}/plan"): BOOKING,
    ("GET", "/api/care/users/{user_id:uuid}/visits"): BOOKING,
    ("GET", "/api/care/users/{user_id:uuid}/notes-reads"): BOOKING,
    ("GET", "/api/care/day-board"): COORDINATOR,
}


def app_routes(app: Litestar) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for method in route.methods - {"HEAD", "OPTIONS"}:
                found.add((method, route.path))
    return found


async def test_every_route_is_in_the_matrix(client) -> None:
    assert app_routes(client.app) == set(MATRIX)


# The people who try every route, by the roles their account gives them. "member" is
# a user-class member; "signed-in" has no roles at all, like a former member.
class Person(NamedTuple):
    """A kind of person, made the way real ones are: roles follow from membership."""

    member_class: MemberClass | None = None
    offices: tuple[Office, ...] = ()
    account_roles: tuple[Role, ...] = ()
    former: bool = False
    roles: frozenset[str] = frozenset()  # what coop should make of them


PEOPLE: dict[str, Person] = {
    "user": Person(MemberClass.USER, roles=frozenset({"member", "user"})),
    "carer": Person(MemberClass.CARER, roles=frozenset({"member", "carer"})),
    "pa": Person(MemberClass.PA, roles=frozenset({"member", "pa"})),
    "coordinator": Person(account_roles=(Role.COORDINATOR,), roles=frozenset({"coordinator"})),
    "treasurer": Person(
        account_roles=(Role.COORDINATOR, Role.TREASURER),
        roles=frozenset({"coordinator", "treasurer"}),
    ),
    "trustee": Person(
        MemberClass.USER, (Office.TRUSTEE,), roles=frozenset({"member", "user", "trustee"})
    ),
    "secretary": Person(
        MemberClass.PA,
        (Office.TRUSTEE, Office.SECRETARY),
        roles=frozenset({"member", "pa", "trustee", "secretary"}),
    ),
    # `coop accounts add-trustee`: a trustee's account opened before the members are in coop.
    "founding-trustee": Person(account_roles=(Role.TRUSTEE,), roles=frozenset({"trustee"})),
    "former-member": Person(MemberClass.USER, former=True),
    "auditor": Person(account_roles=(Role.AUDITOR,), roles=frozenset({"auditor"})),
}
# The roles each rule lets in.
LETS_IN: dict[str, set[str]] = {
    TRUSTEE: {"trustee", "secretary"},
    OFFICE: {"coordinator", "trustee", "secretary"},
    MEMBER: {"member"},
    READER: {"member", "trustee", "secretary"},
    USER: {"user"},
    CARER: {"carer"},
    USER_OR_CARER: {"user", "carer"},
    USER_OR_PA: {"user", "pa"},
    RECORD: {"member", "trustee", "secretary", "auditor"},
    REGISTERS: {"trustee", "secretary", "auditor"},
    PA: {"pa"},
    COORDINATOR: {"coordinator"},
    TREASURER: {"treasurer"},
    BOOKKEEPER: {"treasurer", "trustee", "secretary"},
    MONEY_READER: {"member", "treasurer", "trustee", "secretary"},
    PAY_READER: {"pa", "treasurer", "trustee", "secretary"},
    IN_CARE: {"user", "carer", "pa", "coordinator"},
    BOOKING: {"user", "carer", "coordinator"},
    PA_OR_COORDINATOR: {"pa", "coordinator"},
}


async def _as(client: httpx.AsyncClient, who: str, coop: Coop) -> dict[str, str]:
    """Sign ``client`` in as ``who``; return the API headers for that person."""
    if who == "anonymous":
        return {}
    person, email, by = PEOPLE[who], f"{who}@example.org", uuid4()
    member_id = None
    if person.member_class is not None:
        applied = details("Tom Whitfield", email=email, requested_class=person.member_class)
        member_id = coop.apply_for_membership(applied).subject
        coop.admit(member_id, by=by, minute_reference="BM-1")
        for office in person.offices:
            coop.take_office(member_id, office, by=by, reference="AGM 2026")
    done = coop.open_account(
        name="Tom Whitfield",
        email=email,
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=person.account_roles,
        member_id=member_id,
    )
    if person.former and member_id is not None:
        done = coop.cease(member_id, Cessation.WITHDRAWAL, on=TODAY, by=by)
    await client.app.state["services"].seen(done.position, "accounts", "members")
    assert (await sign_in(client, email)).status_code == 303
    me = await account_by_email(client.app.state["services"].pool, email)
    assert me is not None and set(me.roles) == person.roles, me  # roles follow membership
    token = await client.post("/api/tokens", json={"email": email, "password": TRUSTEE_PASSWORD})
    return {"Authorization": f"Bearer {token.json()['token']}"}


def _refused_by_rule(response: httpx.Response) -> bool:
    """A 403 from the route's rule, not a per-resource refusal (e.g. another user's visits)."""
    if response.status_code != 403:
        return False
    generic = "Your account does not have permission to do this."
    if not response.request.url.path.startswith("/api/"):
        return generic in response.text
    return bool(response.json()["title"] == generic)


def _expected(rule: str, who: str) -> str:
    if rule == ANYONE:
        return "allowed"
    if who == "anonymous":
        return "sign-in"
    if rule == SIGNED_IN or PEOPLE[who].roles & LETS_IN[rule]:
        return "allowed"
    return "refused"


@pytest.mark.parametrize("who", ["anonymous", *PEOPLE])
async def test_each_route_allows_refuses_or_asks_to_sign_in(client, coop: Coop, who: str) -> None:
    member_id = coop.apply_for_membership(details("Amira Hassan")).subject
    headers = await _as(client, who, coop)
    token = await csrf(client)
    # A pay statement is asked for as one's own (another PA's is refused: tests/web/finance).
    pool = client.app.state["services"].pool
    account = None if who == "anonymous" else await account_by_email(pool, f"{who}@example.org")
    me = None if account is None else account.member_id
    for (method, template), rule in sorted(MATRIX.items()):
        if (method, template) in {
            ("POST", "/sign-out"),
            ("POST", "/sign-in"),
            ("DELETE", "/api/tokens/current"),
        }:
            continue  # would change who is signed in mid-test; covered in test_signing_in
        path = (
            template.replace("{member_id:uuid}", str(member_id))
            .replace("{file_path:path}", "coop.css")
            .replace("{path:str}", "openapi.json")
            .replace("{token:str}", "no-such-token")
            .replace("{reference:str}", "no-such-reference")
            .replace("{mail_id:int}", "1")
            .replace("{account_id:uuid}", str(member_id))
            .replace("{carer_id:uuid}", str(member_id))
            .replace("{user_id:uuid}", str(member_id))
            .replace("{ballot_id:uuid}", str(member_id))
            .replace("{meeting_id:uuid}", str(member_id))
            .replace("{proposal_id:uuid}", str(member_id))
            .replace("{visit_id:uuid}", str(member_id))
            .replace("{subject_id:uuid}", str(member_id))
            .replace("{batch_id:int}", "1")
            .replace("{checkpoint_id:int}", "1")
            .replace("{position:int}", "1")
            .replace("{year:int}", "2026")
            .replace("{fmt:str}", "pdf")
            .replace("{exception_id:uuid}", str(member_id))
            .replace("{period_id:uuid}", str(member_id))
            .replace("{entry_id:uuid}", str(member_id))
            .replace("{commitment_id:uuid}", str(member_id))
            .replace("{pa_id:uuid}", str(me or member_id))
            .replace("{job_id:uuid}", str(member_id))
        )
        api = path.startswith("/api/")
        kwargs: dict[str, Any] = {"headers": headers} if api else {}
        if method == "POST":
            kwargs.update({"json": {}} if api else {"data": {"_csrf_token": token}})
        if method == "PUT":
            kwargs["json"] = {}
        response = await client.request(method, path, **kwargs)
        expected = _expected(rule, who)
        if expected == "sign-in":
            if api:
                assert response.status_code == 401, (method, path, response.status_code)
            else:
                assert response.status_code == 303, (method, path)
                assert response.headers["location"].startswith("/sign-in"), (method, path)
        elif expected == "refused":
            assert response.status_code == 403, (method, path, response.status_code)
        else:
            # Let in by the route's rule; the API may still refuse this one resource.
            assert response.status_code != 401, (method, path)
            assert not _refused_by_rule(response), (method, path, response.status_code)
            assert not response.headers.get("location", "").startswith("/sign-in"), (method, path)


async def test_a_handler_that_declares_no_rule_is_refused_to_everyone() -> None:
    @get("/api/forgotten")
    async def forgotten() -> str:
        return "secret"

    app = Litestar(
        [forgotten], guards=[access_guard], exception_handlers={NotAllowed: handle_not_allowed}
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        response = await c.get("/api/forgotten")
    assert response.status_code == 403 and "secret" not in response.text
