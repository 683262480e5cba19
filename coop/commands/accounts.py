"""Account commands: opening a sign-in, passwords, office roles."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from coop.clock import today
from coop.commands.base import Commands, Done
from coop.domain.accounts import Account, AccountHolder, Credential, EmailInUse, Role
from coop.domain.claims import Claim, claim_id


class AccountCommands(Commands):
    """Commands on ``Account`` aggregates."""

    def open_account(
        self,
        *,
        name: str,
        email: str,
        password_hash: str,
        roles: tuple[Role, ...],
        member_id: UUID | None = None,
    ) -> Done:
        """Open a sign-in for a person; one per e-mail address, and one per member."""
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
        if member_id is None:
            return self._save_new(account, claim, conflict=EmailInUse)
        # The member's record names the account, so erasing the member erases it too.
        member = self._member(member_id)
        member.link_account(account.id)
        return self._save_new(account, claim, member, conflict=EmailInUse)

    def change_password(self, account_id: UUID, password_hash: str) -> Done:
        """Set a new password hash on an account."""

        def attempt() -> tuple[Aggregate, ...]:
            account: Account = self.repository.get(account_id)
            account.change_password(Credential(password_hash=password_hash))
            return (account,)

        return self._retrying(account_id, attempt)

    def change_roles(self, account_id: UUID, roles: tuple[Role, ...], *, by: UUID) -> Done:
        """Give an account office roles such as coordinator."""

        def attempt() -> tuple[Aggregate, ...]:
            account: Account = self.repository.get(account_id)
            account.change_roles(roles, by=by)
            return (account,)

        return self._retrying(account_id, attempt)
