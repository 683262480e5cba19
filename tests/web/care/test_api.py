"""The care JSON API: a visit's life over HTTP, bad input refused clearly, and OpenAPI."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from coop.application import Coop
from tests.web.care.test_api_authorisation import (
    COORDINATOR,
    PA,
    USER,
    Care,
    _events,
    _leeds_over_the_api,
)

PROBLEM = "application/problem+json"


async def _post(care: Care, who: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return await care.client.post(path, json=body, headers=care.headers(who))


async def test_a_visit_is_booked_accepted_and_delivered_and_each_step_reads_back_at_once(
    client, coop: Coop
) -> None:
    care = await _leeds_over_the_api(client, coop)
    grace, ewan = care.ids(USER), care.ids(PA)
    asked = await _post(
        care,
        USER,
        "/api/care/visits",
        {"user_id": grace, "day": "2026-11-24", "start": "10:00:00", "minutes": 60,
         "tasks": ["personal_care", "meals"], "pa_id": ewan},
    )  # fmt: skip
    assert asked.status_code == 201, asked.text
    visit = asked.json()
    assert (visit["state"], visit["offered"], visit["tasks"]) == (
        "requested",
        [ewan],
        ["meals", "personal_care"],
    )
    assert visit["starts_at"] == "2026-11-24T10:00:00Z"
    upcoming = await client.get(f"/api/care/users/{grace}/visits", headers=care.headers(USER))
    assert [v["visit_id"] for v in upcoming.json()] == [visit["visit_id"]]  # read-your-writes

    accepted = await _post(care, PA, f"/api/care/visits/{visit['visit_id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "confirmed"
    assert accepted.json()["pa_id"] == ewan
    week = await client.get(f"/api/care/pas/{ewan}/week", headers=care.headers(PA))
    assert [(v["user_name"], v["state"]) for v in week.json()] == [("Grace", "confirmed")]
    board = await client.get(
        "/api/care/day-board?day=2026-11-24", headers=care.headers(COORDINATOR)
    )
    assert [(b["user_name"], b["pa_name"], b["status"]) for b in board.json()] == [
        ("Grace", "Ewan", "booked")
    ]


async def test_a_clash_is_refused_with_the_reason_and_stores_nothing(client, coop, pool) -> None:
    care = await _leeds_over_the_api(client, coop)
    grace = care.ids(USER)
    first = {"user_id": grace, "day": "2026-11-24", "start": "10:00:00", "minutes": 60,
             "tasks": ["personal_care"]}  # fmt: skip
    assert (await _post(care, USER, "/api/care/visits", first)).status_code == 201
    before = await _events(pool)
    clash = await _post(care, USER, "/api/care/visits", {**first, "start": "10:30:00"})
    assert clash.status_code == 409 and clash.headers["content-type"].startswith(PROBLEM)
    assert clash.json()["title"] == "Grace already has a visit from 10:00 to 11:00."
    assert await _events(pool) == before


async def test_bad_input_gets_a_specific_problem_and_stores_nothing(client, coop, pool) -> None:
    care = await _leeds_over_the_api(client, coop)
    good = {"user_id": care.ids(USER), "day": "2026-11-25", "start": "10:00:00", "minutes": 60,
            "tasks": ["personal_care"]}  # fmt: skip
    cases = [
        ({"day": "2026-11-20"}, 422, "day", "A visit must be in the future."),
        (
            {"minutes": 0},
            422,
            "minutes",
            "A visit must last at least 1 minute and at most 24 hours.",
        ),
        ({"minutes": 24 * 60 + 1}, 422, "minutes", "at most 24 hours"),
        ({"tasks": ["gardening"]}, 422, "tasks", "“gardening” is not a task coop knows"),
        ({"pa_id": "00000000-0000-0000-0000-000000000000"}, 404, None, "There is no PA"),
        ({"user_id": care.ids("Marcus")}, 403, None, "Only Marcus, a carer Marcus consents to"),
        ({"day": "24/11/2026"}, 400, "day", "Invalid"),
        ({"minutes": "an hour"}, 400, "minutes", "Expected `int`"),
    ]
    before = await _events(pool)
    for change, status, field, words in cases:
        response = await _post(care, USER, "/api/care/visits", {**good, **change})
        assert response.status_code == status, (change, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
        problem = response.json()
        said = [problem["title"], *(e["message"] for e in problem.get("errors", []))]
        assert any(words in s for s in said), (change, problem)
        if field is not None:
            assert field in {e["field"].removeprefix("$.") for e in problem["errors"]}, problem
    forged = await _post(care, PA, "/api/care/visits/00000000-0000-0000-0000-000000000000/accept")
    assert (
        forged.status_code == 404
        and forged.json()["title"] == "There is no visit with that reference."
    )
    assert await _events(pool) == before


async def test_the_openapi_document_lists_each_care_route_with_its_answers(client) -> None:
    schema = (await client.get("/api/schema/openapi.json")).json()
    request = schema["paths"]["/api/care/visits"]["post"]
    assert set(request["responses"]) == {"201", "400", "401", "403", "404", "409", "422"}
    assert PROBLEM in request["responses"]["409"]["content"]
    assert "requestBody" in request
    week = schema["paths"]["/api/care/pas/{pa_id}/week"]["get"]
    assert set(week["responses"]) == {"200", "400", "401", "403", "404"}
    care_paths = [p for p in schema["paths"] if p.startswith("/api/care/")]
    assert len(care_paths) == 23


async def test_two_accepts_racing_for_one_pa_leave_exactly_one_visit_held(client, coop, pool):
    care = await _leeds_over_the_api(client, coop)
    ewan = care.ids(PA)
    for round_ in range(3):  # fresh times each round; whichever wins, the other is told why
        asked = []
        for user, start in (("Grace", "10:00:00"), ("Siobhan", "10:30:00")):
            body = {"user_id": care.ids(user), "day": f"2026-11-2{5 + round_}", "start": start,
                    "minutes": 60, "tasks": ["personal_care"], "pa_id": ewan}  # fmt: skip
            response = await _post(care, COORDINATOR, "/api/care/visits", body)
            assert response.status_code == 201, response.text
            asked.append(response.json()["visit_id"])
        answers = await asyncio.gather(
            *(_post(care, PA, f"/api/care/visits/{visit}/accept") for visit in asked)
        )
        assert sorted(a.status_code for a in answers) == [200, 409]
        refused = next(a for a in answers if a.status_code == 409).json()["title"]
        assert refused.startswith("Ewan already has a visit from 10")
    held = await pool.fetchval(
        "SELECT count(*) FROM care_visits WHERE pa_id = $1 AND state = 'confirmed'", UUID(ewan)
    )
    assert held == 3


async def test_a_pas_week_that_cannot_be_right_is_refused_and_changes_nothing(
    client, coop, pool
) -> None:
    care = await _leeds_over_the_api(client, coop)
    path = f"/api/care/pas/{care.ids(PA)}/availability"
    before = await _events(pool)
    backwards = {"starts_on": "2026-12-07", "windows": [{"weekday": 0, "start_minute": 600,
                                                         "end_minute": 540}]}  # fmt: skip
    response = await client.put(path, json=backwards, headers=care.headers(PA))
    assert response.status_code == 422
    assert response.json()["title"] == (
        "On Monday the hours must end after they start, and last at most 24 hours."
    )
    past = {"starts_on": "2026-11-01", "windows": []}
    response = await client.put(path, json=past, headers=care.headers(PA))
    assert response.status_code == 422
    assert response.json()["title"] == "A new pattern can start today or later, not in the past."
    leave = {"kind": "holiday", "start": "2026-12-01T00:00:00Z", "end": "2026-12-02T00:00:00Z"}
    response = await _post(care, PA, f"/api/care/pas/{care.ids(PA)}/exceptions", leave)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "kind"
    assert await _events(pool) == before
