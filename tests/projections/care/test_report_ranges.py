"""The care reports' ranges of days: UK days across the clock changes, and their months."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from coop.projections.care.reports import DateRange


def test_a_range_runs_from_uk_midnight_to_uk_midnight_across_the_clock_change() -> None:
    clocks_go_back = DateRange(date(2026, 10, 25), date(2026, 10, 25))
    first, end = clocks_go_back.bounds()
    assert first == datetime(2026, 10, 24, 23, tzinfo=UTC)  # midnight in summer time
    assert end == datetime(2026, 10, 26, 0, tzinfo=UTC)  # midnight in winter time
    assert end.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=25)  # 25 real hours


def test_the_months_of_a_range_are_every_month_it_touches_across_a_new_year() -> None:
    assert DateRange(date(2026, 11, 30), date(2027, 2, 1)).months() == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
    ]
    assert DateRange(date(2026, 3, 5), date(2026, 3, 9)).months() == ["2026-03"]
