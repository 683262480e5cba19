"""The write side: the co-op's commands, on one eventsourcing Application.

``Coop`` is every command group side by side. Each group is a class in
``coop/commands/`` that extends ``Commands`` (the Application base) and nothing
else, so ``coop.admit`` is in ``MembershipCommands`` and nowhere else.
"""

from __future__ import annotations

import threading
from typing import ClassVar
from uuid import UUID, uuid4

from coop.clock import Clock, SystemClock
from coop.commands.accounts import AccountCommands
from coop.commands.base import Busy, Done
from coop.commands.care.diaries import DiaryCommands
from coop.commands.care.missed import MissedVisitCommands
from coop.commands.care.notes import NotesCommands
from coop.commands.care.on_the_day import OnTheDayCommands
from coop.commands.care.visits import VisitCommands
from coop.commands.finance.decisions import DecisionCommands
from coop.commands.finance.ledger import LedgerCommands
from coop.commands.finance.periods import PeriodCommands
from coop.commands.finance.rates import RateCommands
from coop.commands.governance.advocacy import AdvocacyCommands
from coop.commands.governance.ballots import BallotCommands
from coop.commands.governance.meetings import MeetingCommands
from coop.commands.governance.proposals import ProposalCommands
from coop.commands.governance.rules import RulesCommands
from coop.commands.governance.voting import VotingCommands
from coop.commands.membership.carers import CarerCommands
from coop.commands.membership.importing import ImportCommands
from coop.commands.membership.members import MembershipCommands
from coop.commands.reports.signing_keys import SigningKeyCommands
from coop.infra.audit_seals import seal_key
from coop.infra.eventstore.codec import EventMapper
from coop.infra.eventstore.group_commit import GroupCommitRecorder
from coop.infra.eventstore.subject_keys import database_keyring
from coop.infra.sealing import master_key

__all__ = ["Busy", "Coop", "Done", "new_id"]


class Coop(
    MembershipCommands,  # applying, admitting, refusing, a member's changes, leaving, erasure
    ImportCommands,  # members from the old register: a dry run, then all or nothing
    CarerCommands,  # carers linked to the users they support, with consent
    AccountCommands,  # sign-ins: opening an account, passwords, office roles
    RulesCommands,  # the rules: adopted, then amended by special resolution
    MeetingCommands,  # meetings: convened, attended, minuted, resolutions linked
    BallotCommands,  # ballots: drafted, options listed, opened, closed and counted
    VotingCommands,  # votes: open and secret, own and supported (and the open ballots)
    ProposalCommands,  # members' proposals for a reinvestment ballot, and the decisions
    AdvocacyCommands,  # advocates named for supported voting, and ended
    DiaryCommands,  # care: PAs' availability and skills, users' support plans
    VisitCommands,  # care: visits requested, offered, accepted, confirmed, moved, cancelled
    OnTheDayCommands,  # care: the visit's PA checks in and out; the visit completed
    NotesCommands,  # care: visit notes written, and read only with the read recorded
    MissedVisitCommands,  # care: the scheduler marks visits nobody checked in to
    RateCommands,  # rates: adopted by trustees from a date, never edited
    PeriodCommands,  # financial periods: opened, closed from the care delivered, surplus declared
    LedgerCommands,  # the treasurer's entries, reversals, late fixes and commitments spent
    DecisionCommands,  # the members' reinvestment decision enacted: rates changed, commitments
    SigningKeyCommands,  # audit: the key that signs the log's checkpoints changed, on record
):
    """Every command of the co-op, on one event log in one total order."""

    name = "coop"
    env: ClassVar[dict[str, str]] = {
        "TRANSCODER_TOPIC": "coop.infra.eventstore.codec:MsgspecTranscoder",
        "MAPPER_TOPIC": "coop.infra.eventstore.codec:EventMapper",
        "APPLICATION_RECORDER_TOPIC": "coop.infra.eventstore.group_commit:GroupCommitRecorder",
        # Keep hot aggregates (the membership numbers) in memory, reading only new events.
        # Room for every person's account, member and care diary, this month's diary
        # pages and the visits in flight (each small: a diary's visits are on its week
        # pages, so one evicted is read again in a few events, not a year's).
        "AGGREGATE_CACHE_MAXSIZE": "20000",
    }

    def __init__(self, env: dict[str, str], *, secret_key: str, clock: Clock | None = None):
        super().__init__(env)
        assert isinstance(self.mapper, EventMapper) and isinstance(
            self.recorder, GroupCommitRecorder
        )
        keyring = database_keyring(self.datastore, master_key(secret_key))
        self.mapper.keyring = keyring
        # New people's keys go into the database with their first events.
        self.recorder.take_new_keys = keyring.take_new_keys
        # Each event's link sealed with a key the database never sees.
        self.recorder.seal_key = seal_key(secret_key)
        self._keyring = keyring
        self._numbering = threading.Lock()
        self.secret_key = secret_key
        self.clock = clock or SystemClock()


def new_id() -> UUID:
    """A fresh random id (carries no personal data)."""
    return uuid4()
