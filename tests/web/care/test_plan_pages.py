"""A user's support plan from the pages: seen and changed by the user or a consented carer."""

from __future__ import annotations

from coop.application import Coop
from tests.web.care.town import as_, events, seen, town_of
from tests.web.helpers import post_form
from tests.web.membership.test_my_pages import member, signed_in


def plan_form(**overrides: object) -> dict[str, object]:
    form: dict[str, object] = {
        "funded_hours": "12.5",
        "tasks": ["personal_care", "shopping"],
        "preferred": [],
        "not_wanted": [],
        "address": "7 Harehills Lane\nLeeds",
        "postcode": "ls9 6jn",
        "access": "Key safe: 4271",
    }
    form.update(overrides)
    return form


async def test_a_carer_changes_the_plan_and_the_user_sees_it(client, coop: Coop) -> None:
    town = await town_of(client, coop)
    await as_(client, "Grace")
    plan = await client.get("/care/plan")
    assert "10 hours a week" in plan.text and "Key safe: 4271" in plan.text
    await as_(client, "Priya")
    form = await client.get(f"/care/plan/change?for={town.member['Grace']}")
    assert 'value="10"' in form.text  # the plan as it stands
    sent = await post_form(
        client,
        "/care/plan/change",
        plan_form(**{"for": str(town.member["Grace"]), "preferred": [str(town.member["Marcus"])]}),
    )
    assert sent.status_code == 303, sent.text
    await seen(client)
    await as_(client, "Grace")
    plan = await client.get("/care/plan")
    assert "12 hours 30 minutes a week" in plan.text and "Shopping" in plan.text
    assert "LS9 6JN" in plan.text and "Marcus" in plan.text
    assert "Marcus (preferred)" in (await client.get("/care/book")).text


async def test_a_plan_that_cannot_be_is_refused_saying_what_to_fix(client, coop: Coop) -> None:
    town = await town_of(client, coop)
    await as_(client, "Grace")
    before = await events(client)
    marcus = str(town.member["Marcus"])
    for form, field, message in [
        (plan_form(funded_hours="lots"), "funded_hours", "Enter the funded hours in figures"),
        (plan_form(funded_hours="200"), "funded_hours", "between 0 and 168 hours a week"),
        (plan_form(tasks=[]), "tasks", "Choose at least one task"),
        (plan_form(tasks=["flying"]), "tasks", "Choose the tasks from the list"),
        (plan_form(address=""), "address", "Enter the address where visits happen"),
        (
            plan_form(preferred=[marcus], not_wanted=[marcus]),
            "preferred",
            "both preferred and not wanted",
        ),
        (plan_form(preferred=["not-a-pa"]), "preferred", "Choose PAs from the list"),
    ]:
        sent = await post_form(client, "/care/plan/change", form)
        assert sent.status_code == 422, (message, sent.status_code)
        assert f'href="#{field}"' in sent.text and message in sent.text, message
    assert await events(client) == before


async def test_a_user_with_no_plan_is_asked_to_set_one_up_before_booking(
    client, coop: Coop
) -> None:
    await member(client, coop, "Tom Whitfield")
    await signed_in(client, "Tom Whitfield")
    first = await client.get("/care/book")
    assert "There is no support plan yet" in first.text
    assert 'href="/care/plan/change"' in first.text
    before = await events(client)
    sent = await post_form(client, "/care/book", {"day": "24", "month": "11", "year": "2026"})
    assert sent.status_code == 409 and "There is no support plan yet" in sent.text
    assert await events(client) == before
    made = await post_form(client, "/care/plan/change", plan_form(funded_hours="6"))
    assert made.status_code == 303
    await seen(client)
    assert "6 hours a week" in (await client.get("/care/plan")).text
    assert "Book a visit" in (await client.get("/care/book")).text
