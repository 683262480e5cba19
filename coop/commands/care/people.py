"""Who is asking, and the names refusals use: read from the write side, never a read model.

Every care command is given ``by``, the account id of the person asking (as
every command in coop is). Their ``Account`` says whether they are a
coordinator and which member they are; the ``Member`` aggregate gives a name
(its sealed details, opened by the key ring as its events are read) and
whether they are a current PA or user; a ``CarerLink`` whether a user consents
to a carer. Read models lag, and who may do what must not.
"""

from __future__ import annotations

import itertools
from copy import deepcopy
from typing import Any, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.application import AggregateNotFoundError, Repository, project_aggregate

from coop.domain.accounts import Account, Role
from coop.domain.care.errors import CareError
from coop.domain.errors import NotFound
from coop.domain.membership.carers import CarerLink
from coop.domain.membership.member_details import MemberClass
from coop.domain.membership.members import Member
from coop.infra.eventstore.reads import news_of

T = TypeVar("T")

ERASED_NAME = "this person"  # what a refusal calls someone whose details were erased


class UnknownActor(CareError):
    status = 403

    def __init__(self) -> None:
        super().__init__("We could not tell who is asking. Please sign in again.")


class UnknownPerson(NotFound, CareError):
    def __init__(self, what: str) -> None:
        super().__init__(f"There is no {what} with that reference in the co-op.")


class NotCurrent(CareError):
    def __init__(self, name: str, what: str) -> None:
        super().__init__(f"{name} is not a current {what} of the co-op.")


class Actor(msgspec.Struct, frozen=True):
    """The person asking: their account, the member they are (if any), their office."""

    account_id: UUID
    member_id: UUID | None
    coordinator: bool
    name: str

    @property
    def person(self) -> UUID:
        """Who care events record as ``by``: the member, or a coordinator's own account."""
        return self.member_id or self.account_id


class People:
    """Loads the people a care command is about, from their aggregates."""

    def __init__(self, repository: Repository[UUID]) -> None:
        self.repository = repository
        # What one command has read already (read-only aggregates): a PA is
        # often both the one asking and the one named, and it costs a read each.
        self._seen: dict[UUID, object] = {}
        # Brought up to date together by ``prefetch``, each for one ``_get``.
        self._fresh: dict[UUID, object] = {}

    def prefetch(self, *aggregate_ids: UUID) -> None:
        """Bring these aggregates up to date at once, for the next ``_get`` of each.

        One query for all of them, where each ``_get`` asks the database for
        its aggregate's news on its own: a booking reads a dozen aggregates.
        The cached aggregates are never changed here (other threads read them):
        news is applied to a copy, which then takes their place in the cache.
        """
        cache, store = self.repository.cache, self.repository.event_store
        if cache is None:
            return
        held: dict[UUID, Any] = {i: self._cached_copy(i) for i in aggregate_ids}
        recorder: Any = store.recorder
        news = news_of(recorder.datastore, {i: a.version if a else 0 for i, a in held.items()})
        for aggregate_id, stored in itertools.groupby(news, key=lambda e: e.originator_id):
            aggregate = project_aggregate(
                held[aggregate_id], (store.mapper.to_domain_event(e) for e in stored)
            )
            cache.put(aggregate_id, aggregate)
            held[aggregate_id] = aggregate
        self._fresh.update(held)

    def _cached_copy(self, aggregate_id: UUID) -> Any:
        """A copy of the cached aggregate (None if not cached), taken under the lock the
        repository fast-forwards it under: another thread's ``get`` brings the cached
        aggregate up to date in place, and a copy taken meanwhile could hold an event's
        changes with the version before it (the news would then be applied twice)."""
        repository: Any = self.repository
        lock = repository._use_fastforward_lock(aggregate_id)  # the library's own lock
        try:
            with lock:
                try:
                    return deepcopy(self.repository.cache.get(aggregate_id))  # type: ignore[union-attr]
                except KeyError:
                    return None
        finally:
            repository._disuse_fastforward_lock(aggregate_id)

    def actor(self, account_id: UUID) -> Actor:
        """The person behind an account (a forged or unknown id is refused)."""
        account = self._get(Account, account_id, changing=False)
        if account is None:
            raise UnknownActor()
        member = (
            None
            if account.member_id is None
            else self._get(Member, account.member_id, changing=False)
        )
        name = _name(member) if member is not None else _holder_name(account)
        return Actor(
            account_id=account_id,
            member_id=account.member_id,
            coordinator=Role.COORDINATOR in account.roles,
            name=name,
        )

    def name(self, member_id: UUID) -> str:
        """What refusals call a member: their preferred name."""
        member = self._get(Member, member_id, changing=False)
        return ERASED_NAME if member is None else _name(member)

    def pa(self, pa_id: UUID) -> str:
        """A current PA's name; anyone else is refused."""
        return self._current(pa_id, MemberClass.PA, "PA")

    def user(self, user_id: UUID) -> str:
        """A current user's name; anyone else is refused."""
        return self._current(user_id, MemberClass.USER, "user")

    def consents(self, carer_id: UUID, user_id: UUID) -> bool:
        """True while the user consents to this carer acting for them."""
        link = self._get(CarerLink, CarerLink.create_id(carer_id, user_id), changing=False)
        return link is not None and link.state == "consented"

    def is_carer(self, member_id: UUID) -> bool:
        member = self._get(Member, member_id, changing=False)
        return member is not None and member.member_class == MemberClass.CARER

    def _current(self, member_id: UUID, member_class: MemberClass, what: str) -> str:
        member = self._get(Member, member_id, changing=False)
        if member is None or member.member_class is None:
            raise UnknownPerson(what)
        if member.status != "admitted" or member.member_class != member_class:
            raise NotCurrent(_name(member), what)
        return _name(member)

    def _get(self, cls: type[T], aggregate_id: UUID, *, changing: bool = True) -> T | None:
        """The aggregate, or None; ``changing=False`` shares one copy, read once per command."""
        if not changing and aggregate_id in self._seen:
            aggregate: Any = self._seen[aggregate_id]
        elif aggregate_id in self._fresh:
            aggregate = self._fresh.pop(aggregate_id)
            if changing and aggregate is not None:
                aggregate = deepcopy(aggregate)  # the cache's, as ``Repository.get`` copies it
            else:
                self._seen[aggregate_id] = aggregate
        else:
            try:
                aggregate = self.repository.get(aggregate_id, deepcopy_from_cache=changing)
            except AggregateNotFoundError:
                aggregate = None
            if not changing:
                self._seen[aggregate_id] = aggregate
        return aggregate if isinstance(aggregate, cls) else None


def _name(member: Member) -> str:
    if member.contact is None:
        return ERASED_NAME
    return member.contact.preferred_name or member.contact.name


def _holder_name(account: Account) -> str:
    holder: Any = account.holder
    name = getattr(holder, "name", "")
    return name.split()[0] if name else ERASED_NAME
