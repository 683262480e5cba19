"""The proposals read model: what members proposed and what the trustees decided."""

from __future__ import annotations

import asyncpg

from coop.application import Coop
from coop.clock import FixedClock
from coop.infra.sealing import master_key
from coop.projections.governance.queries import proposals
from coop.projections.runner import by_name, catch_up, rebuild
from tests.app.governance.test_ballots import TRUSTEE
from tests.app.governance.test_proposals import invited
from tests.conftest import SECRET

MASTER = master_key(SECRET)


async def test_proposals_and_their_fate_are_the_same_after_a_rebuild(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, db_url: str
) -> None:
    ballot, electors = invited(coop, clock, db_url)
    ewan, priya = electors[3].member_id, electors[2].member_id
    pay = coop.propose_option(
        ballot,
        ewan,
        title="50p an hour more for PAs",
        description="From April.",
        benefits="pas",
        rate="pa_pay",
        pence_per_hour=50,
    ).subject
    respite = coop.propose_option(
        ballot,
        priya,
        title="Respite breaks for carers",
        description="Weekends.",
        benefits="carers",
        cost_pence=200_000,
    ).subject
    party = coop.propose_option(
        ballot, priya, title="A party", description="Fun.", benefits="everyone", cost_pence=1
    ).subject
    coop.list_proposal(ballot, pay, by=TRUSTEE)
    coop.decline_proposal(ballot, respite, reason="Already funded.", by=TRUSTEE)
    coop.withdraw_proposal(ballot, party, member_id=priya)
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
        caught_up = await proposals(pool, ballot)
        await rebuild(conn, by_name("governance"), MASTER)
    rebuilt = await proposals(pool, ballot)
    assert rebuilt == caught_up
    assert [(p.title, p.state, p.on_ballot, p.reason, p.cost_pence) for p in rebuilt] == [
        ("50p an hour more for PAs", "listed", True, "", 12_000),  # 50p × 240 hours
        ("Respite breaks for carers", "declined", False, "Already funded.", 200_000),
        ("A party", "withdrawn", False, "", 1),
    ]
    options = await pool.fetchval("SELECT options FROM ballots WHERE ballot_id = $1", ballot)
    assert "50p an hour more for PAs" in options
