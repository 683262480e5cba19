"""Admitting and refusing on the real event store, including racing trustees."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.membership.members import AlreadyDecided, ApplicationNotFound
from coop.infra.db import eventsourcing_env
from tests.conftest import SECRET
from tests.people import details


def test_admitting_allots_gapless_numbers_in_order(coop: Coop) -> None:
    ids = [coop.apply_for_membership(details(f"Member Number{i}")).subject for i in range(5)]
    trustee = uuid4()
    for member_id in ids:
        coop.admit(member_id, by=trustee, minute_reference="B1")
    assert [coop.repository.get(i).number for i in ids] == [1, 2, 3, 4, 5]


def test_refused_applicants_get_no_number_and_leave_no_gap(coop: Coop) -> None:
    a, b, c = (
        coop.apply_for_membership(details(n)).subject for n in ("Ann Lee", "Bob Roy", "Cat Ward")
    )
    coop.admit(a, by=uuid4(), minute_reference="B1")
    coop.refuse(b, by=uuid4(), reason="Not eligible", minute_reference="B1")
    coop.admit(c, by=uuid4(), minute_reference="B1")
    assert (
        coop.repository.get(a).number,
        coop.repository.get(b).number,
        coop.repository.get(c).number,
    ) == (1, None, 2)


def test_two_trustees_admitting_at_once_never_duplicate_or_skip_a_number(coop: Coop) -> None:
    ids = [coop.apply_for_membership(details(f"Racing Applicant{i}")).subject for i in range(40)]
    start = threading.Barrier(8)

    def admit_share(k: int) -> None:
        start.wait()
        for member_id in ids[k::8]:
            coop.admit(member_id, by=uuid4(), minute_reference=f"B{k}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(admit_share, range(8)))
    numbers = sorted(coop.repository.get(i).number for i in ids)
    assert numbers == list(range(1, 41))


def test_the_same_applicant_admitted_twice_at_once_is_admitted_once(coop: Coop) -> None:
    member_id = coop.apply_for_membership(details("Daniel Novak")).subject
    start = threading.Barrier(6)
    results: list[str] = []

    def admit() -> None:
        start.wait()
        try:
            coop.admit(member_id, by=uuid4(), minute_reference="B1")
            results.append("admitted")
        except AlreadyDecided:
            results.append("refused")

    with ThreadPoolExecutor(6) as pool:
        for _ in range(6):
            pool.submit(admit)
    assert results.count("admitted") == 1 and results.count("refused") == 5
    assert coop.repository.get(member_id).number == 1


def test_deciding_an_unknown_application_says_so(coop: Coop) -> None:
    with pytest.raises(ApplicationNotFound, match="no application with that reference"):
        coop.admit(uuid4(), by=uuid4(), minute_reference="B1")
    with pytest.raises(ApplicationNotFound):
        coop.refuse(uuid4(), by=uuid4(), reason="x", minute_reference="B1")


def test_two_trustees_on_different_servers_never_duplicate_or_skip_a_number(
    coop: Coop, db_url: str, clock: FixedClock
) -> None:
    """Two web processes (two applications on one database) race through conflicts and retries."""
    other = Coop(eventsourcing_env(db_url, pool_size=4), secret_key=SECRET, clock=clock)
    try:
        ids = [coop.apply_for_membership(details(f"Racing Member{i}")).subject for i in range(30)]
        start = threading.Barrier(2)

        def admit_every_other(app: Coop, k: int) -> None:
            start.wait()
            for member_id in ids[k::2]:
                app.admit(member_id, by=uuid4(), minute_reference="B1")

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(admit_every_other, (coop, other), (0, 1)))
        numbers = sorted(coop.repository.get(i).number for i in ids)
        assert numbers == list(range(1, 31))
    finally:
        other.close()
