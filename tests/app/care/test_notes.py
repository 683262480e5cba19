"""Visit notes are health data: read only by those who may, every read by others recorded."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from coop.application import Coop
from coop.clock import FixedClock, today
from coop.domain.care.notes import NotesAccess, NotesPrivate, Reader, notes_access_id
from coop.domain.membership.member_details import Cessation, ShareSettlement

from .leeds import TRUSTEE, TUESDAY, Leeds, at, book, leeds


def delivered_with_a_note(coop: Coop, clock: FixedClock, town: Leeds) -> UUID:
    visit = book(coop, town, "Grace", TUESDAY, 10)
    clock.set(at(TUESDAY, 10, 2))
    coop.check_in(visit, by=town.account["Ewan"])
    coop.write_visit_note(visit, "Grace took her 10am tablets; a little breathless.", by=town.account["Ewan"])  # fmt: skip
    return visit


def test_the_user_her_carer_the_pa_and_the_office_read_the_notes_and_others_are_refused(
    coop: Coop, clock: FixedClock
) -> None:
    town = leeds(coop)
    visit = delivered_with_a_note(coop, clock, town)
    for reader in (town.account["Grace"], town.account["Priya"], town.account["Ewan"], town.joy):
        (note,) = coop.read_visit_notes(visit, by=reader)
        assert note.text == "Grace took her 10am tablets; a little breathless."
        assert note.by == town.member["Ewan"] and not note.erased
    before = coop.recorder.max_notification_id()
    for outsider in ("Marcus", "Hannah", "Siobhan"):
        with pytest.raises(NotesPrivate, match="^Visit notes are private: only Grace, the carers"):
            coop.read_visit_notes(visit, by=town.account[outsider])
    assert coop.recorder.max_notification_id() == before  # a refused read records nothing


def test_every_read_but_the_users_own_is_recorded_with_who_and_when(
    coop: Coop, clock: FixedClock
) -> None:
    town = leeds(coop)
    visit = delivered_with_a_note(coop, clock, town)
    coop.read_visit_notes(visit, by=town.account["Grace"])
    coop.read_visit_notes(visit, by=town.joy)
    clock.advance(timedelta(minutes=5))
    coop.read_visit_notes(visit, by=town.account["Priya"])
    reads = [
        (e.by, e.role, e.visit_id)
        for e in coop.events.get(notes_access_id(town.member["Grace"]))
        if isinstance(e, NotesAccess.NotesRead)
    ]
    assert reads == [
        (town.joy, Reader.COORDINATOR, visit),
        (town.member["Priya"], Reader.CARER, visit),
    ]


def test_once_the_user_is_erased_her_notes_read_as_erased(coop: Coop, clock: FixedClock) -> None:
    town = leeds(coop)
    visit = delivered_with_a_note(coop, clock, town)
    grace = town.member["Grace"]
    coop.cease(grace, Cessation.WITHDRAWAL, on=today(clock), by=TRUSTEE, reference="Letter")
    coop.settle_share(grace, ShareSettlement.REPAID, by=TRUSTEE)
    clock.advance(timedelta(days=3653))
    coop.erase(grace, by=TRUSTEE, retention_years=10)
    (note,) = coop.read_visit_notes(visit, by=town.joy)
    assert note.erased and note.text == ""
    assert note.by == town.member["Ewan"]  # who wrote it is not hers to erase
