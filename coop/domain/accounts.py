"""Accounts: who can sign in, and with which roles."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coop.domain.errors import CoopError
from coop.infra.sealing import Personal


class Role(StrEnum):
    """Roles, from SPEC.md "People and roles"."""

    MEMBER = "member"
    USER = "user"
    CARER = "carer"
    PA = "pa"
    COORDINATOR = "coordinator"
    TREASURER = "treasurer"  # a coordinator's duty: records the co-op's income and costs
    TRUSTEE = "trustee"
    SECRETARY = "secretary"
    AUDITOR = "auditor"  # reads the record, the registers and the audit pages; nothing personal


class EmailInUse(CoopError):
    def __init__(self) -> None:
        super().__init__("There is already an account with this email address.")


class AccountHolder(Personal, frozen=True, kw_only=True):
    """Who holds an account (personal: sealed at rest)."""

    name: str
    email: str


class Credential(Personal, frozen=True, kw_only=True):
    """An argon2 password hash (never the password); sealed, so erasure removes it."""

    password_hash: str


class Account(Aggregate):
    """A sign-in: e-mail, password hash (argon2) and roles."""

    class Opened(Aggregate.Created):
        holder: AccountHolder
        roles: tuple[Role, ...]
        member_id: UUID | None
        credential: Credential
        opened_on: date

    class PasswordChanged(Aggregate.Event):
        credential: Credential

    class RolesChanged(Aggregate.Event):
        """Office roles given to the account itself (e.g. coordinator); membership roles
        (member, its class, trustee, secretary) follow from the member's record instead."""

        roles: tuple[Role, ...]
        by: UUID

    @event(Opened)
    def __init__(
        self,
        holder: AccountHolder,
        roles: tuple[Role, ...],
        member_id: UUID | None,
        credential: Credential,
        opened_on: date,
    ) -> None:
        self.holder = holder
        self.roles = roles
        self.member_id = member_id
        self.credential = credential

    @event(PasswordChanged)
    def change_password(self, credential: Credential) -> None:
        """Replace the password (the new hash only; never the password)."""
        self.credential = credential

    def change_roles(self, roles: tuple[Role, ...], *, by: UUID) -> None:
        """Give the account these office roles (replacing the ones it had)."""
        roles = tuple(sorted(set(roles)))
        if roles == tuple(sorted(set(self.roles))):
            raise CoopError("Nothing has changed: the account already has exactly these roles.")
        self._roles_changed(roles=roles, by=by)

    @event(RolesChanged)
    def _roles_changed(self, roles: tuple[Role, ...], by: UUID) -> None:
        self.roles = roles
