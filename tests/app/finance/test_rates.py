"""Rates on the real event store: adopted from a date, superseded, never inside a closed period."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from coop.application import Coop
from coop.domain.errors import InvalidInput
from coop.domain.finance.rates import RATES_ID, PeriodAlreadyClosed, Rates, RatesBackdated
from tests.app.finance.world import a_year_open, books_up_to_date


def events(coop: Coop) -> int:
    return coop.recorder.max_notification_id() or 0


def rates(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "effective_from": date(2025, 10, 1),
        "charge_pence_per_hour": 2800,
        "pay_pence_per_hour": 1530,
        "minute": "Board 2025/09 minute 3",
    }
    return fields | changes


def test_new_rates_supersede_the_old_from_their_date(coop: Coop) -> None:
    people, _ = a_year_open(coop)
    coop.adopt_rates(**rates(), by=people.trustee)
    history = coop.repository.get(RATES_ID)
    assert isinstance(history, Rates)
    assert [t.pay_pence_per_hour for t in history.history] == [1480, 1530]
    assert history.in_force_on(date(2025, 9, 30)).pay_pence_per_hour == 1480  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"effective_from": None}, InvalidInput, "Say from which date"),
        ({"pay_pence_per_hour": -1480}, InvalidInput, "more than £0 an hour"),
        ({"pay_pence_per_hour": 1480.5}, InvalidInput, "whole number of pence"),
        ({"minute": " "}, InvalidInput, "board minute"),
        ({"effective_from": date(2025, 3, 1)}, RatesBackdated, "never changed after the event"),
    ],
)
def test_bad_rates_are_refused_saying_why_and_change_nothing(
    coop: Coop, changes: dict[str, Any], error: type[Exception], message: str
) -> None:
    people, _ = a_year_open(coop)
    before = events(coop)
    with pytest.raises(error, match=message):
        coop.adopt_rates(**rates(**changes), by=people.trustee)
    assert events(coop) == before


def test_no_rate_can_take_effect_inside_a_closed_period(coop: Coop, db_url: str) -> None:
    people, period = a_year_open(coop)
    books_up_to_date(db_url)
    coop.close_period(period, minute="Board 2026/05", by=people.trustee)
    before = events(coop)
    with pytest.raises(PeriodAlreadyClosed, match="up to 31 March 2026 are closed"):
        coop.adopt_rates(**rates(effective_from=date(2026, 3, 1)), by=people.trustee)
    assert events(coop) == before
    coop.adopt_rates(**rates(effective_from=date(2026, 4, 1)), by=people.trustee)
