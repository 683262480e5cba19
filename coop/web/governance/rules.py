"""The rules: the rules in force with their history, and proposing new rules.

New rules are proposed as a special resolution: the form starts from the rules in
force, and a good answer drafts the ballot that puts them to the members. Once that
ballot is counted and carried, a trustee applies the change from the ballot's page
(see ``ballots_admin.amend_rules``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.response import Redirect, Template

from coop.domain.governance.rules import RuleBook
from coop.projections.governance.meetings import meetings_list
from coop.projections.governance.rules import RulesVersion, rules_versions
from coop.web.commands import carry_out, field_on_page
from coop.web.forms import Checked
from coop.web.governance.forms import check_ballot
from coop.web.governance.lookups import meetings_to_choose
from coop.web.governance.rules_form import MOST_CLASSES, check_rules, rules_values, topics_of
from coop.web.governance.rules_words import POLICIES, SPECIAL, rule_changes, rules_in_words
from coop.web.pages import form_page, page, posted_form
from coop.web.services import services

# What drafting the ballot refuses, by the domain's field name, to the box on the page.
_FIELDS = {"opens_at": "opens-day", "closes_at": "closes-day"}


# The rules in force, and their history -------------------------------------------------


@get("/trustees/rules")
async def rules_page(request: Request[Any, Any, Any]) -> Template:
    return await rules_in_force_page(request, "governance/rules.html")


async def rules_in_force_page(
    request: Request[Any, Any, Any], template: str, **context: Any
) -> Template:
    """The rules in force in plain words, and every version before them with what it changed."""
    versions = await rules_versions(services(request.app).pool)
    if not versions:
        return page(request, template, rules=None, **context)
    in_force = versions[-1]
    return page(
        request,
        template,
        rules=in_force.rules,
        version=in_force.version,
        words=rules_in_words(in_force.rules),
        history=list(reversed(versions)),
        changes={
            v.version: rule_changes(versions[n - 1].rules, v.rules) if n else []
            for n, v in enumerate(versions)
        },
        done=request.query_params.get("done") == "amended",
        **context,
    )


class RulesHistory(msgspec.Struct, frozen=True, kw_only=True):
    """The rules in force and every version before them (the first adopted, then amended)."""

    in_force: RulesVersion | None
    versions: list[RulesVersion]


@get(
    "/api/rules",
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
    return form_page(
        request,
        "governance/propose_rules.html",
        checked,
        status=status,
        class_rows=range(1, min(max(rows_shown, len(in_force.classes)), MOST_CLASSES) + 1),
        topics=topics_of(in_force),
        policies=POLICIES,
        specials=SPECIAL,
        meetings=await meetings_to_choose(s.pool),
    )


async def _in_force(request: Request[Any, Any, Any]) -> RuleBook | None:
    versions = await rules_versions(services(request.app).pool)
    return versions[-1].rules if versions else None


@get("/trustees/rules/propose")
async def propose_form(request: Request[Any, Any, Any]) -> Template:
    in_force = await _in_force(request)
    if in_force is None:
        return page(request, "governance/rules.html", rules=None)
    values = {"title": "Amend the co-op's rules", "secret": "no", **rules_values(in_force)}
    return await _propose_form(request, in_force, Checked(values=values))


# A proposal of new rules is always a special resolution on the rules.
_BALLOT = {"kind": "resolution", "special": "yes", "topic": "rules", "seats": "", "budget": ""}


@post("/trustees/rules/propose", status_code=303)
async def propose(request: Request[Any, Any, Any]) -> Template | Redirect:
    s = services(request.app)
    in_force = await _in_force(request)
    if in_force is None:
        return page(request, "governance/rules.html", rules=None, status=409)
    data = {**await posted_form(request), **_BALLOT}
    book, checked = check_rules(data, in_force)
    answer, ballot_checked = check_ballot(
        data,
        s.clock.now(),
        meetings={str(m.meeting_id): m.title for m in await meetings_list(s.pool)},
        most_seats=1,
    )
    checked.values.update(ballot_checked.values)
    checked.errors.update(ballot_checked.errors)
    command = None
    if book is not None and answer is not None:
        by = request.state.user.account_id
        command = partial(
            s.coop.draft_ballot,
            by=by,
            **msgspec.structs.asdict(msgspec.structs.replace(answer, proposed_rules=book)),
        )

    async def again(checked: Checked, status: int) -> Template:
        return await _propose_form(request, in_force, checked, status=status)

    return await carry_out(
        request,
        checked,
        command,
        seen_by=("governance", "rules"),
        then=lambda done: f"/trustees/ballots/{done.subject}?done=drafted",
        field=lambda refusal: field_on_page(refusal, "title", _FIELDS),
        again=again,
    )
