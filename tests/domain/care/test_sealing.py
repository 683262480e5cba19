"""Visit notes and the place of care are sealed under the user's key: erasure removes them."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from coop.domain.care.diaries import UserDiary
from coop.domain.care.visits import Visit, VisitText
from coop.infra.eventstore.codec import EventMapper, MsgspecTranscoder
from coop.infra.sealing import ERASED, KeyRing, master_key

from .leeds import GRACE, SAM, TUESDAY, at, user_diary
from .test_visits import confirmed


class Keys:
    def __init__(self) -> None:
        self.rows: dict[UUID, bytes | None] = {}

    def load(self, subject: UUID) -> bytes | None:
        return self.rows[subject]

    def create(self, subject: UUID, wrapped: bytes) -> bytes | None:
        return self.rows.setdefault(subject, wrapped)


def mapper(keys: Keys) -> EventMapper:
    m = EventMapper(MsgspecTranscoder())
    m.keyring = KeyRing(master_key("care test"), keys.load, keys.create, ttl=0)
    return m


def stored_note(keys: Keys) -> tuple[Visit, StoredEvent]:
    visit = confirmed()
    ten = at(TUESDAY, 10)
    visit.check_in(SAM, actual=ten, reason="", now=ten)
    visit.collect_events()
    visit.write_note("Grace's left ankle is swollen; told Priya.", by=SAM, as_coordinator=False,
                     now=ten + timedelta(minutes=30))  # fmt: skip
    return visit, mapper(keys).to_stored_event(visit.collect_events()[0])


def test_a_visit_note_is_sealed_under_the_users_key_not_the_visits() -> None:
    keys = Keys()
    visit, stored = stored_note(keys)
    assert b"ankle" not in stored.state
    assert set(keys.rows) == {GRACE}  # Grace's key: the visit has none of its own
    back = mapper(keys).to_domain_event(stored)
    assert back.note == VisitText(text="Grace's left ankle is swollen; told Priya.")
    assert back.originator_id == visit.id


def test_erasing_the_user_erases_their_visit_notes_and_place_of_care() -> None:
    keys = Keys()
    _, note = stored_note(keys)
    stored = [mapper(keys).to_stored_event(e) for e in user_diary().diary.collect_events()]
    assert b"Harehills" not in stored[1].state and b"4271" not in stored[1].state
    keys.rows[GRACE] = None  # Grace's key destroyed
    assert mapper(keys).to_domain_event(note).note is ERASED
    # Her diary still replays: the plan's hours are there, the place is gone.
    diary: UserDiary | None = None
    for event in (mapper(keys).to_domain_event(s) for s in stored):
        diary = event.mutate(diary)
    assert diary is not None and diary.erased
    assert diary.plan is not None and diary.plan.funded_minutes_a_week == 600


def test_every_visit_event_round_trips_exactly_through_the_codec() -> None:
    keys = Keys()
    visit = confirmed()
    for event in visit.collect_events():
        back = mapper(keys).to_domain_event(mapper(keys).to_stored_event(event))
        assert vars(back) == vars(event)
