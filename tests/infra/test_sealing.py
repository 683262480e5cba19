"""Personal data in events: sealed per person, unreadable once their key is destroyed."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import MapperDeserialisationError, StoredEvent

from coop.domain.membership.members import Member
from coop.infra.eventstore.codec import EventMapper, MsgspecTranscoder
from coop.infra.sealing import ERASED, KeyRing, master_key
from tests.people import details


class MemoryKeys:
    """A key table in a dict (the database one is tested in tests/app)."""

    def __init__(self) -> None:
        self.rows: dict[UUID, bytes | None] = {}

    def load(self, subject: UUID) -> bytes | None:
        return self.rows[subject]

    def create(self, subject: UUID, wrapped: bytes) -> bytes | None:
        return self.rows.setdefault(subject, wrapped)

    def keyring(self) -> KeyRing:
        return KeyRing(master_key("a test secret"), self.load, self.create, ttl=0)


class StoringMapper(EventMapper):
    """Stores new people's keys as the recorder does, with their first events."""

    def __init__(self, keys: MemoryKeys) -> None:
        super().__init__(MsgspecTranscoder())
        self.keys = keys
        self.keyring = keys.keyring()

    def to_stored_event(self, domain_event: object) -> StoredEvent:
        stored = super().to_stored_event(domain_event)
        assert self.keyring is not None
        for subject, wrapped in self.keyring.take_new_keys():
            self.keys.rows[subject] = wrapped
        return stored


def mapper_with(keys: MemoryKeys) -> EventMapper:
    return StoringMapper(keys)


def applied() -> tuple[Member, object]:
    member = Member(details=details("Amira Hassan"), applied_on=date(2026, 11, 1))
    return member, member.collect_events()[0]


def test_personal_data_is_stored_sealed_and_read_back_exactly() -> None:
    keys = MemoryKeys()
    mapper = mapper_with(keys)
    member, event = applied()
    stored = mapper.to_stored_event(event)
    for secret in (b"Amira", b"amira.hassan@example.org", b"Roundhay", b"LS8 2AB"):
        assert secret not in stored.state
    assert b'"applied_on":"2026-11-01"' in stored.state  # what is not personal stays readable
    back = mapper.to_domain_event(stored)
    assert back.details == member.details
    assert set(keys.rows) == {member.id}  # one key, for this person


def test_destroying_the_key_erases_the_personal_data_but_not_the_event() -> None:
    keys = MemoryKeys()
    mapper = mapper_with(keys)
    _, event = applied()
    stored = mapper.to_stored_event(event)
    keys.rows[stored.originator_id] = None  # destroyed
    back = mapper.to_domain_event(stored)
    assert back.details is ERASED
    assert back.applied_on == date(2026, 11, 1)


def test_without_any_key_personal_data_reads_as_erased() -> None:
    _, event = applied()
    stored = mapper_with(MemoryKeys()).to_stored_event(event)
    assert mapper_with(MemoryKeys()).to_domain_event(stored).details is ERASED


def test_sealed_data_cannot_be_moved_to_another_event() -> None:
    keys = MemoryKeys()
    mapper = mapper_with(keys)
    _, event = applied()
    stored = mapper.to_stored_event(event)
    moved = StoredEvent(
        stored.originator_id, 2, stored.topic, stored.state
    )  # same person, other version
    with pytest.raises(MapperDeserialisationError) as caught:
        mapper.to_domain_event(moved)
    assert isinstance(caught.value.__cause__, InvalidTag)


def test_a_mapper_without_a_key_ring_refuses_to_store_personal_data() -> None:
    _, event = applied()
    with pytest.raises(MapperDeserialisationError, match="only be stored sealed"):
        EventMapper(MsgspecTranscoder()).to_stored_event(event)


def test_nothing_more_can_be_recorded_about_an_erased_person() -> None:
    keys = MemoryKeys()
    subject = uuid4()
    keys.rows[subject] = None
    from coop.infra.sealing import ErasedSubject

    with pytest.raises(ErasedSubject):
        keys.keyring().seal(subject, "1|x", b"new personal data")
