"""The accounts projection: who can sign in, with which roles (events to rows)."""

from __future__ import annotations

from coop.domain.accounts import Account
from coop.domain.membership.members import Member
from coop.infra.sealing import is_erased
from coop.projections.base import Projection, Statement

accounts = Projection("accounts", tables=("accounts",))


@accounts.on(Account.Opened)
def opened(event: Account.Opened, position: int) -> list[Statement]:
    if is_erased(event.holder) or is_erased(event.credential):
        return []  # an erased person's account cannot be signed in to
    return [
        (
            "INSERT INTO {accounts} (account_id, email, name, roles, member_id, password_hash,"
            " opened_on) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            # Claims make e-mails unique on the write side; should two accounts
            # ever share one (a changed COOP_SECRET_KEY), the first keeps it.
            " ON CONFLICT (email) DO NOTHING",
            (
                event.originator_id,
                event.holder.email,
                event.holder.name,
                [str(r) for r in event.roles],
                event.member_id,
                event.credential.password_hash,
                event.opened_on,
            ),
        )
    ]


@accounts.on(Account.PasswordChanged)
def password_changed(event: Account.PasswordChanged, position: int) -> list[Statement]:
    if is_erased(event.credential):
        return []
    return [
        (
            "UPDATE {accounts} SET password_hash = $2 WHERE account_id = $1",
            (event.originator_id, event.credential.password_hash),
        )
    ]


@accounts.on(Account.RolesChanged)
def roles_changed(event: Account.RolesChanged, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {accounts} SET roles = $2 WHERE account_id = $1",
            (event.originator_id, [str(r) for r in event.roles]),
        )
    ]


@accounts.on(Member.Erased)
def member_erased(event: Member.Erased, position: int) -> list[Statement]:
    # An erased person can no longer sign in (their sessions then find no account).
    return [("DELETE FROM {accounts} WHERE member_id = $1", (event.originator_id,))]
