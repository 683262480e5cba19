"""Rates as dated events: adopted by trustees or enacted by a decision, never edited."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import msgspec
import pytest

from coop.domain.errors import InvalidInput
from coop.domain.finance.rates import (
    RATES_ID,
    PeriodAlreadyClosed,
    Rates,
    RatesBackdated,
    Side,
    Tariff,
    Uplift,
    When,
)
from coop.domain.governance.proposals import Rate
from tests.domain.finance.books import APRIL, OCTOBER, TREASURER

TODAY = date(2025, 3, 20)
BALLOT = uuid4()


def rates_with_april() -> Rates:
    rates = Rates()
    rates.adopt(APRIL, by=TREASURER, minute="Board 2025/14", today=TODAY, locked_until=None)
    return rates


def test_one_rates_aggregate_per_co_op_holds_each_tariff_from_its_date() -> None:
    rates = rates_with_april()
    assert rates.id == RATES_ID
    rates.enact(OCTOBER, ballot_id=BALLOT, option_ids=("pa-pay",), today=date(2025, 9, 1), locked_until=None)  # fmt: skip
    assert rates.in_force_on(date(2025, 3, 31)) is None
    assert rates.in_force_on(date(2025, 9, 30)) == APRIL
    assert rates.in_force_on(date(2025, 10, 1)) == OCTOBER
    events = rates.collect_events()
    assert [type(e).__name__ for e in events] == ["Started", "Adopted", "Enacted"]
    assert events[1].minute == "Board 2025/14"  # type: ignore[attr-defined]
    assert events[2].ballot_id == BALLOT  # type: ignore[attr-defined]


def test_a_decided_rate_change_is_the_tariff_in_force_with_one_rate_moved() -> None:
    raised = APRIL.changed(Rate.PA_PAY, 50, date(2025, 10, 1))
    assert raised == OCTOBER
    cheaper = APRIL.changed(Rate.USER_CHARGE, -100, date(2025, 10, 1))
    assert (cheaper.charge_pence_per_hour, cheaper.pay_pence_per_hour) == (2700, 1480)


def test_a_rate_with_no_date_is_refused() -> None:
    undated = Tariff(effective_from=None, charge_pence_per_hour=2800, pay_pence_per_hour=1480)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="Say from which date") as e:
        Rates().adopt(undated, by=TREASURER, minute="Board 1", today=TODAY, locked_until=None)
    assert e.value.field == "effective_from"


@pytest.mark.parametrize(
    ("charge", "pay", "message"),
    [
        (2800, -1480, "The pay for PAs must be more than £0 an hour."),
        (0, 1480, "The charge to users must be more than £0 an hour."),
        (2800.5, 1480, "The charge to users must be a whole number of pence an hour."),
        (2800, 150_000, "The pay for PAs can't be more than £1,000 an hour."),
    ],
)
def test_negative_zero_fractional_or_absurd_amounts_are_refused(
    charge: int, pay: int, message: str
) -> None:
    tariff = Tariff(effective_from=date(2025, 4, 1), charge_pence_per_hour=charge, pay_pence_per_hour=pay)  # fmt: skip
    rates = Rates()
    with pytest.raises(InvalidInput) as e:
        rates.adopt(tariff, by=TREASURER, minute="Board 1", today=TODAY, locked_until=None)
    assert str(e.value) == message
    assert rates.history == ()


def test_an_uplift_that_comes_to_part_of_a_penny_is_refused_saying_how_to_fix_it() -> None:
    tariff = msgspec.structs.replace(
        APRIL,
        pay_pence_per_hour=1455,
        uplifts=(Uplift(when=When.NIGHT, side=Side.PAY, percent=10),),
    )
    with pytest.raises(InvalidInput) as e:
        tariff.check()
    assert str(e.value) == (
        "The night uplift on the pay, 10 % on £14.55, comes to £16.005 an hour, part of a"
        " penny: give the uplift in pence an hour, or a percentage that comes to whole pence."
    )


@pytest.mark.parametrize(
    ("uplift", "message"),
    [
        (Uplift(when=When.NIGHT, side=Side.PAY), "either a percentage or pence an hour"),
        (Uplift(when=When.NIGHT, side=Side.PAY, percent=10, pence_per_hour=5), "either a"),
        (Uplift(when=When.WEEKEND, side=Side.PAY, pence_per_hour=-5), "can't be negative"),
        (Uplift(when=When.WEEKEND, side=Side.PAY, pence_per_hour=5, days=(0,)), "which days"),
        (
            Uplift(when=When.NIGHT, side=Side.PAY, percent=20, starts_minute=60, ends_minute=60),
            "different times of day",
        ),
    ],
)
def test_uplifts_that_cannot_work_are_refused(uplift: Uplift, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        msgspec.structs.replace(APRIL, uplifts=(uplift,)).check()


def test_two_uplifts_for_the_same_time_and_side_are_refused() -> None:
    twice = (Uplift(when=When.NIGHT, side=Side.PAY, percent=20),) * 2
    with pytest.raises(InvalidInput, match="two night uplifts on the pay"):
        msgspec.structs.replace(APRIL, uplifts=twice).check()


def test_rates_back_dated_to_or_before_the_last_ones_date_are_refused_saying_why() -> None:
    rates = rates_with_april()
    earlier = msgspec.structs.replace(OCTOBER, effective_from=date(2025, 3, 1))
    with pytest.raises(RatesBackdated) as e:
        rates.adopt(earlier, by=TREASURER, minute="Board 2", today=TODAY, locked_until=None)
    assert str(e.value) == (
        "These rates would take effect on 1 March 2025, but the rates on the books took effect"
        " on 1 April 2025. Rates are never changed after the event: a new rate supersedes the"
        " last one from a later date."
    )
    same_day = msgspec.structs.replace(OCTOBER, effective_from=APRIL.effective_from)
    with pytest.raises(RatesBackdated):
        rates.adopt(same_day, by=TREASURER, minute="Board 2", today=TODAY, locked_until=None)
    assert rates.history == (APRIL,)


def test_rates_cannot_take_effect_inside_a_closed_period() -> None:
    rates = rates_with_april()
    with pytest.raises(PeriodAlreadyClosed, match="accounts up to 31 October 2025 are closed"):
        rates.enact(
            OCTOBER,
            ballot_id=BALLOT,
            option_ids=("pa-pay",),
            today=date(2025, 11, 5),
            locked_until=date(2025, 10, 31),
        )


def test_the_same_rates_again_and_a_missing_minute_are_refused() -> None:
    rates = rates_with_april()
    again = msgspec.structs.replace(APRIL, effective_from=date(2025, 5, 1))
    with pytest.raises(InvalidInput, match="already in force"):
        rates.adopt(again, by=TREASURER, minute="Board 3", today=TODAY, locked_until=None)
    with pytest.raises(InvalidInput, match="board minute") as e:
        rates.adopt(OCTOBER, by=TREASURER, minute="  ", today=TODAY, locked_until=None)
    assert e.value.field == "minute"


def test_a_tariff_picks_the_highest_of_the_uplifts_that_apply() -> None:
    # Saturday 03:00 on a bank holiday: night +20 % (£17.76), weekend +£1 (£15.80),
    # bank holiday +50 % (£22.20): the bank holiday's rate wins.
    rate, uplift = APRIL.rate(Side.PAY, minute_of_day=180, weekday=6, bank_holiday=True)
    assert (rate, uplift and uplift.when) == (2220, When.BANK_HOLIDAY)
    assert APRIL.rate(Side.PAY, minute_of_day=600, weekday=3, bank_holiday=False) == (1480, None)


def test_rates_events_come_back_from_the_event_store_codec_exactly() -> None:
    from coop.infra.eventstore.codec import EventMapper, MsgspecTranscoder

    rates = rates_with_april()
    rates.enact(OCTOBER, ballot_id=BALLOT, option_ids=("pa-pay",), today=TODAY, locked_until=None)
    mapper = EventMapper(MsgspecTranscoder())
    stored = [mapper.to_stored_event(e) for e in rates.collect_events()]
    replayed = None
    for s in stored:
        replayed = mapper.to_domain_event(s).mutate(replayed)
    assert isinstance(replayed, Rates)
    assert replayed.history == (APRIL, OCTOBER)
    assert b'"pay_pence_per_hour":1480,' in stored[1].state  # whole pence, never a float
