"""Names that would display as something they are not: refused when typed, shown when stored."""

from __future__ import annotations

from coop.application import Coop
from coop.projections.membership.queries import applications_awaiting_decision
from tests.people import application_form, details
from tests.web.helpers import post_form
from tests.web.membership.test_applications import signed_in_trustee
from tests.web.test_api import api_application

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Amira ‮nasaH" reads "Amira Hasan" backwards


async def test_the_apply_form_refuses_a_name_with_a_right_to_left_override(client) -> None:
    form = application_form("Amira Hassan", name=f"Amira {RLO}nassaH")
    response = await post_form(client, "/apply", form)
    assert response.status_code == 422
    assert "There is a problem" in response.text
    assert (
        "Full name must not contain hidden characters that change how text is shown "
        "(U+202E RIGHT-TO-LEFT OVERRIDE): type it again without them"
    ) in response.text
    # The answer is given back with the character made visible, not obeyed.
    assert RLO not in response.text and "Amira [U+202E]nassaH" in response.text
    assert await applications_awaiting_decision(client.app.state["services"].pool) == []


async def test_the_api_refuses_a_zero_width_space_in_a_preferred_name(client) -> None:
    response = await client.post(
        "/api/applications", json=api_application(preferred_name="Am\u200bira")
    )
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "U+200B ZERO WIDTH SPACE" in errors["preferred_name"]


async def test_a_name_stored_with_hidden_characters_is_shown_with_them_visible(
    client, coop: Coop
) -> None:
    # Recorded before coop refused such names (here straight through the command).
    done = coop.apply_for_membership(details(f"Amira {RLO}nassaH", email="amira@example.org"))
    await client.app.state["services"].seen(done.position, "members")
    await signed_in_trustee(client, coop)
    page = await client.get("/trustees/applications")
    assert page.status_code == 200
    assert "Amira [U+202E]nassaH" in page.text
    assert RLO not in page.text
