"""Pricing delivered care: real minutes at the rates in force, split where the price changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coop.clock import UK
from coop.domain.errors import InvalidInput
from coop.domain.finance.bank_holidays import is_bank_holiday
from coop.domain.finance.money import round_half_up
from coop.domain.finance.pricing import (
    LineKind,
    Outcome,
    PricedVisit,
    PricingRules,
    price_visits,
)
from coop.domain.finance.rates import Side, Tariff, Uplift, When
from tests.domain.finance.books import APRIL, DEV, JOSEPH, OCTOBER, SIOBHAN, TARIFFS, at, visit

RULES = PricingRules()  # to the nearest minute; late cancellations 50 % charged, PA not paid


def priced(*visits, rules=RULES, tariffs=TARIFFS) -> list[PricedVisit]:  # type: ignore[no-untyped-def]
    result = price_visits(visits, tariffs, rules)
    assert not result.unpriced, result.unpriced
    return list(result.visits)


def lines(v: PricedVisit, side: Side) -> list[tuple[int, int, str, int]]:
    return [(ln.minutes, ln.rate, ln.uplift, ln.pence) for ln in v.lines if ln.side is side]


def test_a_weekday_daytime_visit_is_one_line_a_side_at_the_standard_rates() -> None:
    [v] = priced(visit(at(date(2025, 6, 10), "09:00"), at(date(2025, 6, 10), "10:30")))
    assert (v.minutes, v.charge_pence, v.pay_pence) == (90, 4200, 2220)
    assert lines(v, Side.PAY) == [(90, 1480, "", 2220)]
    assert v.on == date(2025, 6, 10)


def test_a_visit_across_midnight_into_new_rates_is_split_at_the_minute_they_start() -> None:
    # Tuesday 30 September 23:00 to 01:00: both hours at night, the second at October's pay.
    [v] = priced(visit(at(date(2025, 9, 30), "23:00"), at(date(2025, 10, 1), "01:00")))
    assert lines(v, Side.PAY) == [(60, 1776, "night", 1776), (60, 1836, "night", 1836)]
    assert [ln.tariff_from for ln in v.lines if ln.side is Side.PAY] == [
        APRIL.effective_from,
        OCTOBER.effective_from,
    ]
    assert v.pay_pence == 3612 and v.charge_pence == 2 * 3360


def test_a_visit_into_the_night_is_split_where_the_night_rate_starts() -> None:
    [v] = priced(visit(at(date(2025, 6, 13), "21:15"), at(date(2025, 6, 13), "23:00")))
    assert lines(v, Side.PAY) == [(45, 1480, "", 1110), (60, 1776, "night", 1776)]
    assert lines(v, Side.CHARGE) == [(45, 2800, "", 2100), (60, 3360, "night", 3360)]


def test_where_uplifts_overlap_the_highest_rate_applies_and_they_never_add_up() -> None:
    # Friday night into Saturday: night (+20 %) beats the weekend (+£1 an hour) throughout.
    [v] = priced(visit(at(date(2025, 6, 13), "23:00"), at(date(2025, 6, 14), "01:00")))
    assert lines(v, Side.PAY) == [(120, 1776, "night", 3552)]
    # On the August bank holiday, the holiday's +50 % beats the night's +20 % before 07:00.
    [holiday] = priced(visit(at(date(2025, 8, 25), "06:00"), at(date(2025, 8, 25), "08:00")))
    assert lines(holiday, Side.PAY) == [(120, 2220, "bank_holiday", 4440)]


def test_weekends_and_bank_holidays_are_priced_by_the_uk_calendar() -> None:
    saturday, boxing_day = date(2025, 6, 14), date(2025, 12, 26)
    assert is_bank_holiday(boxing_day)
    sat, box = priced(
        visit(at(saturday, "10:00"), at(saturday, "12:00")),
        visit(at(boxing_day, "10:00"), at(boxing_day, "12:00"), pa=SIOBHAN),
    )
    assert (sat.charge_pence, sat.pay_pence) == (2 * 3000, 2 * 1580)
    assert (box.charge_pence, box.pay_pence) == (2 * 4200, 2 * 2295)  # October's £15.30 + 50 %


def test_the_october_clock_change_is_paid_for_the_real_hour_worked_twice_over() -> None:
    # Sunday 26 October 2025: 00:30 BST to 02:30 GMT reads two hours, but three are worked.
    start = datetime(2025, 10, 25, 23, 30, tzinfo=UTC)
    end = datetime(2025, 10, 26, 2, 30, tzinfo=UTC)
    assert (start.astimezone(UK).strftime("%H:%M"), end.astimezone(UK).strftime("%H:%M")) == (
        "00:30",
        "02:30",
    )
    [v] = priced(visit(start, end))
    assert v.minutes == 180
    assert lines(v, Side.PAY) == [(180, 1836, "night", 5508)]
    assert v.on == date(2025, 10, 26)


def test_the_march_clock_change_is_paid_for_the_one_real_hour_worked() -> None:
    # Sunday 29 March 2026: 00:30 GMT to 02:30 BST reads two hours, but one is worked.
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    end = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert end.astimezone(UK).strftime("%H:%M") == "02:30"
    [v] = priced(visit(start, end))
    assert (v.minutes, v.pay_pence) == (60, 1836)


def test_a_night_window_is_judged_on_the_wall_clock_after_the_clocks_go_forward() -> None:
    # A night that ends at 07:00 BST ends at 06:00 UTC on 29 March 2026.
    start = datetime(2026, 3, 29, 5, 0, tzinfo=UTC)  # 06:00 BST
    [v] = priced(visit(start, start + timedelta(hours=2)))
    assert lines(v, Side.PAY) == [(60, 1836, "night", 1836), (60, 1630, "weekend", 1630)]


def test_times_are_rounded_to_the_nearest_quarter_hour_when_the_rules_say_so() -> None:
    quarter = PricingRules(rounding_minutes=15)
    day = date(2025, 6, 11)
    [v] = priced(visit(at(day, "09:07"), at(day, "10:53")), rules=quarter)
    assert v.minutes == 120
    halfway = visit(at(day, "09:00"), at(day, "10:00"), late_by=timedelta(minutes=7, seconds=30))
    [h] = priced(halfway, rules=quarter)
    assert h.lines[0].starts == at(day, "09:15")  # a half rounds up
    assert h.minutes == 60


def test_without_rounding_seconds_round_to_the_nearest_minute() -> None:
    day = date(2025, 6, 11)
    v = visit(at(day, "09:00"), at(day, "09:45"), late_by=timedelta(seconds=29))
    assert priced(v)[0].minutes == 45


def test_a_short_visit_rounded_away_is_priced_at_nothing_and_flagged() -> None:
    day = date(2025, 6, 11)
    [v] = priced(visit(at(day, "09:01"), at(day, "09:06")), rules=PricingRules(rounding_minutes=15))
    assert (v.minutes, v.charge_pence, v.pay_pence) == (0, 0, 0)
    assert v.flag == "no time left after rounding"


def test_a_late_cancellation_charges_the_rules_share_of_the_planned_visit_and_pays_nothing() -> (
    None
):
    day = date(2025, 6, 11)
    [v] = priced(visit(at(day, "14:00"), at(day, "16:00"), outcome=Outcome.LATE_CANCELLED))
    assert (v.minutes, v.charge_pence, v.pay_pence) == (0, 2800, 0)
    assert {ln.kind for ln in v.lines} == {LineKind.CANCELLATION}
    assert [ln.percent for ln in v.lines] == [50]


def test_the_pa_is_paid_for_a_late_cancellation_only_when_the_rules_say() -> None:
    day = date(2025, 6, 11)
    rules = PricingRules(late_cancellation_pay_percent=100)
    cancelled = visit(at(day, "14:00"), at(day, "15:30"), outcome=Outcome.LATE_CANCELLED)
    [v] = priced(cancelled, rules=rules)
    assert (v.charge_pence, v.pay_pence) == (2100, 2220)


def test_a_missed_visit_is_not_charged_nor_paid_and_is_flagged() -> None:
    day = date(2025, 6, 11)
    [v] = priced(visit(at(day, "08:00"), at(day, "09:00"), outcome=Outcome.MISSED, pa=SIOBHAN))
    assert (v.lines, v.charge_pence, v.pay_pence) == ((), 0, 0)
    assert v.flag.startswith("missed")


def test_visits_that_cannot_be_priced_are_listed_with_the_reason() -> None:
    early = visit(at(date(2025, 3, 31), "10:00"), at(date(2025, 3, 31), "11:00"))
    open_ended = visit(at(date(2025, 6, 2), "10:00"), at(date(2025, 6, 2), "11:00"))
    open_ended = open_ended.__class__(**{**_fields(open_ended), "actual_end": None})
    result = price_visits([early, open_ended], TARIFFS, RULES)
    assert result.visits == ()
    assert [u.reason for u in result.unpriced] == [
        "It can't be priced: no rates were in force on 31 March 2025.",
        "It can't be priced: it has no check-in or check-out time.",
    ]


def _fields(v):  # type: ignore[no-untyped-def]
    return {f: getattr(v, f) for f in v.__struct_fields__}


def test_pricing_rules_refuse_a_rounding_that_does_not_divide_the_hour() -> None:
    with pytest.raises(InvalidInput, match="divides an hour"):
        PricingRules(rounding_minutes=7).check()


# Real tariffs, worked through ------------------------------------------------------------


def test_merton_direct_payment_rates_from_august_2023_price_a_three_hour_visit() -> None:
    # London Borough of Merton, direct payments from 21 August 2023 (merton.gov.uk,
    # "Payments and rates"): £19.55 an hour paid to the person, of which the PA may be
    # paid up to £14.80 an hour.
    merton = Tariff(
        effective_from=date(2023, 8, 21), charge_pence_per_hour=1955, pay_pence_per_hour=1480
    )
    day = date(2023, 9, 5)
    [three, short] = priced(
        visit(at(day, "09:00"), at(day, "12:00")),
        visit(at(day, "13:00"), at(day, "13:45"), user=JOSEPH),
        tariffs=(merton,),
    )
    assert (three.charge_pence, three.pay_pence) == (5865, 4440)  # £58.65 and £44.40
    # By the minute, 45 minutes is £14.6625 → £14.66 (Merton itself sets £15.72 for a
    # 45-minute visit: coop has no minimum charge, so short visits cost pro rata).
    assert (short.charge_pence, short.pay_pence) == (1466, 1110)


def test_aegis_care_sunday_rate_prices_a_visit_from_saturday_night_into_sunday() -> None:
    # Aegis Care (aegiscare.co.uk/costs.html): £13.00 an hour Monday to Saturday, £14.28 on
    # Sunday. As coop rates: a "weekend" uplift of £1.28 an hour counted on Sundays only.
    aegis = Tariff(
        effective_from=date(2024, 4, 1),
        charge_pence_per_hour=1300,
        pay_pence_per_hour=1100,
        uplifts=(Uplift(when=When.WEEKEND, side=Side.CHARGE, pence_per_hour=128, days=(7,)),),
    )
    sat, sun = date(2025, 6, 14), date(2025, 6, 15)
    [saturday, across, sunday] = priced(
        visit(at(sat, "10:00"), at(sat, "12:00")),
        visit(at(sat, "23:00"), at(sun, "01:00"), pa=DEV),
        visit(at(sun, "10:00"), at(sun, "12:00")),
        tariffs=(aegis,),
    )
    assert (saturday.charge_pence, sunday.charge_pence) == (2600, 2856)
    assert across.charge_pence == 1300 + 1428
    assert lines(across, Side.CHARGE) == [(60, 1300, "", 1300), (60, 1428, "weekend", 1428)]


# Properties: nothing lost, nothing invented ---------------------------------------------

STRANGE = (
    Tariff(effective_from=date(2025, 3, 1), charge_pence_per_hour=2333, pay_pence_per_hour=1457,
           uplifts=(Uplift(when=When.NIGHT, side=Side.PAY, pence_per_hour=77, starts_minute=1290,
                           ends_minute=405),
                    Uplift(when=When.BANK_HOLIDAY, side=Side.CHARGE, pence_per_hour=1001))),
    Tariff(effective_from=date(2025, 10, 26), charge_pence_per_hour=2401, pay_pence_per_hour=1501,
           uplifts=(Uplift(when=When.NIGHT, side=Side.CHARGE, pence_per_hour=33, starts_minute=30,
                           ends_minute=90),
                    Uplift(when=When.WEEKEND, side=Side.PAY, pence_per_hour=111))),
)  # fmt: skip

# Around both clock changes, Christmas and the new rates at a clock change's own midnight.
_CORNERS = [datetime(2025, 3, 29, tzinfo=UTC), datetime(2025, 10, 24, tzinfo=UTC),
            datetime(2025, 12, 24, tzinfo=UTC), datetime(2026, 3, 27, tzinfo=UTC)]  # fmt: skip


@st.composite
def intervals(draw: st.DrawFn) -> tuple[datetime, datetime]:
    corner = draw(st.sampled_from(_CORNERS))
    start = corner + timedelta(minutes=draw(st.integers(0, 4 * 1440)))
    return start, start + timedelta(minutes=draw(st.integers(0, 26 * 60)))


def _by_the_minute(start: datetime, end: datetime, side: Side) -> tuple[int, int]:
    """Minutes and exact price (in 60ths of a penny), one real minute at a time."""
    minutes = total = 0
    t = start
    while t < end:
        local = t.astimezone(UK)
        tariff = STRANGE[1] if local.date() >= STRANGE[1].effective_from else STRANGE[0]
        rate, _ = tariff.rate(
            side,
            minute_of_day=local.hour * 60 + local.minute,
            weekday=local.isoweekday(),
            bank_holiday=is_bank_holiday(local.date()),
        )
        minutes, total, t = minutes + 1, total + rate, t + timedelta(minutes=1)
    return minutes, total


@settings(max_examples=150, deadline=None)
@given(intervals())
def test_splitting_by_the_minute_never_loses_or_invents_a_minute_or_a_penny(
    interval: tuple[datetime, datetime],
) -> None:
    start, end = interval
    [v] = priced(visit(start, end), tariffs=STRANGE)
    for side, total in ((Side.CHARGE, v.charge_pence), (Side.PAY, v.pay_pence)):
        minutes, exact = _by_the_minute(start, end, side)
        side_lines = [ln for ln in v.lines if ln.side is side]
        assert sum(ln.minutes for ln in side_lines) == minutes == v.minutes
        assert sum(ln.pence for ln in side_lines) == total == round_half_up(exact, 60)
        # Each line is its own exact price rounded down or up, never further off.
        for ln in side_lines:
            assert abs(ln.pence * 60 - ln.rate * ln.minutes) < 60


@settings(max_examples=100, deadline=None)
@given(intervals(), st.sampled_from([0, 100, 50, 33]))
def test_a_late_cancellations_lines_add_up_to_its_share_of_the_planned_price(
    interval: tuple[datetime, datetime], percent: int
) -> None:
    start, end = interval
    if end == start:
        return
    rules = PricingRules(late_cancellation_charge_percent=percent)
    [v] = priced(visit(start, end, outcome=Outcome.LATE_CANCELLED), tariffs=STRANGE, rules=rules)
    _, exact = _by_the_minute(start, end, Side.CHARGE)
    assert v.charge_pence == sum(ln.pence for ln in v.lines) == round_half_up(exact * percent, 6000)
