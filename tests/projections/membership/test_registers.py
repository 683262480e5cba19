"""The registers as at any date, from the projection, equal a fresh fold of the events."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import asyncpg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop.application import Coop
from coop.clock import FixedClock, today
from coop.domain.errors import CoopError
from coop.domain.membership import registers as fold
from coop.domain.membership.member_details import (
    Cessation,
    ContactDetails,
    ContactMethod,
    MemberClass,
    Office,
    ShareSettlement,
)
from coop.infra.sealing import master_key
from coop.projections.membership.registers import register_of_members, register_of_trustees
from coop.projections.runner import catch_up
from tests.conftest import SECRET
from tests.people import details

TRUSTEE = uuid4()
NAMES = [
    "Amira Hassan",
    "Tom Whitfield",
    "Priya Raman",
    "Łukasz Wójcik",
    "Siobhan Kelly",
    "Ewan McAllister",
]

# One step of a co-op's history: (which person, what happens, days later).
ACTIONS = st.sampled_from(
    [
        "apply",
        "admit",
        "refuse",
        "update",
        "class",
        "property",
        "trustee",
        "secretary",
        "stand_down",
        "cease",
        "settle",
        "erase",
    ]
)
STEPS = st.lists(st.tuples(st.integers(0, 5), ACTIONS, st.integers(0, 40)), min_size=1, max_size=30)


def step(
    coop: Coop, clock: FixedClock, people: dict[int, UUID], who: int, action: str, days: int
) -> None:
    """Try one step; a refused command is part of history too (nothing happens)."""
    clock.advance(timedelta(days=days))
    member = people.get(who)
    try:
        if action == "apply" or member is None:
            email = f"{who}.{uuid4().hex[:8]}@example.org"
            people[who] = coop.apply_for_membership(details(NAMES[who], email=email)).subject
        elif action == "admit":
            coop.admit(member, by=TRUSTEE, minute_reference="BM-1", amount_paid_pence=days % 101)
        elif action == "refuse":
            coop.refuse(member, by=TRUSTEE, reason="Not eligible", minute_reference="BM-2")
        elif action == "update":
            coop.update_details(
                member,
                ContactDetails(
                    name=f"{NAMES[who]} {days}",
                    preferred_name="",
                    email=f"new{days}@example.org",
                    phone="",
                    address=f"{days} Chapel Street\nLeeds",
                    postcode="LS6 3AA",
                    contact_methods=(ContactMethod.LETTER,),
                    access_needs="",
                ),
                by=TRUSTEE,
            )
        elif action == "class":
            coop.change_class(member, list(MemberClass)[days % 3], by=TRUSTEE, reference="BM-3")
        elif action == "property":
            coop.record_property(
                member, loans_pence=days * 1000, deposits_pence=days * 7, by=TRUSTEE
            )
        elif action in ("trustee", "secretary"):
            coop.take_office(member, Office(action), by=TRUSTEE, reference="AGM-1")
        elif action == "stand_down":
            coop.leave_office(member, Office.TRUSTEE, by=TRUSTEE, reference="BM-4")
        elif action == "cease":
            on = today(clock) - timedelta(days=days % 3)
            coop.cease(member, list(Cessation)[days % 4], on=on, by=TRUSTEE, reference="GM-1")
        elif action == "settle":
            coop.settle_share(member, list(ShareSettlement)[days % 2], by=TRUSTEE)
        elif action == "erase":
            coop.erase(member, by=TRUSTEE, retention_years=0)
    except CoopError:
        pass


def log(coop: Coop) -> list[object]:
    """Every event in the log, decoded afresh."""
    return [
        coop.mapper.to_domain_event(n)
        for n in coop.recorder.select_notifications(start=1, limit=100_000)
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
async def test_the_register_as_at_any_date_equals_a_replay_of_the_events(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, steps: list[tuple[int, str, int]]
) -> None:
    start = today(clock)
    people: dict[int, UUID] = {}
    for who, action, days in steps:
        step(coop, clock, people, who, action, days)
    async with pool.acquire() as conn:
        await catch_up(conn, master_key(SECRET))
    events = log(coop)
    day = start - timedelta(days=1)
    while day <= today(clock) + timedelta(days=1):
        assert await register_of_members(pool, day) == fold.register_of_members(events, day), day
        assert await register_of_trustees(pool, day) == fold.register_of_trustees(events, day), day
        day += timedelta(days=3)


async def test_a_member_who_moved_shows_the_old_address_before_the_move(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    amira = coop.apply_for_membership(details("Amira Hassan")).subject
    coop.admit(amira, by=TRUSTEE, minute_reference="BM-1")
    admitted_on = today(clock)
    clock.advance(timedelta(days=30))
    coop.update_details(
        amira,
        ContactDetails(
            name="Amira Hassan",
            preferred_name="Amira",
            email="amira.hassan@example.org",
            phone="0113 496 0000",
            address="3 Kirkstall Lane\nLeeds",
            postcode="LS5 3BE",
            contact_methods=(ContactMethod.EMAIL,),
            access_needs="",
        ),
        by=amira,
    )
    clock.advance(timedelta(days=30))
    coop.cease(amira, Cessation.WITHDRAWAL, on=today(clock), by=amira)
    async with pool.acquire() as conn:
        await catch_up(conn, master_key(SECRET))

    before = await register_of_members(pool, admitted_on + timedelta(days=29))
    after = await register_of_members(pool, admitted_on + timedelta(days=30))
    ceased = await register_of_members(pool, today(clock))
    assert await register_of_members(pool, admitted_on - timedelta(days=1)) == []
    assert before[0].address.startswith("14 Roundhay Road") and before[0].date_ceased is None
    assert after[0].address.startswith("3 Kirkstall Lane")
    assert ceased[0].date_ceased == today(clock) and ceased[0].how_ceased == "withdrawal"
    assert [line.membership_number for line in ceased] == [1]  # ceased entries are kept


async def test_the_register_of_trustees_keeps_terms_that_ended(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    grace = coop.apply_for_membership(details("Grace Okafor")).subject
    coop.admit(grace, by=TRUSTEE, minute_reference="BM-1")
    coop.take_office(grace, Office.TRUSTEE, by=TRUSTEE, reference="AGM 2026 resolution 3")
    coop.take_office(grace, Office.SECRETARY, by=TRUSTEE, reference="BM-7")
    appointed = today(clock)
    clock.advance(timedelta(days=365))
    coop.leave_office(grace, Office.TRUSTEE, by=TRUSTEE, reference="AGM 2027: term ended")
    async with pool.acquire() as conn:
        await catch_up(conn, master_key(SECRET))

    during = await register_of_trustees(pool, appointed + timedelta(days=100))
    later = await register_of_trustees(pool, today(clock))
    assert [(t.office, t.left_on) for t in during] == [("secretary", None), ("trustee", None)]
    assert [(t.office, t.left_on) for t in later] == [
        ("secretary", today(clock)),
        ("trustee", today(clock)),
    ]
    assert later[1].appointed_reference == "AGM 2026 resolution 3"
    assert date(2026, 11, 23) == appointed
