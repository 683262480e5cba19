"""The rule book's money fields: defaults that keep stored rules readable, and nonsense refused."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from coop.domain.errors import InvalidInput
from coop.domain.finance.pricing import PricingRules
from coop.domain.governance.rules import RuleBook, model_rules


def test_rules_stored_before_the_money_fields_read_with_their_defaults() -> None:
    stored = msgspec.to_builtins(model_rules())
    for field in (
        "visit_time_rounding_minutes",
        "late_cancellation_pay_percent",
        "surplus_reserve_percent",
    ):
        del stored[field]
    rules = msgspec.convert(stored, RuleBook)
    assert rules == model_rules()
    assert PricingRules.from_rules(rules) == PricingRules(
        rounding_minutes=0, late_cancellation_charge_percent=50, late_cancellation_pay_percent=0
    )
    assert rules.surplus_reserve_percent == 10


def test_the_pricing_rules_come_from_the_rule_book() -> None:
    rules = msgspec.structs.replace(
        model_rules(), visit_time_rounding_minutes=15, late_cancellation_pay_percent=25
    )
    rules.check()
    assert PricingRules.from_rules(rules) == PricingRules(
        rounding_minutes=15, late_cancellation_charge_percent=50, late_cancellation_pay_percent=25
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"visit_time_rounding_minutes": 7}, "visit_time_rounding_minutes"),
        ({"visit_time_rounding_minutes": -15}, "visit_time_rounding_minutes"),
        ({"late_cancellation_pay_percent": 101}, "late_cancellation_pay_percent"),
        ({"late_cancellation_charge_percent": -1}, "late_cancellation_charge_percent"),
        ({"surplus_reserve_percent": 150}, "surplus_reserve_percent"),
    ],
)
def test_money_rules_that_make_no_sense_are_refused_naming_the_field(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as e:
        msgspec.structs.replace(model_rules(), **changes).check()
    assert e.value.field == field
