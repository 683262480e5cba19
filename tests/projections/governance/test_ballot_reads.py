"""The governance read model: an election's reserved seats, as fixed when it opened."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import asyncpg

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import BallotKind, Elector, Option
from coop.domain.governance.rules import model_rules
from coop.domain.governance.seats import Trustee
from coop.infra.sealing import master_key
from coop.projections.governance.queries import SeatsReserved, ballot
from coop.projections.runner import by_name, catch_up, rebuild
from tests.conftest import SECRET

MASTER = master_key(SECRET)
TRUSTEE = uuid4()


async def test_an_elections_reserved_seats_read_as_fixed_at_opening_and_survive_a_rebuild(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026 resolution 1")
    amira, ewan = uuid4(), uuid4()
    election = coop.draft_ballot(
        kind=BallotKind.ELECTION,
        title="Trustee election 2026",
        question="Elect two trustees",
        seats=2,
        options=(
            Option(id=str(amira), label="Amira Hassan", member_class="user"),
            Option(id=str(ewan), label="Ewan McAllister", member_class="pa"),
        ),
        opens_at=clock.now(),
        closes_at=clock.now() + timedelta(days=7),
        by=TRUSTEE,
    ).subject
    staying = Trustee(uuid4(), "user", date(2026, 6, 1))
    coop.open_ballot(election, [Elector(amira, "user")], [staying])
    resolution = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Raise PA pay",
        question="Raise PA pay by 50p an hour?",
        opens_at=clock.now(),
        closes_at=clock.now() + timedelta(days=7),
        by=TRUSTEE,
    ).subject
    coop.open_ballot(resolution, [Elector(amira, "user")], [staying])
    async with pool.acquire() as conn:
        await catch_up(conn, MASTER)
    found = await ballot(pool, election)
    assert found is not None and found.seats_reserved == SeatsReserved(
        reserved=[("user", 1), ("carer", 1), ("pa", 0)],
        rules_reserve=[("user", 2), ("carer", 1), ("pa", 1)],
        continuing=[staying],
    )
    other = await ballot(pool, resolution)
    assert other is not None and other.seats_reserved is None

    before = [tuple(r) for r in await pool.fetch("SELECT * FROM ballots ORDER BY ballot_id")]
    async with pool.acquire() as conn:
        await conn.execute("UPDATE ballots SET reserved = NULL")  # damage, as a bug might
        await rebuild(conn, by_name("governance"), MASTER)
    assert [
        tuple(r) for r in await pool.fetch("SELECT * FROM ballots ORDER BY ballot_id")
    ] == before
