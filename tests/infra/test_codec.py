"""Events to bytes and back: exact types, and upcasting old versions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import msgspec
from eventsourcing.domain import Aggregate, event
from hypothesis import given
from hypothesis import strategies as st

from coop.infra.eventstore.codec import EventMapper, MsgspecTranscoder


class Shift(msgspec.Struct, frozen=True):
    start: datetime
    hours: Decimal
    tasks: tuple[str, ...]


class Ledger(Aggregate):
    """A test aggregate with every kind of value an event may carry."""

    @event("Opened")
    def __init__(
        self,
        text: str,
        count: int,
        flag: bool,
        nothing: None,
        money: Decimal,
        ref: UUID,
        day: date,
        moment: datetime,
        pair: tuple[int, str],
        nested: dict[str, list[tuple[int, ...]]],
        shift: Shift,
        maybe: date | None,
    ) -> None:
        pass


mapper = EventMapper(MsgspecTranscoder())


def round_trip(domain_event: Any) -> Any:
    return mapper.to_domain_event(mapper.to_stored_event(domain_event))


def test_every_kind_of_value_round_trips_exactly() -> None:
    values = {
        "text": "Zoë’s notes <b>",
        "count": -(2**60),
        "flag": True,
        "nothing": None,
        "money": Decimal("12.50"),
        "ref": uuid4(),
        "day": date(2026, 2, 28),
        "moment": datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1))),
        "pair": (3, "three"),
        "nested": {"a": [(1, 2), ()], "b": []},
        "shift": Shift(datetime(2026, 1, 1, tzinfo=UTC), Decimal("2.25"), ("washing", "meds")),
        "maybe": None,
    }
    opened = Ledger(**values).collect_events()[0]
    back = round_trip(opened)
    for name, value in values.items():
        got = getattr(back, name)
        assert got == value and type(got) is type(value), name
    assert back.moment.utcoffset() == timedelta(hours=1)  # the offset itself is kept
    assert str(back.money) == "12.50"  # so is the Decimal's exponent
    assert back.originator_id == opened.originator_id and back.timestamp == opened.timestamp


@given(
    text=st.text(),
    count=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    money=st.decimals(allow_nan=False, allow_infinity=False),
    day=st.dates(),
    # RFC 3339 offsets are whole minutes; only pre-1972 local mean times have seconds.
    moment=st.datetimes(timezones=st.timezones()).filter(lambda m: m.utcoffset().seconds % 60 == 0),
    pair=st.tuples(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.text()),
)
def test_round_trips_hold_for_any_values(
    text: str, count: int, money: Decimal, day: date, moment: datetime, pair: tuple[int, str]
) -> None:
    opened = Ledger(
        text=text,
        count=count,
        flag=False,
        nothing=None,
        money=money,
        ref=uuid4(),
        day=day,
        moment=moment,
        pair=pair,
        nested={},
        shift=Shift(moment, money, (text,)),
        maybe=day,
    ).collect_events()[0]
    back = round_trip(opened)
    assert (back.text, back.count, back.day, back.pair, back.maybe) == (text, count, day, pair, day)
    assert back.money == money and str(back.money) == str(money)
    # Compared in UTC: Python never calls a DST-gap or -fold time equal to one in another zone.
    assert back.moment.astimezone(UTC) == moment.astimezone(UTC)
    assert back.moment.utcoffset() == moment.utcoffset()


class Tenancy(Aggregate):
    """Version 1 of an event stored a rent in pence; version 2 in pounds, with a note."""

    class Started(Aggregate.Created):
        rent_pence: int

    @event(Started)
    def __init__(self, rent_pence: int) -> None:
        self.rent_pence = rent_pence


class TenancyV2(Aggregate):
    class Started(Aggregate.Created):
        class_version = 2
        rent: Decimal
        note: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["rent"] = str(Decimal(state.pop("rent_pence")) / 100)
            state["note"] = "migrated from pence"

    @event(Started)
    def __init__(self, rent: Decimal, note: str) -> None:
        self.rent = rent


def test_an_old_event_is_upcast_from_version_1_to_2() -> None:
    stored = mapper.to_stored_event(Tenancy(rent_pence=12345).collect_events()[0])
    assert b"class_version" not in stored.state  # version 1 carries no marker
    later = type(stored)(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic.replace("Tenancy.", "TenancyV2."),  # the class as it is now
        state=stored.state,
    )
    upcast = mapper.to_domain_event(later)
    assert upcast.rent == Decimal("123.45") and isinstance(upcast.rent, Decimal)
    assert upcast.note == "migrated from pence"
    assert TenancyV2.Started.class_version == 2
    again = mapper.to_stored_event(upcast)
    assert b'"class_version":2' in again.state
    assert mapper.to_domain_event(again).rent == Decimal("123.45")
