"""The foundation's journey over HTTP: apply, sign in, admit, see the register."""

from __future__ import annotations

import re

from coop.application import Coop
from tests.people import application_form
from tests.web.helpers import open_trustee, post_form, sign_in


async def test_an_applicant_is_admitted_and_appears_in_the_register(client, coop: Coop) -> None:
    trustee = open_trustee(coop)
    await client.app.state["services"].seen(trustee.position, "accounts")

    applied = await post_form(client, "/apply", application_form("Amira Hassan"))
    assert applied.status_code == 303
    received = await client.get(applied.headers["location"])
    assert "Application received" in received.text

    signed_in = await sign_in(client, "grace.okafor@example.org")
    assert signed_in.status_code == 303, signed_in.text
    listing = await client.get("/trustees/applications")
    assert "Amira Hassan" in listing.text
    member_id = re.search(r"/trustees/applications/([0-9a-f-]{36})/admit", listing.text).group(1)

    admitted = await post_form(
        client, f"/trustees/applications/{member_id}/admit", {"minute_reference": "B2026-11 item 4"}
    )
    assert admitted.status_code == 303
    after = await client.get(admitted.headers["location"])
    assert "Amira Hassan is now member number 1" in after.text

    register = await client.get("/register")
    assert "Amira Hassan" in register.text and "LS8 2AB" in register.text
