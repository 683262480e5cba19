"""Accounts: who can sign in, and with which roles."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from coop.domain.errors import CoopError


class Role(StrEnum):
    """Roles, from SPEC.md "People and roles"."""

    MEMBER = "member"
    USER = "user"
    CARER = "carer"
    PA = "pa"
    COORDINATOR = "coordinator"
    TRUSTEE = "trustee"
    SECRETARY = "secretary"


class EmailInUse(CoopError):
    def __init__(self) -> None:
        super().__init__("There is already an account with this email address.")


class Account(Aggregate):
    """A sign-in: e-mail, password hash (argon2) and roles."""

    class Opened(Aggregate.Created):
        name: str
        email: str
        roles: tuple[Role, ...]
        member_id: UUID | None
        password_hash: str
        opened_on: date

    class PasswordChanged(Aggregate.Event):
        password_hash: str

    @event(Opened)
    def __init__(
        self,
        name: str,
        email: str,
        roles: tuple[Role, ...],
        member_id: UUID | None,
        password_hash: str,
        opened_on: date,
    ) -> None:
        self.email = email
        self.roles = roles
        self.password_hash = password_hash

    @event(PasswordChanged)
    def change_password(self, password_hash: str) -> None:
        """Replace the password (the new hash only; never the password)."""
        self.password_hash = password_hash
