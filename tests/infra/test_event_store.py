"""The event store on a real PostgreSQL: group commit, positions, conflicts."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from coop.application import Coop
from coop.domain.membership.members import AlreadyApplied, Member
from tests.people import details


def test_a_command_returns_the_position_of_its_last_event(coop: Coop, db_url: str) -> None:
    done = coop.apply_for_membership(details("Amira Hassan"))
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT notification_id, topic FROM coop_events ORDER BY notification_id"
        ).fetchall()
    assert rows[-1][0] == done.position
    assert [t for _, t in rows] == [
        "coop.domain.membership:Member.Applied",
        "coop.domain.claims:Claim.Made",
    ]
    assert isinstance(coop.repository.get(done.subject), Member)


def test_32_concurrent_writers_lose_no_event_and_share_saves(coop: Coop, db_url: str) -> None:
    start = threading.Barrier(32)

    def apply(i: int) -> int:
        start.wait()
        return coop.apply_for_membership(details(f"Person Number{i}")).position

    with ThreadPoolExecutor(32) as pool:
        positions = list(pool.map(apply, range(320)))
    with psycopg.connect(db_url) as conn:
        ids = [r[0] for r in conn.execute("SELECT notification_id FROM coop_events ORDER BY 1")]
        members = conn.execute(
            "SELECT count(*) FROM coop_events WHERE topic LIKE '%Member.Applied'"
        ).fetchone()
    assert len(ids) == 640 and len(set(ids)) == 640
    assert members == (320,)
    assert sorted(positions) == sorted(set(positions))  # every command its own last event
    assert set(positions) <= set(ids)


def test_a_conflicting_save_fails_alone_when_grouped_with_others(coop: Coop, db_url: str) -> None:
    """Racing applications with one shared e-mail: exactly one wins; the others in the same groups succeed."""
    start = threading.Barrier(16)
    outcomes: list[str] = []

    def apply(i: int) -> None:
        start.wait()
        name = "Same Person" if i % 2 == 0 else f"Other Person{i}"
        try:
            coop.apply_for_membership(details(name))
            outcomes.append("ok" if i % 2 else "same-ok")
        except AlreadyApplied:
            outcomes.append("duplicate")

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(apply, range(16)))
    assert outcomes.count("same-ok") == 1
    assert outcomes.count("duplicate") == 7
    assert outcomes.count("ok") == 8
    with psycopg.connect(db_url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM coop_events WHERE topic LIKE '%Member.Applied'"
        ).fetchone() == (9,)


def test_the_same_email_in_another_case_is_a_duplicate(coop: Coop) -> None:
    coop.apply_for_membership(details("Amira Hassan", email="amira@example.org"))
    with pytest.raises(AlreadyApplied, match="already applied with this email"):
        coop.apply_for_membership(details("Amira Hassan", email="AMIRA@Example.org"))


def test_applicants_without_email_are_not_treated_as_duplicates(coop: Coop) -> None:
    coop.apply_for_membership(details("Robert Clarke", email="", phone="0113 496 0001"))
    coop.apply_for_membership(details("Margaret Holt", email="", phone="0113 496 0002"))
