"""The write side: the co-op's commands, on one eventsourcing Application."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar, NamedTuple, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording

from coop.clock import Clock, SystemClock, today
from coop.domain.accounts import Account, AccountHolder, Credential, EmailInUse, Role
from coop.domain.claims import Claim, claim_id
from coop.domain.errors import CoopError
from coop.domain.membership import (
    AlreadyApplied,
    ApplicantDetails,
    ApplicationNotFound,
    Decision,
    Member,
    MembershipNumbers,
)
from coop.eventstore.codec import EventMapper
from coop.eventstore.group_commit import GroupCommitRecorder
from coop.eventstore.subject_keys import database_keyring
from coop.privacy import master_key

T = TypeVar("T")

# How often a command re-reads and retries after losing a race to another writer.
CONFLICT_RETRIES = 20


class Done(NamedTuple):
    """What a command did: the last event's position in the log, and the subject."""

    position: int
    subject: UUID


class Busy(CoopError):
    status = 503

    def __init__(self) -> None:
        super().__init__("coop is very busy just now. Please try again in a moment.")


class Coop(Application[UUID]):
    """Every command of the co-op, on one event log in one total order."""

    name = "coop"
    env: ClassVar[dict[str, str]] = {
        "TRANSCODER_TOPIC": "coop.eventstore.codec:MsgspecTranscoder",
        "MAPPER_TOPIC": "coop.eventstore.codec:EventMapper",
        "APPLICATION_RECORDER_TOPIC": "coop.eventstore.group_commit:GroupCommitRecorder",
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
        # Every admission takes the next number from one aggregate: in this
        # process they queue here instead of colliding (other processes retry).
        self._numbering = threading.Lock()
        self.secret_key = secret_key
        self.clock: Clock = clock or SystemClock()

    # Membership ------------------------------------------------------------------

    def apply_for_membership(self, details: ApplicantDetails) -> Done:
        """Record an application to join; one per e-mail address (if one is given)."""
        member = Member(details=details, applied_on=today(self.clock))
        if not details.email:
            return self._save_new(member, conflict=AlreadyApplied)
        claim = Claim(
            id=claim_id(self.secret_key, "application-email", details.email.lower()),
            kind="application-email",
            claimant=member.id,
        )
        # No read first: the claim's id collides in the event store anyway.
        return self._save_new(member, claim, conflict=AlreadyApplied)

    def admit(self, member_id: UUID, *, by: UUID, minute_reference: str) -> Done:
        """Admit an applicant, allotting the next membership number."""

        def attempt() -> tuple[Aggregate, ...]:
            member = self._member(member_id)
            numbers = self._get_or_none(MembershipNumbers, MembershipNumbers.create_id())
            numbers = numbers or MembershipNumbers()
            decision = Decision(by=by, on=today(self.clock), minute_reference=minute_reference)
            member.admit(numbers.allot(member.id), decision)
            return member, numbers

        with self._numbering:
            return self._retrying(member_id, attempt)

    def refuse(self, member_id: UUID, *, by: UUID, reason: str, minute_reference: str) -> Done:
        """Refuse an applicant, with a reason."""

        def attempt() -> tuple[Aggregate, ...]:
            member = self._member(member_id)
            decision = Decision(by=by, on=today(self.clock), minute_reference=minute_reference)
            member.refuse(reason, decision)
            return (member,)

        return self._retrying(member_id, attempt)

    def _member(self, member_id: UUID) -> Member:
        member = self._get_or_none(Member, member_id)
        if member is None:
            raise ApplicationNotFound()
        return member

    # Accounts --------------------------------------------------------------------

    def open_account(
        self,
        *,
        name: str,
        email: str,
        password_hash: str,
        roles: tuple[Role, ...],
        member_id: UUID | None = None,
    ) -> Done:
        """Open a sign-in for a person; one per e-mail address."""
        account = Account(
            holder=AccountHolder(name=name, email=email.lower()),
            roles=roles,
            member_id=member_id,
            credential=Credential(password_hash=password_hash),
            opened_on=today(self.clock),
        )
        claim = Claim(
            id=claim_id(self.secret_key, "account-email", email.lower()),
            kind="account-email",
            claimant=account.id,
        )
        if claim.id in self.repository:
            raise EmailInUse()
        return self._save_new(account, claim, conflict=EmailInUse)

    def change_password(self, account_id: UUID, password_hash: str) -> Done:
        """Set a new password hash on an account."""

        def attempt() -> tuple[Aggregate, ...]:
            account: Account = self.repository.get(account_id)
            account.change_password(Credential(password_hash=password_hash))
            return (account,)

        return self._retrying(account_id, attempt)

    # Saving ----------------------------------------------------------------------

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save aggregates' pending events together, atomically.

        The library's ``save`` sorts what it is given with runtime Protocol
        isinstance checks, which on Python 3.11 cost more CPU than the rest of a
        command; ours are always aggregates, so collect their events directly.
        """
        self._keyring.take_new_keys()  # drop any left by a save that failed before inserting
        processing = ProcessingEvent[UUID]()
        for aggregate in objs:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        return self._record(processing)

    def _save_new(
        self, subject: Aggregate, *others: Aggregate, conflict: Callable[[], CoopError]
    ) -> Done:
        try:
            recordings = self.save(subject, *others)
        except IntegrityError:
            # New aggregates collide only on a claim someone else just made.
            raise conflict() from None
        return Done(recordings[-1].notification.id, subject.id)

    def _retrying(self, subject: UUID, attempt: Callable[[], tuple[Aggregate, ...]]) -> Done:
        """Run ``attempt`` and save; on a lost race, re-read and try again."""
        for tries in range(CONFLICT_RETRIES):
            aggregates = attempt()
            try:
                recordings = self.save(*aggregates)
            except IntegrityError:
                time.sleep(random.uniform(0, 0.002 * (tries + 1)))  # let the winner's commit land
                continue
            return Done(recordings[-1].notification.id, subject)
        raise Busy()

    def _get_or_none(self, cls: type[T], aggregate_id: UUID) -> T | None:
        try:
            aggregate: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(aggregate, cls):
            return None
        return aggregate


def new_id() -> UUID:
    """A fresh random id (carries no personal data)."""
    return uuid4()
