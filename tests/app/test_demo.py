"""The demo co-op: two believable years of history, built through the real commands."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from coop.application import Coop
from coop.clock import FixedClock, today
from coop.demo.story import build_demo
from coop.infra.sealing import master_key
from coop.projections.membership.carers import links_of_user
from coop.projections.membership.queries import applications_awaiting_decision, members_list
from coop.projections.membership.registers import register_of_members, register_of_trustees
from coop.projections.runner import catch_up
from tests.conftest import SECRET


async def test_the_demo_has_two_years_of_joiners_leavers_trustees_and_one_erasure(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    build_demo(coop, clock.now())
    async with pool.acquire() as conn:
        await catch_up(conn, master_key(SECRET))
    now = today(clock)
    register = await register_of_members(pool, now)
    ceased = [line for line in register if line.date_ceased]
    assert len(register) == 32 and len(ceased) == 5
    assert {line.how_ceased for line in ceased} == {"death", "withdrawal", "cessation"}
    assert [line.name for line in register if line.erased] == ["Erased"]
    assert min(line.date_entered for line in register).year == 2012  # from the old spreadsheet
    a_year_ago = await register_of_members(pool, now - timedelta(days=365))
    assert 10 < len(a_year_ago) < len(register)
    trustees = await register_of_trustees(pool, now)
    in_office = {t.name for t in trustees if t.left_on is None and t.office == "trustee"}
    assert "Grace Okafor" in in_office and "Marcus Boateng" in in_office and len(in_office) == 4
    assert len(await applications_awaiting_decision(pool)) == 4
    classes = {m.name: m.member_class for m in await members_list(pool)}
    assert classes["Callum Fraser"] == "carer"
    siobhan = next(m for m in await members_list(pool, "Siobhan Kelly"))
    assert [link.state for link in await links_of_user(pool, siobhan.member_id)] == ["consented"]


def test_running_the_demo_again_only_gives_the_trustee_a_new_password(
    coop: Coop, clock: FixedClock
) -> None:
    first = build_demo(coop, clock.now())
    events = coop.recorder.max_notification_id()
    second = build_demo(coop, clock.now())
    assert first != second
    assert coop.recorder.max_notification_id() == (events or 0) + 1  # one PasswordChanged


async def test_the_demo_has_rules_last_years_counted_ballots_and_an_open_surplus_ballot(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    build_demo(coop, clock.now())
    async with pool.acquire() as conn:
        await catch_up(conn, master_key(SECRET))
    rows = await pool.fetch(
        "SELECT kind, state, secret, electorate, result FROM ballots ORDER BY drafted_position"
    )
    assert [(r["kind"], r["state"]) for r in rows] == [
        ("resolution", "counted"),
        ("election", "counted"),
        ("reinvestment", "open"),
    ]
    assert 10 < rows[0]["electorate"] < 32  # the members of that day, not of today
    assert coop.rules_in_force().version == 1
    proposals = await pool.fetch(
        "SELECT title, state, cost_pence, rate FROM ballot_proposals ORDER BY position"
    )
    assert [(p["state"], p["rate"]) for p in proposals] == [
        ("listed", "pa_pay"),
        ("listed", ""),
        ("listed", ""),
        ("listed", ""),
        ("declined", ""),
    ]
    assert proposals[0]["cost_pence"] == 780_000  # 50p × 15,600 hours
