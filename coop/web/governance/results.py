"""A ballot's published results, as a page and as JSON, and checking a secret ballot's
receipt against the count."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from coop.domain.governance.votes import RECEIPT_ALPHABET
from coop.projections.governance.queries import ballot
from coop.web.api_docs import refusals
from coop.web.governance.ballot_words import KIND_NAMES, describe, results_view
from coop.web.governance.lookups import ballot_named
from coop.web.pages import page
from coop.web.problems import Problem
from coop.web.services import services
from coop.web.words import when

_RECEIPT = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


# Results ----------------------------------------------------------------------------------


@get("/ballots/{ballot_id:uuid}/results")
async def results(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    b = await ballot_named(request, ballot_id)
    return page(
        request,
        "governance/ballots/results.html",
        ballot=b,
        kind_name=KIND_NAMES.get(b.kind, b.kind),
        closes=when(b.closes_at),
        r=results_view(b) if b.result else None,
    )


class BallotResults(msgspec.Struct, kw_only=True):
    """A counted ballot and its published result, exactly as counted."""

    ballot_id: UUID
    kind: str
    title: str
    question: str
    special: bool
    secret: bool
    opens_at: datetime
    closes_at: datetime
    rules_version: int | None
    options: list[dict[str, Any]]
    result: dict[str, Any]


@get(
    "/api/ballots/{ballot_id:uuid}/results",
    tags=["coop"],
    summary="A counted ballot's published result",
    responses=refusals(409),  # not counted yet
)
async def results_json(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> BallotResults:
    b = await ballot(services(request.app).pool, ballot_id)
    if b is None:
        raise Problem(404, "There is no ballot with that id.")
    if b.result is None:
        raise Problem(409, "This ballot has not been counted yet: results come after it closes.")
    return BallotResults(
        ballot_id=b.ballot_id,
        kind=b.kind,
        title=b.title,
        question=b.question,
        special=b.special,
        secret=b.secret,
        opens_at=b.opens_at,
        closes_at=b.closes_at,
        rules_version=b.rules_version,
        options=b.options,
        result=b.result,
    )


# Receipts ---------------------------------------------------------------------------------


def check_receipt(raw: str) -> tuple[str, str | None]:
    """The code tidied up (capitals, dashes), and what is wrong with it if anything."""
    code = re.sub(r"\s+", "", raw).upper()
    if not code:
        return code, "Enter your receipt code"
    if len(code) == 12 and "-" not in code:
        code = "-".join(code[i : i + 4] for i in range(0, 12, 4))
    if not _RECEIPT.fullmatch(code):
        return code, "Enter the code as 3 groups of 4 letters and numbers, like K7QF-M2XA-9PTD"
    if set(code) - set(RECEIPT_ALPHABET + "-"):
        return code, "Receipt codes never use 0, 1, I or O: check the code against your note"
    return code, None


@get("/ballots/{ballot_id:uuid}/receipts")
async def receipts(request: Request[Any, Any, Any], ballot_id: FromPath[UUID]) -> Template:
    """Anyone holding a receipt can check that its paper is in the published count."""
    b = await ballot_named(request, ballot_id)
    raw = request.query_params.get("code")
    code, error = check_receipt(raw) if raw is not None else ("", None)
    found: str | None = None
    checked = raw is not None and error is None and b.result is not None
    if checked:
        papers = (b.result or {}).get("papers", [])
        paper = next((p for p in papers if p["receipt"] == code), None)
        found = describe(b.kind, b.options, paper["mark"]) if paper else None
    return page(
        request,
        "governance/ballots/receipts.html",
        status=422 if error else 200,
        errors=[("code", error)] if error else [],
        error=error,
        ballot=b,
        code=code if raw is not None else "",
        checked=checked,
        found=found,
        closes=when(b.closes_at),
    )
