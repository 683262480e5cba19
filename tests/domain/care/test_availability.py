"""A PA's availability: weekly patterns over time, leave, sickness and extra hours."""

from __future__ import annotations

from datetime import date

from coop.domain.care.availability import (
    ExceptionKind,
    WeeklyPattern,
    Window,
    is_available,
    why_unavailable,
)

from .leeds import TUESDAY, available, away, nine_to_five, visit, weekdays


def test_a_visit_inside_the_pattern_is_available_and_one_outside_is_not() -> None:
    sam = available()
    assert is_available(sam, visit(TUESDAY, 9, 0, 8 * 60))
    assert not is_available(sam, visit(TUESDAY, 16, 30, 60))
    assert not is_available(sam, visit(TUESDAY, 8, 30, 60))
    assert why_unavailable(sam, visit(TUESDAY, 16, 30)) == "they work 09:00 to 17:00 on Tuesdays"


def test_a_pa_does_not_work_on_days_the_pattern_leaves_out() -> None:
    saturday = date(2026, 3, 7)
    assert why_unavailable(available(), visit(saturday, 10)) == "they do not work on Saturdays"


def test_the_newest_pattern_is_in_force_from_its_start_date() -> None:
    mornings = WeeklyPattern(starts_on=date(2026, 3, 9), windows=weekdays(7, 12))
    sam = available(nine_to_five(date(2026, 1, 5)), mornings)
    assert is_available(sam, visit(TUESDAY, 14))  # 3 March: still nine to five
    assert not is_available(sam, visit(date(2026, 3, 10), 14))  # 10 March: mornings only
    assert is_available(sam, visit(date(2026, 3, 10), 7))
    assert why_unavailable(available(nine_to_five(date(2026, 4, 1))), visit(TUESDAY, 10)) == (
        "they have not said when they can work at that date"
    )


def test_an_overnight_window_and_back_to_back_windows_take_a_visit_across_them() -> None:
    nights = WeeklyPattern(
        starts_on=date(2026, 1, 5),
        windows=(Window(1, 20 * 60, 32 * 60), Window(2, 8 * 60, 12 * 60)),  # Tue 20:00 to Wed 12:00
    )
    ewan = available(nights)
    assert is_available(ewan, visit(TUESDAY, 22, 0, 10 * 60))  # 22:00 to 08:00
    assert is_available(ewan, visit(TUESDAY, 23, 0, 12 * 60))  # into Wednesday's window
    assert not is_available(ewan, visit(TUESDAY, 19, 0, 120))


def test_leave_and_sickness_take_hours_away_and_extra_hours_add_them() -> None:
    saturday = date(2026, 3, 7)
    sam = available(
        exceptions=(
            away(ExceptionKind.LEAVE, TUESDAY, 0, 24),
            away(ExceptionKind.SICKNESS, date(2026, 3, 4), 9, 12),
            away(ExceptionKind.EXTRA_HOURS, saturday, 10, 14),
        )
    )
    assert why_unavailable(sam, visit(TUESDAY, 10)) == "they are on leave"
    assert why_unavailable(sam, visit(date(2026, 3, 4), 11)) == "they are off sick"
    assert is_available(sam, visit(date(2026, 3, 4), 12))  # better by lunchtime
    assert is_available(sam, visit(saturday, 10, 0, 240))
    assert not is_available(sam, visit(saturday, 13, 30, 60))


def test_leave_wins_over_extra_hours_on_the_same_day() -> None:
    saturday = date(2026, 3, 7)
    sam = available(
        exceptions=(
            away(ExceptionKind.EXTRA_HOURS, saturday, 10, 14),
            away(ExceptionKind.LEAVE, saturday, 0, 24),
        )
    )
    assert why_unavailable(sam, visit(saturday, 10)) == "they are on leave"


def test_a_pattern_is_kept_in_wall_clock_time_across_the_clocks_going_forward() -> None:
    sam = available(WeeklyPattern(starts_on=date(2026, 3, 1), windows=weekdays(9, 17, range(7))))
    assert is_available(sam, visit(date(2026, 3, 29), 9, 0, 8 * 60))  # the Sunday of the change
    assert is_available(sam, visit(date(2026, 3, 30), 9, 0, 8 * 60))
    assert not is_available(sam, visit(date(2026, 3, 30), 8, 30))
