"""Amending the rules from the pages: propose (a form starting from the rules in force),
the special resolution's ballot showing what changes, then applying it once carried."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID, uuid4

import httpx
import msgspec

from coop.application import Coop
from coop.domain.governance.ballots import Mark
from coop.domain.governance.rules import SpecialResolution, model_rules
from coop.web.governance.rules_form import check_rules, rules_values
from tests.web.governance.test_ballots_pages import caught_up, events, text_of
from tests.web.governance.test_governance_admin import (
    AMIRA,
    as_member,
    co_op,
    done,
    refused,
    summary,
)
from tests.web.helpers import post_form

BALLOT = {
    "title": "Give carers a bigger say",
    "question": "Should the co-op adopt the new rules, with carers' votes weighted at 30%?",
    "easy_read": "",
    "secret": "no",
    "opens-day": "24",
    "opens-month": "11",
    "opens-year": "2026",
    "opens-time": "9am",
    "closes-day": "1",
    "closes-month": "12",
    "closes-year": "2026",
    "closes-time": "17:00",
    "meeting": "",
}
# Carers up to 30 %, PAs down to 20 %, 21 days' notice, PA pay recused, a supporters class.
CHANGES = {
    "class-2-weight": "30%",
    "class-3-weight": "1/5",
    "class-4-name": "supporter",
    "class-4-votes": "no",
    "class-4-weight": "",
    "class-4-reserved": "0",
    "general_notice": "21",
    "policy-pa_pay": "recuse",
    "travel_minutes": "20",
}


def proposal(**overrides: Any) -> dict[str, Any]:
    """The proposal form as a trustee would send it: the rules in force, some changed."""
    return {**rules_values(model_rules()), **BALLOT, **CHANGES, **overrides}


async def proposed(client: httpx.AsyncClient, **overrides: Any) -> UUID:
    answer = await post_form(client, "/trustees/rules/propose", proposal(**overrides))
    assert answer.status_code == 303, summary(answer)
    assert answer.headers["location"].endswith("?done=drafted")
    return UUID(answer.headers["location"].split("/")[3].split("?")[0])


WHAT_CHANGES = [
    "The weight of the Carers class changes from 25% to 30%.",
    "The weight of the PAs class changes from 25% to 20%.",
    "A new member class, Supporters, is added: they do not vote.",
    "Notice of general meetings changes from 14 clear days to 21 clear days.",
    "Conflicts of interest on PA pay: members with an interest stand aside and cannot vote;"
    " they must declare it before voting opens (instead of: members with an interest declare"
    " it; the declaration is shown in the record, and they still vote).",
    "Travel time between a PA's visits changes from 15 minutes to 20 minutes.",
]


async def test_the_proposal_form_starts_from_every_setting_of_the_rules_in_force(
    client, coop: Coop
) -> None:
    await co_op(client, coop)
    page = await client.get("/trustees/rules/propose")
    assert page.status_code == 200 and "<title>Propose new rules – coop</title>" in page.text
    for name, value in [
        ("class-1-name", "user"),
        ("class-1-weight", "50%"),
        ("class-2-name", "carer"),
        ("class-2-weight", "25%"),
        ("class-3-reserved", "1"),
        ("quorum", "10%"),
        ("quorum_at_most", "20"),
        ("general_notice", "14"),
        ("board_notice", "7"),
        ("trustee_seats", "5"),
        ("term_years", "3"),
        ("late_hours", "24"),
        ("late_percent", "50"),
        ("travel_minutes", "15"),
    ]:
        assert re.search(rf'name="{name}" type="text" value="{re.escape(value)}"', page.text), name
    checked = re.findall(r'name="([\w-]+)" type="radio" value="(\w+)" checked', page.text)
    assert ("special_resolution", "75_overall") in checked
    assert ("quorum_each_class", "no") in checked
    assert ("policy-pa_pay", "declare") in checked and ("policy-trustee_pay", "recuse") in checked
    assert re.search(r'id="class-4-name" name="class-4-name" type="text"\s', page.text)  # spare row


async def test_a_carried_special_resolution_amends_the_rules_and_the_history_shows_it(
    client, coop: Coop
) -> None:
    people = await co_op(client, coop)
    before = await events(client)
    ballot = await proposed(client)
    assert await events(client) == before + 1  # one ballot drafted, nothing else
    admin = text_of((await client.get(f"/trustees/ballots/{ballot}?done=drafted")).text)
    assert "Resolution: special resolution" in admin and "Topic The co-op's rules" in admin
    assert "Compared with the rules in force now (version 1):" in admin
    for change in WHAT_CHANGES:
        assert change in admin
    assert "Quorum" not in admin.split("What the new rules change")[1].split("Open the ballot")[0]

    await done(client, f"/trustees/ballots/{ballot}/open", {})
    member = await as_member(client, AMIRA)
    members_page = text_of((await member.get(f"/ballots/{ballot}")).text)
    assert "What the new rules change" in members_page
    for change in WHAT_CHANGES:
        assert change in members_page
    for person in people.values():
        coop.cast_vote(ballot, person, Mark(answer="for"), cast_by=person)
    await caught_up(client, coop)
    counted = await done(client, f"/trustees/ballots/{ballot}/close", {})
    assert "Amend the rules" in counted and "The special resolution was carried." in counted

    path = f"/trustees/ballots/{ballot}/amend-rules"
    await refused(
        client, path, {"reference": " "}, "Enter the minute or resolution reference for this change"
    )
    amended = await done(client, path, {"reference": "AGM 2026 resolution 4"})
    assert "The rules have been amended: the new version is in force." in amended
    assert "they became version 2 on 23 November 2026 (reference AGM 2026 resolution 4)" in amended
    assert "Compared with version 1 of the rules, which they replaced:" in amended
    assert 'action="/trustees/ballots/' + str(ballot) + '/amend-rules"' not in amended

    rules = text_of((await client.get("/trustees/rules")).text)
    assert "Version 2 of the rules." in rules and "Carers Yes 30%" in rules
    assert "PAs Yes 20%" in rules and "Supporters No None" in rules
    assert "General meetings (AGM and special) 21 clear days' notice" in rules
    assert (
        "Version 2 (in force) In force from 23 November 2026, by the special resolution"
        " Give carers a bigger say (reference AGM 2026 resolution 4)." in rules
    )
    assert (
        "Version 1 Adopted in coop on 23 November 2026 (reference AGM 2026 resolution 1)." in rules
    )
    assert WHAT_CHANGES[0] in rules
    assert coop.rules_in_force().version == 2

    # Applying it twice changes nothing.
    await refused(
        client,
        path,
        {"reference": "AGM 2026 resolution 4"},
        "The amended rules are the same as the rules in force.",
        status=422,
    )
    api = await member.get("/api/rules")
    assert api.status_code == 401  # the API takes bearer tokens only, never the session


async def test_the_rules_api_gives_the_rules_in_force_and_every_version(client, coop: Coop) -> None:
    await co_op(client, coop)
    token = await client.post(
        "/api/tokens",
        json={"email": "grace.okafor@example.org", "password": "correct horse battery staple"},
    )
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    answer = await client.get("/api/rules", headers=headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["in_force"]["version"] == 1 and len(body["versions"]) == 1
    assert body["in_force"]["reference"] == "AGM 2026 resolution 1"
    assert body["in_force"]["ballot_id"] is None
    assert body["in_force"]["rules"]["classes"][0] == {
        "name": "user",
        "votes": True,
        "weight": "1/2",
    }
    assert body["in_force"]["rules"]["general_meeting_notice_days"] == 14


async def test_each_malformed_setting_gets_its_own_message_and_nothing_is_stored(
    client, coop: Coop
) -> None:
    await co_op(client, coop)
    bad = {
        "class-2-weight": "a quarter",
        "class-4-name": "Friends of the co-op",
        "quorum": "",
        "quorum_at_most": "twenty",
        "special_resolution": "unanimous",
        "general_notice": "two weeks",
        "policy-pa_pay": "ignore",
        "late_percent": "150",
        "trustee_seats": "0",
        "title": "",
    }
    page = await refused(
        client,
        "/trustees/rules/propose",
        proposal(**bad),
        "Enter the weight of the Carers class as a percentage like 25% or a fraction like 1/4",
    )
    assert summary(page) == [
        "Enter the weight of the Carers class as a percentage like 25% or a fraction like 1/4",
        "Class 4's name must be one word in lower-case letters, like supporter",
        "Enter the quorum",
        "Enter the most members a quorum needs as a whole number, like 14",
        "Select what a special resolution needs",
        "Enter the notice for general meetings as a whole number, like 14",
        "Select what members with an interest in PA pay do",
        "The co-op needs at least 1 trustee seat",
        "The late-cancellation charge must be 100 or fewer",
        "Enter the ballot's title",
    ]
    assert 'href="#class-2-weight"' in page.text and 'href="#policy-pa_pay"' in page.text
    assert 'value="a quarter"' in page.text and 'value="two weeks"' in page.text  # kept
    assert "<title>Error: Propose new rules – coop</title>" in page.text


async def test_rules_that_cannot_work_are_refused_with_the_rule_books_own_reason(
    client, coop: Coop
) -> None:
    await co_op(client, coop)
    path = "/trustees/rules/propose"
    page = await refused(
        client,
        path,
        proposal(**{"class-2-weight": "35%"}),
        "The voting classes' weights must be more than 0 and add up to exactly 1"
        " (they add up to 21/20).",
    )
    assert 'href="#class-1-weight"' in page.text
    page = await refused(
        client,
        path,
        proposal(**{"class-1-reserved": "5"}),
        "Reserved seats can't add up to more than the trustee seats.",
    )
    assert 'href="#trustee_seats"' in page.text
    await refused(
        client,
        path,
        {**rules_values(model_rules()), **BALLOT},
        "These are the rules in force: change at least one setting",
    )
    await refused(
        client,
        path,
        proposal(**{"opens-day": "20"}),
        "Voting must open in the future. To open it now, draft it first",
    )


async def test_a_special_resolution_not_carried_offers_no_amendment(client, coop: Coop) -> None:
    people = await co_op(client, coop)
    ballot = await proposed(client)
    await done(client, f"/trustees/ballots/{ballot}/open", {})
    for person in people.values():
        coop.cast_vote(ballot, person, Mark(answer="against"), cast_by=person)
    await caught_up(client, coop)
    counted = await done(client, f"/trustees/ballots/{ballot}/close", {})
    assert "The special resolution was not carried, so the rules stay as they are." in counted
    assert "amend-rules" not in (await client.get(f"/trustees/ballots/{ballot}")).text
    await refused(
        client,
        f"/trustees/ballots/{ballot}/amend-rules",
        {"reference": "AGM 2026 resolution 4"},
        "The special resolution was not carried, so the rules stay as they are.",
        status=409,
    )
    assert coop.rules_in_force().version == 1


async def test_only_a_counted_rules_resolution_can_amend_the_rules(client, coop: Coop) -> None:
    await co_op(client, coop)
    ballot = await proposed(client)
    await refused(
        client,
        f"/trustees/ballots/{ballot}/amend-rules",
        {"reference": "AGM 2026 resolution 4"},
        "Only a counted special resolution proposing new rules can amend them.",
        status=409,
    )
    page = await client.get(f"/trustees/ballots/{uuid4()}/amend-rules")
    assert page.status_code == 405


async def test_a_resolution_needing_confirmation_does_not_yet_change_the_rules(
    client, coop: Coop
) -> None:
    people = await co_op(client, coop, rules=False)
    two_thirds = msgspec.structs.replace(
        model_rules(), special_resolution=SpecialResolution.TWO_THIRDS_CONFIRMED
    )
    coop.adopt_rules(two_thirds, by=uuid4(), reference="AGM 2026 resolution 1")
    await caught_up(client, coop)
    form = {**rules_values(two_thirds), **BALLOT, **CHANGES}
    answer = await post_form(client, "/trustees/rules/propose", form)
    assert answer.status_code == 303, summary(answer)
    ballot = UUID(answer.headers["location"].split("/")[3].split("?")[0])
    await done(client, f"/trustees/ballots/{ballot}/open", {})
    for person in people.values():
        coop.cast_vote(ballot, person, Mark(answer="for"), cast_by=person)
    await caught_up(client, coop)
    counted = await done(client, f"/trustees/ballots/{ballot}/close", {})
    assert "must be confirmed by a second vote before the rules can change" in counted
    assert "amend-rules" not in (await client.get(f"/trustees/ballots/{ballot}")).text
    assert coop.rules_in_force().version == 1


def test_settings_left_as_they_are_carry_over_into_the_proposed_rules() -> None:
    in_force = msgspec.structs.replace(
        model_rules(), missed_after_minutes=45, surplus_reserve_percent=20
    )
    data = {**rules_values(in_force), **CHANGES}

    proposed_rules, checked = check_rules(data, in_force)

    assert checked.ok, checked.errors
    assert proposed_rules is not None
    assert proposed_rules.general_meeting_notice_days == 21  # the change asked for
    assert proposed_rules.missed_after_minutes == 45  # not reset to the default 30
    assert proposed_rules.surplus_reserve_percent == 20  # not reset to the default 10


async def test_the_form_changes_care_and_money_rules_and_says_what_changes(
    client, coop: Coop
) -> None:
    await co_op(client, coop)
    page = await client.get("/trustees/rules/propose")
    for name, value in [
        ("late_pay_percent", "0"),
        ("missed_minutes", "30"),
        ("rounding", "0"),
        ("reserve_percent", "10"),
    ]:
        assert re.search(rf'name="{name}" type="text" value="{value}"', page.text), name
    changes = {"late_pay_percent": "50", "missed_minutes": "45", "rounding": "15"}
    ballot = await proposed(client, reserve_percent="20", **changes)
    admin = text_of((await client.get(f"/trustees/ballots/{ballot}")).text)
    for change in [
        "The time after its start when a visit nobody checked in to is missed changes from"
        " 30 minutes to 45 minutes.",
        "A PA's pay for a late-cancelled visit changes from 0% to 50%.",
        "The reserve kept from each year's surplus changes from 10% to 20%.",
        "Visit times are rounded to the nearest 15 minutes, instead of to the minute.",
    ]:
        assert change in admin, change


async def test_bad_care_and_money_rules_get_their_own_message_and_nothing_is_stored(
    client, coop: Coop
) -> None:
    await co_op(client, coop)
    path = "/trustees/rules/propose"
    page = await refused(
        client,
        path,
        proposal(late_pay_percent="half", missed_minutes="0", reserve_percent="101"),
        "Enter a PA's share of a late-cancelled visit's pay as a whole number, like 14",
    )
    assert summary(page) == [
        "Enter a PA's share of a late-cancelled visit's pay as a whole number, like 14",
        "A visit can be missed from 1 minute after its start or later",
        "The reserve kept from a surplus must be 100 or fewer",
    ]
    page = await refused(
        client,
        path,
        proposal(rounding="7"),
        "Visit times can be rounded to a number of minutes that divides an hour"
        " (1, 5, 10, 15, 30 or 60), or not at all (0).",
    )
    assert 'href="#rounding"' in page.text
