"""The governance record: every decision in order, with how it was reached (page, CSV, JSON).

Members can see how every decision was reached (SPEC: People and roles); trustees
and auditors read it too. Each decision names its events by their positions in
the log and the signed checkpoint that covers them, with a proof of inclusion
anyone can check against that checkpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Annotated, Any

import msgspec
from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, Parameter
from litestar.response import Response, Template

from coop.domain.counting.resolution import TABLE_COLUMNS
from coop.infra.documents.csv_files import csv_bytes
from coop.projections.reports.queries import (
    KINDS,
    Decision,
    decisions,
    decisions_page,
    proof_of_inclusion,
    record_years,
)
from coop.web.forms import one_answer
from coop.web.pages import page
from coop.web.paging import page_asked, paging
from coop.web.problems import Problem
from coop.web.services import services
from coop.web.words import class_name, day, in_class_order, percent, when

KIND_NAMES = {
    "admission": "Admissions",
    "refusal": "Refusals of membership",
    "resolution": "Resolutions",
    "election": "Elections",
    "reinvestment": "Reinvestments",
    "rule change": "Rule changes",
    "rate change": "Rate changes",
    "period close": "Books closed",
    "surplus declaration": "Surplus declared",
}


class RecordFilter(msgspec.Struct, frozen=True):
    """What the reader asked to see: one kind of decision, one year, or everything."""

    kind: str | None = None
    year: int | None = None


def record_filter(query: Mapping[str, Any]) -> tuple[RecordFilter, dict[str, str]]:
    """The filter asked for, and what is wrong with it (by field); a wrong part is ignored."""
    kind, year, errors = one_answer(query, "kind"), one_answer(query, "year").strip(), {}
    if kind and kind not in KINDS:
        errors["kind"] = "Choose a kind of decision from the list"
    if year and not (year.isdigit() and len(year) == 4):
        errors["year"] = "Enter the year as 4 digits, like 2026"
    return (
        RecordFilter(
            kind=kind if kind in KINDS else None,
            year=int(year) if year and "year" not in errors else None,
        ),
        errors,
    )


def _turnout(d: Decision) -> list[tuple[str, int, int, str]]:
    """(class, electors, voted, turnout) per class with electors, in the classes' order."""
    voted = (d.result or {}).get("turnout", {})
    return [
        (class_name(c), n, voted.get(c, 0), percent(Fraction(voted.get(c, 0), n)))
        for c, n in sorted((d.electorate or {}).items(), key=lambda i: in_class_order(i[0]))
        if n
    ]


def decision_view(d: Decision) -> dict[str, Any]:
    """A decision arranged for the page: words for the reader, tables for the tallies."""
    result = d.result or {}
    return {
        "d": d,
        "anchor": f"decision-{d.position}",
        "kind_name": d.kind.capitalize(),
        "decided_on": day(d.decided_on) if d.decided_on else None,
        "opened": when(d.opened_at) if d.opened_at else None,
        "turnout": _turnout(d),
        "table": [[class_name(row[0]), *row[1:]] for row in result.get("table", [])],
        "elected": result.get("elected", []),
        "quota": result.get("quota"),
        "selected": result.get("selected", []),
        "supported_votes": result.get("supported_votes", 0),
        "without_conflicted": (result.get("without_conflicted") or {}).get("status"),
    }


async def _record(
    request: Request[Any, Any, Any],
) -> tuple[RecordFilter, dict[str, str], list[Decision]]:
    asked, errors = record_filter(request.query_params)
    found = await decisions(services(request.app).pool, kind=asked.kind, year=asked.year)
    return asked, errors, found


DECISIONS_PER_PAGE = 25  # each shows its tallies: a page stays short to read and to load


