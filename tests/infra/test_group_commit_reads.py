"""Group commit keeps a save's reads honest when another save of its group writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from coop.application import Coop
from coop.domain.care.times import Interval
from coop.domain.care.weeks import Week
from coop.infra.eventstore.group_commit import _Save

MONDAY = date(2026, 11, 30)
TEN = Interval(datetime(2026, 12, 1, 10, tzinfo=UTC), datetime(2026, 12, 1, 11, tzinfo=UTC))


def pending(coop: Coop, aggregate: Aggregate) -> list:  # type: ignore[type-arg]
    return [coop.mapper.to_stored_event(e) for e in aggregate.collect_events()]


def test_a_save_that_read_a_page_another_save_in_its_group_writes_loses_the_race(
    coop: Coop,
) -> None:
    sams = Week(owner_id=uuid4(), monday=MONDAY)
    coop.save(sams)
    sams.hold(uuid4(), TEN, None)  # the writer: Sam's page, version 2
    writer = _Save(pending(coop, sams), (), (), None)
    # The reader decided on Sam's page at version 1 and writes another page.
    others = Week(owner_id=uuid4(), monday=MONDAY)
    reader = _Save(pending(coop, others), (), ((sams.id, 1),), None)
    coop.recorder._commit([writer, reader])  # type: ignore[attr-defined]
    assert writer.error is None and len(writer.ids) == 1
    assert isinstance(reader.error, IntegrityError) and not reader.ids
    assert coop.repository.get(sams.id).version == 2
    assert coop.recorder.select_events(others.id) == []
