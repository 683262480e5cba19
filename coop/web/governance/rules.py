"""The rules: the rules in force with their history, and proposing new rules.

New rules are proposed as a special resolution: the form starts from the rules in
force, and a good answer drafts the ballot that puts them to the members. Once that
ballot is counted and carried, a trustee applies the change from the ballot's page
(see ``ballots_admin.amend_rules``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from coop.domain.errors import CoopError, InvalidInput
from coop.domain.governance.rules import RuleBook
from coop.projections.governance.meetings import meetings_list
from coop.projections.governance.rules import RulesVersion, proposed_rules, rules_versions
from coop.web.auth import SIGNED_IN, allow
from coop.web.forms import Checked
from coop.web.governance.forms import check_ballot
from coop.web.governance.meetings_admin import form_of
from coop.web.governance.rules_form import MOST_CLASSES, check_rules, rules_values, topics_of
from coop.web.governance.rules_words import POLICIES, SPECIAL, rule_changes, rules_in_words
from coop.web.pages import page, see_other
from coop.web.services import services

TRUSTEES = allow("trustee", "secretary")
# What drafting the ballot refuses, by the domain's field name, to the box on the page.
_FIELDS = {"opens_at": "opens-day", "closes_at": "closes-day"}


class Proposal(msgspec.Struct, frozen=True, kw_only=True):
    """A ballot's proposed rules: what they change, and the version they became, if any."""

    changes: list[str]
    compared_with: int | None
    applied: RulesVersion | None


async def proposal(pool: asyncpg.Pool, ballot_id: UUID) -> Proposal | None:
    """What the ballot's proposed rules change, or None if it proposes no rules.

    Before the change is applied it is compared with the rules in force; after, with
    the version it replaced, so the ballot keeps saying what it changed.
    """
    proposed = await proposed_rules(pool, ballot_id)
    if proposed is None:
        return None
    versions = await rules_versions(pool)
    applied = next((v for v in versions if v.ballot_id == ballot_id), None)
    before = [v for v in versions if applied is None or v.version < applied.version]
    base = before[-1] if before else None
    return Proposal(
        changes=rule_changes(base.rules, proposed) if base else [],
        compared_with=base.version if base else None,
        applied=applied,
    )


# The rules in force, and their history -------------------------------------------------


@get("/trustees/rules", opt=TRUSTEES)
async def rules_page(request: Request[Any, Any, Any]) -> Template:
    versions = await rules_versions(services(request.app).pool)
    if not versions:
        return page(request, "governance/rules.html", rules=None)
    in_force = versions[-1]
    return page(
        request,
        "governance/rules.html",
        rules=in_force.rules,
        version=in_force.version,
        words=rules_in_words(in_force.rules),
        history=list(reversed(versions)),
        changes={
            v.version: rule_changes(versions[n - 1].rules, v.rules) if n else []
            for n, v in enumerate(versions)
        },
        done=request.query_params.get("done") == "amended",
    )


class RulesHistory(msgspec.Struct, frozen=True, kw_only=True):
    """The rules in force and every version before them (the first adopted, then amended)."""

    in_force: RulesVersion | None
    versions: list[RulesVersion]


@get(
    "/api/rules",
    opt=allow(SIGNED_IN),
    tags=["coop"],
    summary="The rules in force, and every version of them with the resolution that made it",
)
async def rules_json(request: Request[Any, Any, Any]) -> RulesHistory:
    versions = await rules_versions(services(request.app).pool)
    return RulesHistory(in_force=versions[-1] if versions else None, versions=versions)


# Proposing new rules ---------------------------------------------------------------------


async def _propose_form(
    request: Request[Any, Any, Any],
    in_force: RuleBook,
    checked: Checked,
    *,
    status: int = 200,
) -> Template:
    s = services(request.app)
    rows = checked.values.get("class_rows", "")
    rows_shown = int(rows) if rows.isdigit() else len(in_force.classes) + 1
    return page(
        request,
        "governance/propose_rules.html",
        status=status,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
        class_rows=range(1, min(max(rows_shown, len(in_force.classes)), MOST_CLASSES) + 1),
        topics=topics_of(in_force),
        policies=POLICIES,
        specials=SPECIAL,
        meetings={
            str(m.meeting_id): f"{m.title}, {m.starts_at:%-d %B %Y}"
            for m in await meetings_list(s.pool)
        },
    )


async def _in_force(request: Request[Any, Any, Any]) -> RuleBook | None:
    versions = await rules_versions(services(request.app).pool)
    return versions[-1].rules if versions else None


@get("/trustees/rules/propose", opt=TRUSTEES)
async def propose_form(request: Request[Any, Any, Any]) -> Template:
    in_force = await _in_force(request)
    if in_force is None:
        return page(request, "governance/rules.html", rules=None)
    values = {"title": "Amend the co-op's rules", "secret": "no", **rules_values(in_force)}
    return await _propose_form(request, in_force, Checked(values=values))


# A proposal of new rules is always a special resolution on the rules.
_BALLOT = {"kind": "resolution", "special": "yes", "topic": "rules", "seats": "", "budget": ""}


@post("/trustees/rules/propose", opt=TRUSTEES, status_code=303)
async def propose(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    in_force = await _in_force(request)
    if in_force is None:
        return page(request, "governance/rules.html", rules=None, status=409)
    data = {**await form_of(request), **_BALLOT}
    book, checked = check_rules(data, in_force)
    answer, ballot_checked = check_ballot(
        data,
        s.clock.now(),
        meetings={str(m.meeting_id): m.title for m in await meetings_list(s.pool)},
        most_seats=1,
    )
    checked.values.update(ballot_checked.values)
    checked.errors.update(ballot_checked.errors)
    status = 422
    if book is not None and answer is not None:
        try:
            done = await s.run(
                s.coop.draft_ballot,
                by=request.state.user.account_id,
                proposed_rules=book,
                **answer._asdict(),
            )
        except CoopError as e:
            field = e.field if isinstance(e, InvalidInput) and e.field else "title"
            checked.problem(_FIELDS.get(field, field), str(e))
            status = e.status
        else:
            await s.seen(done.position, "governance", "rules")
            return see_other(f"/trustees/ballots/{done.subject}?done=drafted")
    return await _propose_form(request, in_force, checked, status=status)
