"""The write side: the co-op's commands, on one eventsourcing Application."""

from __future__ import annotations

import threading
from typing import ClassVar
from uuid import UUID, uuid4

from coop.clock import Clock, SystemClock
from coop.commands.accounts import AccountCommands
from coop.commands.base import Busy, Done
from coop.commands.governance.proposals import ProposalCommands
from coop.commands.membership.carers import CarerCommands
from coop.commands.membership.importing import ImportCommands
from coop.infra.eventstore.codec import EventMapper
from coop.infra.eventstore.group_commit import GroupCommitRecorder
from coop.infra.eventstore.subject_keys import database_keyring
from coop.infra.sealing import master_key

__all__ = ["Busy", "Coop", "Done", "new_id"]


class Coop(ImportCommands, AccountCommands, CarerCommands, ProposalCommands):
    """Every command of the co-op, on one event log in one total order."""

    name = "coop"
    env: ClassVar[dict[str, str]] = {
        "TRANSCODER_TOPIC": "coop.infra.eventstore.codec:MsgspecTranscoder",
        "MAPPER_TOPIC": "coop.infra.eventstore.codec:EventMapper",
        "APPLICATION_RECORDER_TOPIC": "coop.infra.eventstore.group_commit:GroupCommitRecorder",
        # Keep hot aggregates (the membership numbers) in memory, reading only new events.
        "AGGREGATE_CACHE_MAXSIZE": "1000",
    }

    def __init__(self, env: dict[str, str], *, secret_key: str, clock: Clock | None = None):
        super().__init__(env)
        assert isinstance(self.mapper, EventMapper) and isinstance(
            self.recorder, GroupCommitRecorder
        )
        keyring = database_keyring(self.recorder.datastore, master_key(secret_key))
        self.mapper.keyring = keyring
        # New people's keys go into the database with their first events.
        self.recorder.take_new_keys = keyring.take_new_keys
        self._keyring = keyring
        self._numbering = threading.Lock()
        self.secret_key = secret_key
        self.clock = clock or SystemClock()


def new_id() -> UUID:
    """A fresh random id (carries no personal data)."""
    return uuid4()
