"""The governance record's read model: every decision in order, with its provenance."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import Mark
from coop.infra.sealing import master_key
from coop.projections.reports.queries import RecordEvent, _Coverage, decisions, record_years
from coop.projections.runner import by_name, catch_up, rebuild
from tests.app.finance.test_periods import a_year_of_books
from tests.app.governance.test_ballots import TRUSTEE, amira_changes_her_mind, co_op, resolution
from tests.conftest import SECRET, TODAY
from tests.people import details

MASTER = master_key(SECRET)


def counted_resolution(coop: Coop, clock: FixedClock, *, secret: bool = False) -> None:
    """Six members admitted, Ewan (a PA) declares an interest, and a resolution is carried."""
    electors = co_op(coop)
    ballot = resolution(coop, clock, secret=secret)
    coop.declare_interest(ballot, electors[3].member_id, "I am a PA: my own pay")
    coop.open_ballot(ballot, electors)
    for member, answer in amira_changes_her_mind(electors):
        coop.cast_vote(ballot, member, Mark(answer=answer), cast_by=member)
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)


async def _caught_up(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)


async def test_every_decision_is_in_the_record_in_the_order_it_was_taken(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    counted_resolution(coop, clock)
    refused = coop.apply_for_membership(details("Grace Okafor")).subject
    coop.refuse(
        refused,
        reason="We are not taking members from outside Leeds",
        by=TRUSTEE,
        minute_reference="BM-2",
    )
    await _caught_up(pool)

    record = await decisions(pool)
    assert [d.kind for d in record] == ["rule change", *["admission"] * 6, "resolution", "refusal"]
    positions = [d.position for d in record]
    assert positions == sorted(positions)
    rules, first, *_, ballot, refusal = record
    assert (
        rules.outcome == "Rules version 1 in force" and rules.reference == "AGM 2026 resolution 1"
    )
    assert first.title == "Membership number 1 admitted (user member)"
    assert first.reference == "BM-1" and first.decided_on == TODAY

    assert ballot.title == "Raise PA pay by 50p an hour"
    assert ballot.electorate == {"user": 2, "carer": 1, "pa": 3}
    assert ballot.rules_version == 1
    assert [(d.member, d.interest) for d in ballot.declarations] == [
        ("Ewan McAllister", "I am a PA: my own pay")
    ]
    assert ballot.result is not None and ballot.result["carried"] is True
    assert ballot.outcome.startswith("Carried")
    assert [e.what for e in ballot.events] == [
        "Drafted",
        "An interest declared",
        "Voting opened",
        "Voting closed",
        "Counted and the result published",
    ]
    assert ballot.events[-1] == RecordEvent(ballot.position, "Counted and the result published")

    # The refusal's reason is the applicant's own: the record shows only the decision.
    assert refusal.title == "An application for membership refused"
    assert "Leeds" not in repr(refusal)
    assert refusal.checkpoint is None  # no checkpoint has been made yet

    assert [d.kind for d in await decisions(pool, kind="resolution")] == ["resolution"]
    assert await record_years(pool) == [TODAY.year]
    assert await decisions(pool, year=TODAY.year - 1) == []


async def test_the_record_is_rebuilt_exactly_from_the_events(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    counted_resolution(coop, clock, secret=True)
    await _caught_up(pool)
    before = await decisions(pool)
    ballot = before[-1]
    assert ballot.secret and ballot.result is not None
    assert ballot.result["turnout"] == {"user": 2, "carer": 1, "pa": 3}
    async with pool.acquire() as conn:
        await conn.execute(
            "DELETE FROM record_decisions WHERE kind = 'admission'"
        )  # as a bug might
        await rebuild(conn, by_name("record"), MASTER)
    assert await decisions(pool) == before


async def test_the_money_decisions_are_in_the_record_with_who_made_them(
    coop: Coop, db_url: str, pool: asyncpg.Pool
) -> None:
    people, period = a_year_of_books(coop, db_url)
    coop.close_period(period, minute="Board 2026/05 minute 2", by=people.trustee)
    coop.declare_distributable(
        period, pence=396_504, minute="Board 2026/05 minute 3", by=people.trustee
    )
    await _caught_up(pool)
    record = await decisions(pool)
    assert [d.kind for d in record] == [
        "rule change",
        "rate change",
        "period close",
        "surplus declaration",
    ]
    _, rates, closed, declared = record
    assert rates.made_by == "Ruth Adeyemi" and rates.reference == "Board 2025/03 minute 4"
    assert rates.outcome == (
        "From 1 April 2025: care charged at £28.00 an hour, PAs paid £14.80 an hour"
    )
    assert closed.title.startswith("The books closed for 2025 to 2026 (1 April 2025")
    assert closed.outcome == "Closed: surplus £4,405.60"
    assert closed.reference == "Board 2026/05 minute 2"
    assert [e.what for e in closed.events] == ["Period opened", "Books closed"]
    assert declared.outcome == (
        "£3,965.04 to reinvest, of a surplus of £4,405.60 (10% kept in reserve)"
    )
    assert declared.made_by == "Ruth Adeyemi"


def test_an_entry_is_covered_by_the_first_checkpoint_that_reaches_its_place_in_the_chain() -> None:
    # Positions 7 to 9 were never used (rolled back): position 10 is the 7th link.
    coverage = _Coverage(gaps=[(10, 3)], checkpoints=[(6, 1), (7, 2), (20, 3)])
    assert coverage.covering(6) == (1, 6)
    assert coverage.covering(10) == (2, 7)
    assert coverage.covering(11) == (3, 20)
    assert coverage.covering(24) is None  # the 21st link: no checkpoint reaches it yet
