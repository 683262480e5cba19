"""What the finance commands load: a period, the calendar, the rates, and the treasurer.

Module functions on the application's repository, so every finance group shares them
(the groups extend ``Commands`` only).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository

from coop.domain.accounts import Account, Role
from coop.domain.errors import CoopError, NotFound
from coop.domain.finance.calendar import CALENDAR_ID, PeriodCalendar
from coop.domain.finance.periods import FinancialPeriod
from coop.domain.finance.rates import RATES_ID, Rates


class PeriodNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no financial period with that reference.")


class NotTreasurer(CoopError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "Only a coordinator with the treasurer's duty can record the co-op's income and costs."
        )


def _get(repository: Repository[UUID], aggregate_id: UUID) -> Any:
    try:
        return repository.get(aggregate_id)
    except AggregateNotFoundError:
        return None


def period(repository: Repository[UUID], period_id: UUID) -> FinancialPeriod:
    """The financial period, or ``PeriodNotFound``."""
    found = _get(repository, period_id)
    if not isinstance(found, FinancialPeriod):
        raise PeriodNotFound()
    return found


def calendar(repository: Repository[UUID]) -> PeriodCalendar:
    """The calendar of periods (a new one before the first period)."""
    found = _get(repository, CALENDAR_ID)
    return found if isinstance(found, PeriodCalendar) else PeriodCalendar()


def rates(repository: Repository[UUID]) -> Rates:
    """Every tariff so far (a new, empty history before the first)."""
    found = _get(repository, RATES_ID)
    return found if isinstance(found, Rates) else Rates()


def check_treasurer(repository: Repository[UUID], account_id: UUID) -> None:
    """Refuse anyone but a coordinator whose account holds the treasurer's duty.

    The duty is an office role on the account (``Role.TREASURER``), given like the
    coordinator's role (``change_roles``), so it is checked here, on the write side,
    and not only by the pages.
    """
    account = _get(repository, account_id)
    if not isinstance(account, Account) or not {Role.COORDINATOR, Role.TREASURER} <= set(
        account.roles
    ):
        raise NotTreasurer()
