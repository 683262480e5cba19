"""The OpenAPI document tells the truth: it is valid OpenAPI 3.1, it documents the API
and only the API, and a fuzzer driven by it finds nothing it does not say."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from coop.application import Coop
from coop.domain.accounts import Role
from coop.web.accounts.passwords import hash_password
from coop.web.app import create_app
from tests.web.helpers import TRUSTEE_PASSWORD

PROBLEM = "application/problem+json"
# Examples per operation and mode: enough to reach each refusal, bounded for CI.
EXAMPLES = 8


async def test_the_document_is_valid_openapi_3_1(client) -> None:
    document = (await client.get("/api/schema/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises, naming the fault, if it does not conform


async def test_the_document_has_every_api_route_and_nothing_else(client) -> None:
    document = (await client.get("/api/schema")).json()
    documented = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    api_routes = {
        (method, route.path_format)
        for route in client.app.routes
        if route.path.startswith("/api/") and not route.path.startswith("/api/schema")
        for method in getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}
    }
    assert documented == api_routes


async def test_every_refusal_is_documented_as_a_problem_document(client) -> None:
    document = (await client.get("/api/schema")).json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            answers = operation["responses"]
            for status, answer in answers.items():
                if int(status) >= 400:
                    assert list(answer["content"]) == [PROBLEM], (method, path, status)
            if operation.get("security"):
                assert {"401", "403"} & set(answers), (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= set(answers), (method, path)
            if "{" in path:
                assert "404" in answers, (method, path)
    tokens = document["paths"]["/api/tokens"]["post"]["responses"]
    assert {"401", "429"} <= set(tokens)
    applications = document["paths"]["/api/applications"]["post"]["responses"]
    assert "409" in applications  # the address has already applied


async def test_a_method_an_address_does_not_take_is_answered_405_with_allow(client) -> None:
    api = await client.put("/api/applications")
    assert api.status_code == 405
    assert set(api.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert api.headers["content-type"].startswith(PROBLEM)
    assert "This address takes only" in api.json()["detail"]
    page = await client.delete("/apply")
    assert page.status_code == 405 and "POST" in page.headers["allow"]
    assert "This page cannot do that" in page.text


async def test_a_file_the_schema_does_not_have_is_a_problem_not_a_page(client) -> None:
    response = await client.get("/api/schema/no-such-file")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)


# The fuzzing run ---------------------------------------------------------------------


@pytest.fixture
def served(db_url: str, settings, clock) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread of its own."""
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, db_url, clock=clock),
            host="127.0.0.1",
            port=0,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def _token_with_every_role(base: str, coop: Coop) -> dict[str, str]:
    """A bearer token every rule lets in, so the fuzzer reaches each handler."""
    coop.open_account(
        name="Grace Okafor",
        email="grace.okafor@example.org",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=tuple(Role),
    )
    deadline = time.monotonic() + 30
    while True:  # until the accounts read model has the account
        answer = httpx.post(
            f"{base}/api/tokens",
            json={"email": "grace.okafor@example.org", "password": TRUSTEE_PASSWORD},
        )
        if answer.status_code == 201 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


# An application's rules span its fields (an e-mail address or a phone number; the
# detail for each way of contact chosen) and tidy what is typed (spaces, capitals), which
# the JSON Schema that Litestar writes cannot say: the operation says them in words and
# refuses with 422 naming the field. So a request valid by the schema alone may be
# refused; every other check, the refusal of schema-invalid requests included, applies.
_NOT_SAID_IN_SCHEMA = {
    "POST /api/applications": [positive_data_acceptance],
}


def test_fuzzing_the_api_from_its_own_document_finds_nothing_undocumented(
    served: str, coop: Coop
) -> None:
    headers = _token_with_every_role(served, coop)
    schema = schemathesis.openapi.from_url(f"{served}/api/schema/openapi.json")
    # ASCII text: other bytes and characters have tests of their own (test_bad_bytes,
    # test_misleading_names), which say what each answer should be.
    # Query parameters the API does not know are ignored, as on the web at large (OpenAPI
    # has no way to say so), so the fuzzer does not add them expecting a refusal.
    schema.config.generation.update(codec="ascii", allow_x00=False, allow_extra_parameters=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Signing out revokes the token the others use: it goes last.
    operations.sort(key=lambda o: o.method.upper() == "DELETE")
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := _fuzz(operation, mode, served, headers))
    ]
    assert not failures, "\n\n".join(failures)


def _fuzz(
    operation: schemathesis.APIOperation, mode: GenerationMode, served: str, headers: dict[str, str]
) -> str | None:
    """What the fuzzer found wrong with one operation in one mode, if anything."""
    excluded = _NOT_SAID_IN_SCHEMA.get(operation.label, [])
    calls = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,  # the same requests every run
        database=None,
        phases=[Phase.explicit, Phase.generate],  # report, don't shrink: bounded
        suppress_health_check=list(HealthCheck),
    )
    def call(case: schemathesis.Case) -> None:
        nonlocal calls
        calls += 1
        case.call_and_validate(base_url=served, headers=headers, excluded_checks=excluded)

    try:
        call()
    except (Exception, BaseExceptionGroup) as failure:
        return f"{operation.label} ({mode.value}): {failure}"
    assert calls > 0, f"{operation.label} ({mode.value}) was never called"
    return None
