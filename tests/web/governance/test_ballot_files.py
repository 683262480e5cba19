"""Downloading a counted ballot's papers (BLT for an election, pabulib for a reinvestment
ballot) and recounting them with ``coop count`` gives the published result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from coop.application import Coop
from coop.cli import main as cli_main
from coop.clock import FixedClock
from coop.domain.counting.recount import recount_mes, recount_stv
from coop.domain.governance.ballots import BallotKind, Elector, Mark
from coop.projections.governance.queries import ballot as ballot_view
from tests.web.accounts.outbox_helpers import pool_of
from tests.web.governance.test_ballots_pages import (
    AMIRA,
    REINVESTMENT_OPTIONS,
    candidates,
    co_op,
    count,
    open_ballot,
    text_of,
)
from tests.web.helpers import sign_in


async def election(
    client: httpx.AsyncClient,
    coop: Coop,
    clock: FixedClock,
    electors: dict[str, Elector],
    *,
    secret: bool,
) -> UUID:
    """A two-seat election, counted (the model rules reserve both seats for users)."""
    options = candidates(electors)
    ballot = await open_ballot(
        client,
        coop,
        clock,
        electors,
        BallotKind.ELECTION,
        title="Trustee election 2026",
        seats=2,
        options=options,
        secret=secret,
    )
    amira, tom, priya = (o.id for o in options)
    rankings = [(amira, tom), (amira, priya), (priya, tom), (priya,)]
    for e, ranking in zip(electors.values(), rankings, strict=True):
        coop.cast_vote(ballot, e.member_id, Mark(ranking=ranking), cast_by=e.member_id)
    await count(client, coop, clock, ballot)
    return ballot


async def reinvestment(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock, electors: dict[str, Elector]
) -> UUID:
    ballot = await open_ballot(
        client,
        coop,
        clock,
        electors,
        BallotKind.REINVESTMENT,
        title="Reinvesting the 2026 surplus",
        options=REINVESTMENT_OPTIONS,
        budget_pence=900_000,
    )
    marks = [("respite",), ("respite", "pa-pay"), ("respite",), ("pa-pay",)]
    for e, approvals in zip(electors.values(), marks, strict=True):
        coop.cast_vote(ballot, e.member_id, Mark(approvals=approvals), cast_by=e.member_id)
    await count(client, coop, clock, ballot)
    return ballot


async def published(client: httpx.AsyncClient, ballot: UUID) -> dict[str, Any]:
    """The result as the results page and its JSON publish it."""
    view = await ballot_view(pool_of(client), ballot)
    assert view is not None and view.result is not None
    return view.result


def recount(blt: bytes, ballot: UUID, result: dict[str, Any]) -> str:
    """``coop count stv FILE --json --seed BALLOT --reserved ...`` as the results page gives them."""
    return recount_stv(blt, "x", as_json=True, seed=str(ballot), reserved=result["reserved"])


def is_download(response: httpx.Response, filename: str) -> None:
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'


async def test_a_closed_elections_blt_file_recounts_to_the_published_winners(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await election(client, coop, clock, electors, secret=False)
    await sign_in(client, AMIRA)

    response = await client.get(f"/ballots/{ballot}/results.blt")
    is_download(response, "trustee-election-2026.blt")
    result = await published(client, ballot)
    recounted = json.loads(recount(response.content, ballot, result))
    names = [o.label for o in candidates(electors)]
    assert [names[n - 1] for n in recounted["elected"]] == result["elected"]
    assert result["elected"] == ["Amira Hassan", "Tom Whitfield"]  # the rules reserve 2 user seats
    for member in electors.values():  # nobody's id is in the file
        assert str(member.member_id).encode() not in response.content


async def test_the_results_page_gives_the_command_that_recounts_the_file(
    client, coop: Coop, clock: FixedClock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    electors = await co_op(client, coop)
    ballot = await election(client, coop, clock, electors, secret=True)
    await sign_in(client, AMIRA)
    (tmp_path / "results.blt").write_bytes(
        (await client.get(f"/ballots/{ballot}/results.blt")).content
    )

    page = text_of((await client.get(f"/ballots/{ballot}/results")).text)
    command = f"coop count stv results.blt --seed {ballot} --reserved user=2"
    assert f"with coop, the command is {command} ." in page
    capsys.readouterr()
    args = [*command.split()[1:], "--json"]
    args[2] = str(tmp_path / "results.blt")
    assert cli_main(args) == 0
    recounted = json.loads(capsys.readouterr().out)
    names = [o.label for o in candidates(electors)]
    assert [names[n - 1] for n in recounted["elected"]] == (await published(client, ballot))[
        "elected"
    ]


async def test_a_secret_elections_file_holds_only_its_published_papers(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await election(client, coop, clock, electors, secret=True)
    await sign_in(client, AMIRA)

    response = await client.get(f"/ballots/{ballot}/results.blt")
    is_download(response, "trustee-election-2026.blt")
    result = await published(client, ballot)
    papers = result["papers"]
    assert len(papers) == 4
    text = response.text
    assert "3 2\n" in text and "Amira Hassan (user)" in text
    assert (
        sum(int(line.split()[0]) for line in text.splitlines()[1:5]) == 4
    )  # 4 papers, as published
    for member in electors.values():
        assert str(member.member_id) not in text
    for paper in papers:  # receipts stay on the results page: the file holds marks only
        assert paper["receipt"] not in text
    recounted = json.loads(recount(response.content, ballot, result))
    names = [o.label for o in candidates(electors)]
    assert [names[n - 1] for n in recounted["elected"]] == result["elected"]


async def test_a_reinvestment_ballots_pb_file_recounts_to_the_same_selection(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await reinvestment(client, coop, clock, electors)
    await sign_in(client, AMIRA)

    response = await client.get(f"/ballots/{ballot}/results.pb")
    is_download(response, "reinvesting-the-2026-surplus.pb")
    assert "class_weights;" in response.text and "budget;9000" in response.text
    recounted = json.loads(recount_mes(response.content, "x", as_json=True))
    result = await published(client, ballot)
    assert recounted["selected"] == result["selected_ids"]
    assert recounted["total_cost"] * 100 == result["total_cost_pence"]


async def test_the_results_page_links_to_the_papers_without_javascript(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    ballot = await election(client, coop, clock, electors, secret=False)
    surplus = await reinvestment(client, coop, clock, electors)
    await sign_in(client, AMIRA)

    page = (await client.get(f"/ballots/{ballot}/results")).text
    assert f'<a class="govuk-link" href="/ballots/{ballot}/results.blt">' in page
    assert "Download the ballot papers to recount them (BLT file)" in text_of(page)
    page = (await client.get(f"/ballots/{surplus}/results")).text
    assert f'href="/ballots/{surplus}/results.pb"' in page
    assert "Download the ballot papers to recount them (pabulib file)" in text_of(page)


async def test_papers_are_refused_for_an_open_ballot_an_unknown_one_or_the_wrong_kind(
    client, coop: Coop, clock: FixedClock
) -> None:
    electors = await co_op(client, coop)
    counted = await election(client, coop, clock, electors, secret=False)
    resolution = await open_ballot(client, coop, clock, electors, title="Buy a minibus")
    amira = electors["Amira Hassan"].member_id
    coop.cast_vote(resolution, amira, Mark(answer="for"), cast_by=amira)
    await count(client, coop, clock, resolution)
    still_open = await open_ballot(
        client,
        coop,
        clock,
        electors,
        BallotKind.ELECTION,
        title="By-election",
        seats=1,
        options=candidates(electors),
    )
    await sign_in(client, AMIRA)

    cases = {
        f"/ballots/{still_open}/results.blt": "This ballot has not been counted yet",
        f"/ballots/{uuid4()}/results.blt": "There is no ballot with that reference.",
        f"/ballots/{uuid4()}/results.pb": "There is no ballot with that reference.",
        f"/ballots/{counted}/results.pb": (
            "Only a reinvestment ballot's papers are published as a pabulib (.pb) file."
            " This ballot's are a BLT file."
        ),
        f"/ballots/{resolution}/results.blt": (
            "Only an election's papers are published as a BLT file."
        ),
    }
    for path, why in cases.items():
        response = await client.get(path)
        assert response.status_code == 404, path
        assert why in text_of(response.text), path
        assert "attachment" not in response.headers.get("content-disposition", "")
