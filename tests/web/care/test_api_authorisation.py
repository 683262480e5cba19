"""Who may use each care API command and read, resource by resource.

The route matrix (``tests/web/test_authorisation.py``) says which roles reach a
route; this one says, for one real visit, plan or diary, who is let through and
who is refused: Grace (the user), Priya (a carer Grace consents to), Hannah (a
carer without Grace's consent), Ewan (the visit's PA), Marcus (another PA), Joy
(a coordinator), a trustee with no part in care, and someone not signed in.
Every refusal says why and stores nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from coop.application import Coop
from coop.domain.accounts import Role
from coop.domain.care.availability import ExceptionKind
from coop.infra.api_tokens import issue_api_token
from tests.app.care.leeds import MONDAY, Leeds, at, leeds

ROUTE = "Your account does not have permission to do this."  # the route's own rule
USER, CARER, NO_CONSENT, PA, OTHER_PA = "Grace", "Priya", "Hannah", "Ewan", "Marcus"
COORDINATOR, TRUSTEE, ANONYMOUS = "Joy", "trustee", "anonymous"
EVERYONE = (USER, CARER, NO_CONSENT, PA, OTHER_PA, COORDINATOR, TRUSTEE, ANONYMOUS)
CONSENT = "Hannah can {} for Grace only while Grace consents."
NOT_YOURS = "Only the user, a carer the user consents to, or a coordinator can see this."
NOTES_PRIVATE = "Visit notes are private"


class Case(NamedTuple):
    """One API call on a resource at a ``stage``; who may make it; what others are told."""

    method: str
    path: str  # {visit}, {grace}, {ewan} and {exception} are filled in
    stage: str  # what the resource must be before the call (see ``Care.prepare``)
    allowed: frozenset[str]
    told: dict[str, str]  # a refusal on this resource's own terms, by person (else ROUTE)
    body: Callable[[Care], dict[str, Any]] | None = None


def _who(*names: str) -> frozenset[str]:
    return frozenset(names)


BOOKERS = _who(USER, CARER, COORDINATOR)
THE_PA = _who(PA, COORDINATOR)
IN_CARE = _who(USER, CARER, PA, COORDINATOR)
OFFICE = _who(COORDINATOR)
REASON = {"reason": "Grace asked me to come at a different time today"}

CASES = {
    "request": Case(
        "POST",
        "/api/care/visits",
        "nothing",
        BOOKERS,
        {NO_CONSENT: CONSENT.format("book")},
        lambda c: {"user_id": c.ids(USER), **c.slot(), "tasks": ["personal_care"]},
    ),
    "see a visit": Case(
        "GET",
        "/api/care/visits/{visit}",
        "confirmed",
        IN_CARE,
        {NO_CONSENT: NOT_YOURS, OTHER_PA: NOT_YOURS},
    ),
    "offer": Case(
        "POST",
        "/api/care/visits/{visit}/offer",
        "open",
        OFFICE,
        {},
        lambda c: {"pa_ids": [c.ids(PA)]},
    ),
    "accept": Case(
        "POST",
        "/api/care/visits/{visit}/accept",
        "offered",
        _who(PA),
        {OTHER_PA: "This visit has not been offered to you."},
    ),
    "decline": Case(
        "POST",
        "/api/care/visits/{visit}/decline",
        "offered",
        _who(PA),
        {OTHER_PA: "This visit has not been offered to you."},
    ),
    "confirm": Case(
        "POST",
        "/api/care/visits/{visit}/confirm",
        "open",
        OFFICE,
        {},
        lambda c: {"pa_id": c.ids(PA)},
    ),
    "reassign": Case("POST", "/api/care/visits/{visit}/reassign", "confirmed", OFFICE, {}),
    "reschedule": Case(
        "POST",
        "/api/care/visits/{visit}/reschedule",
        "confirmed",
        BOOKERS,
        {NO_CONSENT: CONSENT.format("move visits")},
        lambda c: {**c.slot(), "approve_extra_hours": False},
    ),
    "cancel": Case(
        "POST",
        "/api/care/visits/{visit}/cancel",
        "confirmed",
        BOOKERS,
        {NO_CONSENT: CONSENT.format("cancel visits")},
        lambda c: {"reason": "Grace is going to her sister's"},
    ),
    "check in": Case(
        "POST",
        "/api/care/visits/{visit}/check-in",
        "confirmed",
        THE_PA,
        {OTHER_PA: "Only the visit's own PA can check in"},
        lambda c: REASON,
    ),
    "check out": Case(
        "POST",
        "/api/care/visits/{visit}/check-out",
        "checked in",
        THE_PA,
        {OTHER_PA: "Only the visit's own PA can check out"},
        lambda c: REASON,
    ),
    "complete": Case(
        "POST",
        "/api/care/visits/{visit}/complete",
        "checked out",
        THE_PA,
        {OTHER_PA: "Only the visit's own PA can complete it"},
    ),
    "write a note": Case(
        "POST",
        "/api/care/visits/{visit}/notes",
        "checked in",
        THE_PA,
        {OTHER_PA: "Only the visit's own PA can write notes on it"},
        lambda c: {"text": "Grace was in good spirits; took her tablets with lunch."},
    ),
    "read notes": Case(
        "GET",
        "/api/care/visits/{visit}/notes",
        "noted",
        IN_CARE,
        {NO_CONSENT: NOTES_PRIVATE, OTHER_PA: NOTES_PRIVATE},
    ),
    "candidates": Case("GET", "/api/care/visits/{visit}/candidates", "open", OFFICE, {}),
    "see availability": Case(
        "GET",
        "/api/care/pas/{ewan}/availability",
        "nothing",
        THE_PA,
        {OTHER_PA: "Only the PA themselves or a coordinator can see a PA's availability."},
    ),
    "set availability": Case(
        "PUT",
        "/api/care/pas/{ewan}/availability",
        "nothing",
        THE_PA,
        {OTHER_PA: "Only Ewan or a coordinator can change Ewan's availability."},
        lambda c: {
            "starts_on": "2027-03-01",
            "windows": [{"weekday": d, "start_minute": 540, "end_minute": 1020} for d in range(5)],
        },
    ),
    "add an exception": Case(
        "POST",
        "/api/care/pas/{ewan}/exceptions",
        "nothing",
        THE_PA,
        {OTHER_PA: "Only Ewan or a coordinator can change Ewan's availability."},
        lambda c: {
            "kind": "leave",
            "start": "2027-04-05T00:00:00+01:00",
            "end": "2027-04-10T00:00:00+01:00",
        },
    ),
    "withdraw an exception": Case(
        "DELETE",
        "/api/care/pas/{ewan}/exceptions/{exception}",
        "leave",
        THE_PA,
        {OTHER_PA: "Only Ewan or a coordinator can change Ewan's availability."},
    ),
    "set skills": Case(
        "PUT",
        "/api/care/pas/{ewan}/skills",
        "nothing",
        OFFICE,
        {},
        lambda c: {"skills": ["personal_care", "medication", "driving"]},
    ),
    "week rota": Case(
        "GET",
        "/api/care/pas/{ewan}/week",
        "confirmed",
        THE_PA,
        {OTHER_PA: "Only the PA themselves or a coordinator can see a PA's rota."},
    ),
    "set a plan": Case(
        "PUT",
        "/api/care/users/{grace}/plan",
        "nothing",
        BOOKERS,
        {NO_CONSENT: CONSENT.format("change the support plan")},
        lambda c: {
            "funded_minutes_a_week": 12 * 60,
            "tasks": ["personal_care", "medication", "meals"],
            "address": "7 Harehills Lane\nLeeds",
            "postcode": "LS9 6JN",
        },
    ),
    "upcoming visits": Case(
        "GET", "/api/care/users/{grace}/visits", "confirmed", BOOKERS, {NO_CONSENT: NOT_YOURS}
    ),
    "who read the notes": Case(
        "GET", "/api/care/users/{grace}/notes-reads", "nothing", BOOKERS, {NO_CONSENT: NOT_YOURS}
    ),
    "day board": Case("GET", "/api/care/day-board", "nothing", OFFICE, {}),
}


class Care:
    """Leeds over the API: a bearer token each, and visits in slots that never clash."""

    def __init__(self, client: Any, coop: Coop, town: Leeds, tokens: dict[str, str]) -> None:
        self.client, self.coop, self.town, self.tokens = client, coop, town, tokens
        self._slots = itertools.count()

    def ids(self, first_name: str) -> str:
        return str(self.town.member[first_name])

    def slot(self) -> dict[str, Any]:
        """A fresh hour on a weekday from Tuesday on, when Ewan works and Grace is free."""
        n = next(self._slots)
        day, weekdays = MONDAY, n // 7 + 1
        while weekdays:
            day += timedelta(days=1)
            weekdays -= day.weekday() < 5
        return {"day": day.isoformat(), "start": f"{9 + n % 7:02d}:00:00", "minutes": 30}

    async def prepare(self, stage: str) -> dict[str, str]:
        """A resource at ``stage``, through the real commands; the ids to fill in a path."""
        town, joy, coop = self.town, self.town.joy, self.coop
        ids = {"grace": self.ids(USER), "ewan": self.ids(PA)}
        done = None
        if stage == "leave":
            done = coop.add_availability_exception(
                town.member[PA],
                ExceptionKind.LEAVE,
                at(date(2027, 5, 3), 0),
                at(date(2027, 5, 8), 0),
                by=joy,
            )
            await self._seen(done.position)
            mine = await self.client.get(
                f"/api/care/pas/{ids['ewan']}/availability", headers=self.headers(COORDINATOR)
            )
            ids["exception"] = mine.json()["exceptions"][-1]["id"]
        elif stage != "nothing":
            slot = self.slot()
            named = town.member[PA] if stage != "open" else None
            done = coop.request_visit(
                town.member[USER],
                day=date.fromisoformat(slot["day"]),
                start=time.fromisoformat(slot["start"]),
                minutes=30,
                tasks=["personal_care"],
                pa_id=named,
                approve_extra_hours=True,
                by=joy,
            )
            visit = ids["visit"] = str(done.subject)
            steps: list[Callable[[], Any]] = []
            if stage in ("confirmed", "checked in", "checked out", "noted"):
                steps.append(lambda: coop.accept_visit(UUID(visit), by=town.account[PA]))
            if stage in ("checked in", "checked out", "noted"):
                hour_ago = coop.clock.now() - timedelta(hours=1)
                steps.append(
                    lambda: coop.check_in(
                        UUID(visit), actual=hour_ago, reason="Early start agreed", by=joy
                    )
                )
            if stage == "checked out":
                steps.append(lambda: coop.check_out(UUID(visit), reason="Left early", by=joy))
            if stage == "noted":
                steps.append(
                    lambda: coop.write_visit_note(UUID(visit), text="Grace slept well.", by=joy)
                )
            for step in steps:
                done = step()
        if done is not None:
            await self._seen(done.position)
        return ids

    async def _seen(self, position: int) -> None:
        await self.client.app.state["services"].seen(position, "care")

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}

    async def call(self, case: Case, who: str, ids: dict[str, str]) -> Any:
        path = case.path.format(**ids)
        body = None if case.body is None else case.body(self)
        return await self.client.request(case.method, path, json=body, headers=self.headers(who))


async def _leeds_over_the_api(client: Any, coop: Coop) -> Care:
    town = leeds(coop)
    trustee = coop.open_account(
        name="Mo Farah", email="mo@example.org", password_hash="!", roles=(Role.TRUSTEE,)
    )
    s = client.app.state["services"]
    await s.seen(trustee.position, "accounts", "members", "carers", "care")
    accounts = {**{name: town.account[name] for name in EVERYONE[:5]}, COORDINATOR: town.joy}
    accounts[TRUSTEE] = trustee.subject
    tokens = {
        who: (await issue_api_token(s.pool, account, s.clock.now(), 1))[0]
        for who, account in accounts.items()
    }
    return Care(client, coop, town, tokens)


async def _events(pool: Any) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM coop_events"))


async def _check(care: Care, pool: Any, names: list[str]) -> list[str]:
    """Every person tries every case; what went other than expected, in words."""
    wrong: list[str] = []
    for name in names:
        case = CASES[name]
        ids = await care.prepare(case.stage)
        for who in [w for w in EVERYONE if w not in case.allowed]:
            before = await _events(pool)
            response = await care.call(case, who, ids)
            status, expected = response.status_code, case.told.get(who, ROUTE)
            if who == ANONYMOUS:
                if status != 401:
                    wrong.append(f"{name}: anonymous got {status}")
            elif status != 403 or expected not in response.json().get("title", ""):
                wrong.append(f"{name}: {who} got {status} {response.text[:200]}")
            if await _events(pool) != before:
                wrong.append(f"{name}: {who}'s refusal stored something")
        for i, who in enumerate(sorted(case.allowed)):
            if i:  # the first one acts on the resource the refusals left as it was
                ids = await care.prepare(case.stage)
            response = await care.call(case, who, ids)
            if response.status_code not in (200, 201):
                wrong.append(f"{name}: {who} was refused: {response.status_code} {response.text}")
    return wrong


async def test_visits_are_booked_moved_and_cancelled_only_by_those_who_may(client, coop, pool):
    care = await _leeds_over_the_api(client, coop)
    names = ["request", "see a visit", "offer", "accept", "decline", "confirm", "reassign"]
    names += ["reschedule", "cancel", "candidates"]
    assert await _check(care, pool, names) == []


async def test_only_the_visits_pa_or_the_office_act_on_the_day_and_notes_stay_private(
    client, coop, pool
):
    care = await _leeds_over_the_api(client, coop)
    names = ["check in", "check out", "complete", "write a note", "read notes"]
    assert await _check(care, pool, names) == []


async def test_diaries_plans_and_the_office_views_are_for_their_own_people(client, coop, pool):
    care = await _leeds_over_the_api(client, coop)
    names = ["see availability", "set availability", "add an exception"]
    names += ["withdraw an exception", "set skills", "week rota", "set a plan"]
    names += ["upcoming visits", "who read the notes", "day board"]
    assert await _check(care, pool, names) == []


def test_every_care_api_route_has_a_case() -> None:
    from tests.web.test_authorisation import MATRIX

    care_routes = {(m, p) for m, p in MATRIX if p.startswith("/api/care/")}
    covered = {
        (c.method, c.path.replace("{visit}", "{visit_id:uuid}")
         .replace("{ewan}", "{pa_id:uuid}").replace("{grace}", "{user_id:uuid}")
         .replace("{exception}", "{exception_id:uuid}"))
        for c in CASES.values()
    }  # fmt: skip
    assert care_routes == covered
