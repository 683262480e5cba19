"""Events to bytes and back, with msgspec, exactly.

Stored state is compact JSON. JSON alone cannot tell a date from a string, so
decoding is driven by the event class's own type hints: each event class gets
a msgspec Struct built from its annotations, and the decoded dict is converted
through it. Dates, UUIDs, Decimals, tz-aware datetimes and tuples therefore
come back as exactly the types that went in (an aware datetime as the same
instant with the same UTC offset, as a fixed-offset tzinfo), and schema changes go through the
library's ``class_version`` + ``upcast_vX_vY`` before the conversion.
"""

from __future__ import annotations

import typing
from functools import cache
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.utils import get_topic, resolve_topic

from coop.infra.sealing import ERASED, KeyRing, Personal, Sealed

# Carried by the stored event's own columns, not by its state.
_COLUMNS = frozenset({"originator_id", "originator_version"})


class MsgspecTranscoder(Transcoder):
    """Plain JSON through msgspec; types are restored by ``EventMapper``."""

    def __init__(self) -> None:
        self._encoder = msgspec.json.Encoder(decimal_format="string")
        self._decoder = msgspec.json.Decoder()

    def encode(self, obj: Any) -> bytes:
        return self._encoder.encode(obj)

    def decode(self, data: bytes) -> Any:
        return self._decoder.decode(data)


@cache
def _state_type(event_class: type) -> type[msgspec.Struct]:
    """A Struct with the event class's fields, used to restore exact types."""
    hints = typing.get_type_hints(event_class)
    fields = [
        (name, Sealed if name in personal_fields(event_class) else hint)
        for name, hint in hints.items()
        if name not in _COLUMNS and typing.get_origin(hint) is not typing.ClassVar
    ]
    return msgspec.defstruct(f"{event_class.__name__}State", fields)


@cache
def personal_fields(event_class: type) -> dict[str, type]:
    """The event's fields that hold personal data (sealed at rest)."""
    return {
        name: hint
        for name, hint in typing.get_type_hints(event_class).items()
        if isinstance(hint, type) and issubclass(hint, Personal)
    }


@cache
def _decoder(hint: type) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(hint)


@cache
def _state_decoder(event_class: type) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(_state_type(event_class))


class EventMapper(Mapper[Any]):
    """The library's Mapper, with type-directed decoding, upcasting and sealing.

    ``keyring`` seals personal data; without one, events that carry personal
    data cannot be stored (and read back as erased).
    """

    keyring: KeyRing | None = None

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        event_class: type = type(domain_event)
        # Sealed for the aggregate itself, or for the key an event names (a ballot's papers).
        key_field: str | None = getattr(event_class, "SEALED_WITH", None)
        subject = state[key_field] if key_field else originator_id
        for name in personal_fields(event_class):
            if self.keyring is None:
                raise MapperDeserialisationError(
                    "Personal data can only be stored sealed: no key ring"
                )
            state[name] = self.keyring.seal(
                subject,
                f"{originator_version}|{name}",
                msgspec.json.encode(state[name]),
                new=originator_version == 1 and not key_field,
            )
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        data = self.transcoder.encode(state)
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=originator_version,
            topic=get_topic(type(domain_event)),
            state=data,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event_class = resolve_topic(stored_event.topic)
        try:
            data = stored_event.state
            if self.cipher:
                data = self.cipher.decrypt(data)
            if self.compressor:
                data = self.compressor.decompress(data)
            if getattr(event_class, "class_version", 1) == 1 and b'"class_version"' not in data:
                # Nothing to upcast: decode straight into the typed shape (the common case).
                state = msgspec.structs.asdict(_state_decoder(event_class).decode(data))
            else:
                raw: dict[str, Any] = self.transcoder.decode(data)
                version = raw.pop("class_version", 1)
                target = getattr(event_class, "class_version", 1)
                while version < target:
                    getattr(event_class, f"upcast_v{version}_v{version + 1}")(raw)
                    version += 1
                state = msgspec.structs.asdict(msgspec.convert(raw, _state_type(event_class)))
            key_field = getattr(event_class, "SEALED_WITH", None)
            subject = state[key_field] if key_field else stored_event.originator_id
            for name, hint in personal_fields(event_class).items():
                state[name] = self._open(stored_event, subject, name, hint, state[name])
        except Exception as e:
            msg = (
                f"Cannot decode stored event {stored_event.topic} "
                f"{stored_event.originator_id} v{stored_event.originator_version}: {e}"
            )
            raise MapperDeserialisationError(msg) from e
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        domain_event = object.__new__(event_class)
        object.__setattr__(domain_event, "__dict__", state)
        return domain_event

    def _open(
        self, stored: StoredEvent, subject: Any, name: str, hint: type, sealed: Sealed
    ) -> Any:
        assert isinstance(subject, UUID)
        plaintext = None
        if self.keyring is not None:
            plaintext = self.keyring.open(subject, f"{stored.originator_version}|{name}", sealed)
        return ERASED if plaintext is None else _decoder(hint).decode(plaintext)
