"""What every command shares: saving atomically, retrying lost races, loading aggregates.

Every group of commands (``coop/commands/<context>/``) extends ``Commands`` and
nothing else; ``Coop`` (coop/application.py) lists the groups. What more than one
group needs (loading a member, a ballot or the rules; changing an aggregate and
saving it; the membership numbers; destroying keys) is here, once.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

from coop.clock import Clock
from coop.domain.errors import CoopError
from coop.domain.governance.ballots import Ballot, BallotNotFound
from coop.domain.governance.rules import RULES_ID, Rules, RulesNotAdopted
from coop.domain.membership.members import Member, MemberNotFound, MembershipNumbers
from coop.infra.eventstore.subject_keys import destroy_keys
from coop.infra.sealing import KeyRing

T = TypeVar("T")
A = TypeVar("A", bound=Aggregate)

# How often a command re-reads and retries after losing a race to another writer.
CONFLICT_RETRIES = 20


class Parts(Protocol):
    """Aggregates a command uses together: those it changed, and those it only read."""

    def written(self) -> list[Aggregate]: ...

    def read(self) -> list[tuple[UUID, int]]:
        """(id, version) of those read: if one has moved on, the save loses the race."""
        ...


class Done(NamedTuple):
    """What a command did: the last event's position in the log, and the subject."""

    position: int
    subject: UUID


class Busy(CoopError):
    status = 503

    def __init__(self) -> None:
        super().__init__("coop is very busy just now. Please try again in a moment.")


class Commands(Application[UUID]):
    """The Application every group of commands extends."""

    clock: Clock
    secret_key: str
    _keyring: KeyRing
    # Every admission takes the next number from one aggregate: admissions (and
    # imports) by this application queue here instead of colliding (other
    # processes retry).
    _numbering: threading.Lock

    @property
    def datastore(self) -> PostgresDatastore:
        """The event store's PostgreSQL connections, for the reads in ``eventstore.reads``."""
        recorder = self.recorder
        assert isinstance(recorder, PostgresApplicationRecorder)
        return recorder.datastore

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """Save aggregates' pending events together, atomically.

        The library's ``save`` sorts what it is given with runtime Protocol
        isinstance checks, which on Python 3.11 cost more CPU than the rest of a
        command; ours are always aggregates, so collect their events directly.

        ``unchanged``: (id, version) of aggregates the command read but does not
        change; if one has moved on by the time of the insert, nothing is saved
        and IntegrityError is raised, as for any lost race.
        """
        self._keyring.take_new_keys()  # drop any left by a save that failed before inserting
        processing = ProcessingEvent[UUID]()
        for aggregate in objs:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        if kwargs.get("by_version"):
            # Many aggregates at once (an import): every first event, then every
            # second one, and so on. Each aggregate's events stay in order, and
            # the projections get long runs of one kind of event to batch.
            processing.events.sort(key=lambda e: e.originator_version)
        processing.saved_kwargs["unchanged"] = kwargs.get("unchanged", ())
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

    def _retrying(
        self, subject: UUID, attempt: Callable[[], tuple[Aggregate | Parts, ...]]
    ) -> Done:
        """Run ``attempt`` and save what it changed; on a lost race, re-read and try again."""
        for tries in range(CONFLICT_RETRIES):
            aggregates: list[Aggregate] = []
            unchanged: list[tuple[UUID, int]] = []
            for changed in attempt():
                if isinstance(changed, Aggregate):
                    aggregates.append(changed)
                else:
                    aggregates.extend(changed.written())
                    unchanged.extend(changed.read())
            try:
                recordings = self.save(*aggregates, unchanged=unchanged)
            except IntegrityError:
                time.sleep(random.uniform(0, 0.002 * (tries + 1)))  # let the winner's commit land
                continue
            return Done(recordings[-1].notification.id, subject)
        raise Busy()

    def _changing(
        self, aggregate_id: UUID, load: Callable[[UUID], A], change: Callable[[A], None]
    ) -> Done:
        """Load the aggregate, change it, save; re-read and go again after a lost race."""

        def attempt() -> tuple[Aggregate, ...]:
            aggregate = load(aggregate_id)
            change(aggregate)
            return (aggregate,)

        return self._retrying(aggregate_id, attempt)

    def destroy_keys(self, subjects: Iterable[UUID]) -> None:
        """Destroy these data subjects' keys, everywhere at once."""
        subjects = list(subjects)
        destroy_keys(self.datastore, subjects)
        for subject in subjects:
            self._keyring.forget(subject)
            self._forget(subject)

    # Loading ---------------------------------------------------------------------------

    def _member(self, member_id: UUID) -> Member:
        member = self._get_or_none(Member, member_id)
        if member is None:
            raise MemberNotFound()
        return member

    def membership_numbers(self) -> MembershipNumbers:
        """The aggregate that allots membership numbers."""
        numbers = self._get_or_none(MembershipNumbers, MembershipNumbers.create_id())
        return numbers or MembershipNumbers()

    def _ballot(self, ballot_id: UUID) -> Ballot:
        try:
            ballot: Any = self.repository.get(ballot_id)
        except Exception:
            raise BallotNotFound() from None
        if not isinstance(ballot, Ballot):
            raise BallotNotFound()
        return ballot

    def rules_in_force(self) -> Rules:
        """The co-op's rules as they stand (RulesNotAdopted until they are adopted)."""
        rules = self._get_or_none(Rules, RULES_ID)
        if rules is None:
            raise RulesNotAdopted()
        return rules

    def _get_or_none(self, cls: type[T], aggregate_id: UUID) -> T | None:
        try:
            aggregate: Any = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(aggregate, cls):
            return None
        return aggregate

    def _forget(self, aggregate_id: UUID) -> None:
        """Drop an aggregate from the in-memory cache (after erasing personal data)."""
        cache = self.repository.cache
        if cache is not None:
            with contextlib.suppress(KeyError):
                cache.get(aggregate_id, evict=True)
