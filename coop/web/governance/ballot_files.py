"""A counted ballot's papers as a standard file, so anyone can recount it with another tool
or ``coop count``: an election as BLT, a reinvestment ballot as pabulib (.pb).

A secret ballot's file is made from its published papers only, in their published
(shuffled) order; a ballot that was not secret, from each voter's last mark, with no
member named. Either way the file holds what the count counted.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from coop.domain.counting import equal_shares, stv
from coop.domain.counting.blt import write_blt
from coop.domain.counting.pabulib import write_pabulib
from coop.projections.governance.queries import BallotView, MarkCast, marks_cast
from coop.projections.governance.rules import rules_version
from coop.web.governance.lookups import ballot_named
from coop.web.services import services

# Neither format has a registered media type; both are plain text, which Litestar
# marks as UTF-8 (the encoding written).
MEDIA_TYPE = "text/plain"
_FORMATS = {"election": "BLT file", "reinvestment": "pabulib (.pb) file"}
_WHOSE = {"election": "an election's", "reinvestment": "a reinvestment ballot's"}


@get("/ballots/{ballot_id:uuid}/results.blt")
async def election_file(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Response[bytes]:
    """A counted election's ballot papers as a BLT file (any Scottish STV program reads it)."""
    b = await _counted(request, ballot_id, "election")
    candidates = [stv.Candidate(o["id"], o["label"], o.get("member_class", "")) for o in b.options]
    rankings = [tuple(m["ranking"]) for _, m in await _marks(request, b)]
    text = write_blt(candidates, rankings, b.seats, b.title)
    return _download(text, f"{_slug(b.title)}.blt")


@get("/ballots/{ballot_id:uuid}/results.pb")
async def reinvestment_file(
    request: Request[Any, Any, Any], ballot_id: FromPath[UUID]
) -> Response[bytes]:
    """A counted reinvestment ballot's papers as a pabulib file, class weights included."""
    b = await _counted(request, ballot_id, "reinvestment")
    assert b.rules_version is not None, "a counted ballot opened under a version of the rules"
    rules = await rules_version(services(request.app).pool, b.rules_version)
    assert rules is not None, "the rules a ballot opened under are on record"
    projects = [equal_shares.Project(o["id"], o["label"], o["cost_pence"]) for o in b.options]
    marks = await _marks(request, b)
    voters = [equal_shares.Voter(str(n), c) for n, (c, _) in enumerate(marks, start=1)]
    approvals = {str(n): frozenset(m["approvals"]) for n, (_, m) in enumerate(marks, start=1)}
    text = write_pabulib(projects, voters, approvals, b.budget_pence, rules.weights(), b.title)
    return _download(text, f"{_slug(b.title)}.pb")


async def _counted(request: Request[Any, Any, Any], ballot_id: UUID, kind: str) -> BallotView:
    """The ballot, if it is of ``kind`` and counted; otherwise a 404 page saying why."""
    b = await ballot_named(request, ballot_id)
    if b.kind != kind:
        other = f" This ballot's are a {_FORMATS[b.kind]}." if b.kind in _FORMATS else ""
        raise NotFoundException(
            f"Only {_WHOSE[kind]} papers are published as a {_FORMATS[kind]}.{other}"
        )
    if b.result is None:
        raise NotFoundException(
            "This ballot has not been counted yet: its papers are published when voting has "
            "closed and the votes are counted."
        )
    return b


async def _marks(
    request: Request[Any, Any, Any], b: BallotView
) -> list[tuple[str, dict[str, Any]]]:
    """(class, mark) of every paper counted: a secret ballot's as published, never a member's."""
    if b.secret:
        papers = (b.result or {}).get("papers", [])
        return [(p.get("member_class", ""), p["mark"]) for p in papers]
    cast: list[MarkCast] = await marks_cast(services(request.app).pool, b.ballot_id)
    return [(m.member_class, m.mark) for m in cast]


def _slug(title: str) -> str:
    """The title as a file name: "Trustee election 2026" -> "trustee-election-2026"."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "ballot"


def _download(text: str, filename: str) -> Response[bytes]:
    return Response(
        text.encode(),
        media_type=MEDIA_TYPE,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