@get("/record")
async def record_page(request: Request[Any, Any, Any]) -> Template:
    asked, errors = record_filter(request.query_params)
    number, window = page_asked(request.query_params, DECISIONS_PER_PAGE)
    pool = services(request.app).pool
    found = await decisions_page(pool, kind=asked.kind, year=asked.year, window=window)
    keep = {"kind": asked.kind or "", "year": str(asked.year or "")}
    return page(
        request,
        "reports/record.html",
        status=422 if errors else 200,
        errors=list(errors.items()),
        field_errors=errors,
        values={
            "kind": one_answer(request.query_params, "kind"),
            "year": one_answer(request.query_params, "year"),
        },
        asked=asked,
        kinds=[(k, KIND_NAMES[k]) for k in KINDS],
        years=await record_years(pool),
        paged=paging("/record", keep, number, found.total, DECISIONS_PER_PAGE),
        decisions=[decision_view(d) for d in found.rows],
        query=request.url.query,
        table_columns=TABLE_COLUMNS,
    )


CSV_FIELDS = (
    "position",
    "decided_on",
    "kind",
    "title",
    "outcome",
    "made_by",
    "reference",
    "secret",
    "rules_version",
    "electorate",
    "turnout",
    "declarations",
    "events",
    "checkpoint",
)


def _by_class(counts: Mapping[str, int]) -> str:
    """'user 2; carer 1; pa 3', in the classes' order."""
    return "; ".join(f"{c} {counts[c]}" for c in sorted(counts, key=in_class_order))


def _csv_row(d: Decision) -> list[object]:
    return [
        d.position,
        d.decided_on,
        d.kind,
        d.title,
        d.outcome,
        d.made_by or "",
        d.reference,
        "yes" if d.secret else "no",
        d.rules_version if d.rules_version is not None else "",
        _by_class(d.electorate or {}),
        _by_class((d.result or {}).get("turnout", {})),
        "; ".join(f"{x.member}: {x.interest}" for x in d.declarations),
        "; ".join(f"{e.position} {e.what}" for e in d.events),
        d.checkpoint if d.checkpoint is not None else "",
    ]


@get("/record.csv")
async def record_csv(request: Request[Any, Any, Any]) -> Response[bytes]:
    asked, errors, found = await _record(request)
    if errors:
        raise Problem(422, "The filter is not right", errors)
    name = "-".join(["governance-record", *([str(asked.year)] if asked.year else [])])
    return Response(
        csv_bytes(CSV_FIELDS, [_csv_row(d) for d in found]),
        media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="{name}.csv"'},
    )


class RecordJson(msgspec.Struct, kw_only=True):
    """The governance record, or the part asked for, each decision as recorded."""

    kind: str | None
    year: int | None
    decisions: list[Decision]


_ONE_OF_THE_KINDS = "^(" + "|".join(KINDS) + ")$"


@get("/api/record", tags=["coop"], summary="The governance record: every decision, in order")
async def record_json(
    request: Request[Any, Any, Any],
    kind: Annotated[
        str | None,
        Parameter(description="One kind of decision only", pattern=_ONE_OF_THE_KINDS),
    ] = None,
    year: Annotated[
        str | None, Parameter(description="The year decided, e.g. 2026", pattern="^[0-9]{4}$")
    ] = None,
) -> RecordJson:
    """Litestar refuses a kind or year not in these forms (400, naming the parameter)."""
    found = await decisions(services(request.app).pool, kind=kind, year=int(year) if year else None)
    return RecordJson(kind=kind, year=int(year) if year else None, decisions=found)


@get("/record/proofs/{position:int}/{checkpoint_id:int}")
async def record_proof(
    request: Request[Any, Any, Any], position: FromPath[int], checkpoint_id: FromPath[int]
) -> Response[str]:
    proof = await proof_of_inclusion(services(request.app).pool, position, checkpoint_id)
    if proof is None:
        raise NotFoundException(f"Checkpoint {checkpoint_id} does not cover entry {position}.")
    return Response(
        proof + "\n",
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="entry-{position}-proof.json"'},
    )
