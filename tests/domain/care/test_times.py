"""Visits in UK wall-clock time, across the real clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from coop.domain.care.times import (
    BadDuration,
    TimeDoesNotExist,
    duration_words,
    hhmm,
    instant,
    monday_of,
    repeated_note,
    visit_interval,
    week_interval,
)

SPRING = [date(2025, 3, 30), date(2026, 3, 29)]
AUTUMN = [date(2025, 10, 26), date(2026, 10, 25)]


@pytest.mark.parametrize("change", SPRING + AUTUMN)
def test_a_ten_oclock_visit_is_at_ten_on_both_sides_of_a_clock_change(change: date) -> None:
    before = visit_interval(change - timedelta(days=1), time(10), 60)
    after = visit_interval(change + timedelta(days=1), time(10), 60)
    assert hhmm(before.start) == hhmm(after.start) == "10:00"
    # Apart by a day plus or minus the hour the clocks moved.
    assert after.start - before.start == timedelta(hours=48 + (-1 if change in SPRING else 1))


@pytest.mark.parametrize("change", SPRING)
def test_a_time_the_clocks_skip_is_refused_saying_when_they_go_forward(change: date) -> None:
    with pytest.raises(TimeDoesNotExist) as refused:
        instant(change, time(1, 30))
    assert str(refused.value) == (
        f"01:30 does not exist on Sunday {change.day} March {change.year}: the clocks go"
        " forward at 01:00, straight to 02:00. Choose another time."
    )
    assert refused.value.field == "start"


@pytest.mark.parametrize("change", SPRING)
def test_the_minutes_either_side_of_the_skipped_hour_exist(change: date) -> None:
    assert instant(change, time(0, 59)) == datetime(change.year, 3, change.day, 0, 59, tzinfo=UTC)
    assert instant(change, time(2, 0)) == datetime(change.year, 3, change.day, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("change", AUTUMN)
def test_a_time_that_happens_twice_is_its_first_occurrence_and_the_booker_is_told(
    change: date,
) -> None:
    first = instant(change, time(1, 30))
    assert first == datetime(change.year, 10, change.day, 0, 30, tzinfo=UTC)  # 01:30 BST
    note = repeated_note(change, time(1, 30))
    assert note is not None
    assert "happens twice" in note and "the first 01:30, in British Summer Time" in note
    assert repeated_note(change, time(10)) is None
    assert repeated_note(change - timedelta(days=1), time(1, 30)) is None


@pytest.mark.parametrize("change", SPRING + AUTUMN)
def test_a_night_visit_over_a_clock_change_lasts_its_minutes(change: date) -> None:
    night = visit_interval(change - timedelta(days=1), time(22), 10 * 60)
    assert night.minutes == 600
    assert hhmm(night.end) == ("09:00" if change in SPRING else "07:00")


def test_a_visit_lasts_from_one_minute_to_24_hours() -> None:
    assert visit_interval(date(2026, 5, 5), time(9), 1).minutes == 1
    assert visit_interval(date(2026, 5, 5), time(9), 24 * 60).minutes == 1440
    for minutes in (0, -30, 24 * 60 + 1):
        with pytest.raises(BadDuration, match="at least 1 minute and at most 24 hours"):
            visit_interval(date(2026, 5, 5), time(9), minutes)


def test_a_uk_week_runs_monday_to_sunday_and_is_shorter_or_longer_at_a_clock_change() -> None:
    assert monday_of(date(2026, 3, 29)) == date(2026, 3, 23)  # a Sunday
    assert monday_of(date(2026, 3, 23)) == date(2026, 3, 23)
    assert week_interval(date(2026, 3, 23)).minutes == 167 * 60
    assert week_interval(date(2026, 10, 19)).minutes == 169 * 60
    assert week_interval(date(2026, 3, 2)).minutes == 168 * 60


def test_durations_read_as_people_say_them() -> None:
    assert duration_words(15) == "15 minutes"
    assert duration_words(60) == "1 hour"
    assert duration_words(750) == "12 hours 30 minutes"
    assert duration_words(0) == "0 minutes"
