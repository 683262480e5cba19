"""The rules' versions (when, by which resolution) and the rules each ballot proposes."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg
import msgspec

from coop.domain.governance.ballots import Ballot
from coop.domain.governance.rules import RuleBook, Rules
from coop.projections.base import Projection, Statement

rules = Projection("rules", tables=("rules_versions", "ballot_proposed_rules"))


def _json(book: RuleBook) -> str:
    return msgspec.json.encode(book).decode()


@rules.on(Rules.Adopted, Rules.Amended)
def versioned(e: Rules.Adopted | Rules.Amended, position: int) -> list[Statement]:
    ballot_id = e.ballot_id if isinstance(e, Rules.Amended) else None
    return [
        (
            "INSERT INTO {rules_versions} (version, rules, adopted_on, ballot_id, reference)"
            " VALUES ($1, $2::jsonb, $3, $4, $5)",
            (e.originator_version, _json(e.rules), e.on, ballot_id, e.reference),
        )
    ]


@rules.on(Ballot.Drafted)
def proposed(e: Ballot.Drafted, position: int) -> list[Statement]:
    if e.proposed_rules is None:
        return []
    return [
        (
            "INSERT INTO {ballot_proposed_rules} (ballot_id, rules) VALUES ($1, $2::jsonb)",
            (e.originator_id, _json(e.proposed_rules)),
        )
    ]


# Queries ------------------------------------------------------------------------------


class RulesVersion(msgspec.Struct, frozen=True, kw_only=True):
    """One version of the rules: what they said, from when, and which resolution made it."""

    version: int
    rules: RuleBook
    adopted_on: date
    ballot_id: UUID | None
    ballot_title: str | None
    reference: str


def _version(row: asyncpg.Record) -> RulesVersion:
    return RulesVersion(
        version=row["version"],
        rules=msgspec.json.decode(row["rules"], type=RuleBook),
        adopted_on=row["adopted_on"],
        ballot_id=row["ballot_id"],
        ballot_title=row["title"],
        reference=row["reference"],
    )


async def rules_versions(pool: asyncpg.Pool) -> list[RulesVersion]:
    """Every version of the rules, the one in force last."""
    rows = await pool.fetch(
        "SELECT v.version, v.rules, v.adopted_on, v.ballot_id, b.title, v.reference"
        " FROM rules_versions v LEFT JOIN ballots b ON b.ballot_id = v.ballot_id"
        " ORDER BY v.version"
    )
    return [_version(r) for r in rows]


async def proposed_rules(pool: asyncpg.Pool, ballot_id: UUID) -> RuleBook | None:
    """The rules this ballot proposes, if it is a special resolution to change them."""
    found = await pool.fetchval(
        "SELECT rules FROM ballot_proposed_rules WHERE ballot_id = $1", ballot_id
    )
    return None if found is None else msgspec.json.decode(found, type=RuleBook)


async def rules_version(pool: asyncpg.Pool, version: int) -> RuleBook | None:
    """The rules as ``version`` of them said, or None if there is no such version."""
    found = await pool.fetchval("SELECT rules FROM rules_versions WHERE version = $1", version)
    return None if found is None else msgspec.json.decode(found, type=RuleBook)
