"""Rates: trustees adopt what users are charged and PAs are paid an hour, from a date."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from coop.clock import today
from coop.commands.base import Commands, Done
from coop.commands.finance import loading
from coop.domain.finance.rates import RATES_ID, Rates, Tariff, Uplift


class RateCommands(Commands):
    """Commands on the ``Rates`` aggregate (the members' changes: ``DecisionCommands``)."""

    def adopt_rates(
        self,
        *,
        effective_from: date | None,
        charge_pence_per_hour: int,
        pay_pence_per_hour: int,
        uplifts: tuple[Uplift, ...] = (),
        minute: str,
        by: UUID,
    ) -> Done:
        """Trustees (the pages let only them) adopt new rates from a date, with their minute.

        A new tariff supersedes the last from a later date; nothing is ever edited, and
        no rate can take effect inside a closed period.
        """
        tariff = Tariff(
            effective_from=effective_from,  # type: ignore[arg-type]  # checked: "no date"
            charge_pence_per_hour=charge_pence_per_hour,
            pay_pence_per_hour=pay_pence_per_hour,
            uplifts=tuple(uplifts),
        )

        def attempt() -> tuple[Rates]:
            rates = loading.rates(self.repository)
            locked = loading.calendar(self.repository).locked_until
            rates.adopt(tariff, by=by, minute=minute, today=today(self.clock), locked_until=locked)
            return (rates,)

        return self._retrying(RATES_ID, attempt)
