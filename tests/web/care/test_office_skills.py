"""The office records what each PA is trained for."""

from __future__ import annotations

from uuid import uuid4

import httpx

from coop.application import Coop
from tests.web.care.staff import as_, fetch, leeds_online, read, submit


async def test_a_coordinator_sets_a_pas_skills_and_unknown_ones_are_refused(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    await as_(client, "Joy")
    page = await read(client, "/office/care/pas")
    assert "Aisha" in page and "Driving" in page and "Hoist, medication and personal care" in page

    aisha = f"/office/care/pas/{town.member['Aisha']}/skills"
    saved = await submit(client, aisha, {"skills": ["driving", "personal_care"]})
    assert saved.status_code == 303
    page = await read(client, saved.headers["location"])
    assert "The PA's skills have been saved." in page and "Driving and personal care" in page

    unknown = await submit(client, aisha, {"skills": ["juggling"]})
    assert unknown.status_code == 422 and "“juggling” is not a task coop knows." in unknown.text
    assert "Driving and personal care" in await read(client, "/office/care/pas")
    assert (await fetch(client, f"/office/care/pas/{uuid4()}/skills")).status_code == 404
    assert (
        await fetch(client, f"/office/care/pas/{town.member['Grace']}/skills")
    ).status_code == 404
