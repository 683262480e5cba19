"""Bank holidays in England and Wales, checked against the list GOV.UK publishes.

The dates below were typed in from GOV.UK's bank-holidays.json (division
"england-and-wales"), as mirrored in ministryofjustice/govuk-bank-holidays
(commit 35fc7558, August 2026). They are facts to check the rules against,
not an input to coop.
"""

from __future__ import annotations

from datetime import date

import pytest

from coop.domain.finance.bank_holidays import bank_holidays, easter_sunday, is_bank_holiday

GOV_UK = {
    2018: "01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26",
    2019: "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26",
    2020: "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28",
    2021: "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28",
    2022: "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
    2023: "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26",
    2024: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
    2025: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
    2026: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
}
# GOV.UK marks these "Substitute day".
SUBSTITUTES = {
    date(2020, 12, 28): "Boxing Day",
    date(2021, 12, 27): "Christmas Day",
    date(2021, 12, 28): "Boxing Day",
    date(2022, 1, 3): "New Year’s Day",
    date(2022, 12, 27): "Christmas Day",
    date(2023, 1, 2): "New Year’s Day",
    date(2026, 12, 28): "Boxing Day",
}


def published(year: int) -> list[date]:
    return [date.fromisoformat(f"{year}-{day}") for day in GOV_UK[year].split()]


@pytest.mark.parametrize("year", sorted(GOV_UK))
def test_every_bank_holiday_from_2018_to_2026_matches_the_published_list(year: int) -> None:
    assert [h.on for h in bank_holidays(year)] == published(year)


def test_substitute_days_are_the_ones_gov_uk_marks_and_stand_in_for_the_right_holiday() -> None:
    found = {h.on: h.title for y in GOV_UK for h in bank_holidays(y) if h.substitute}
    assert found == SUBSTITUTES


def test_a_sunday_christmas_leaves_boxing_day_on_the_monday_and_moves_christmas_to_tuesday() -> (
    None
):
    assert [(h.on, h.title) for h in bank_holidays(2022)[-2:]] == [
        (date(2022, 12, 26), "Boxing Day"),
        (date(2022, 12, 27), "Christmas Day"),
    ]


def test_the_proclaimed_days_of_2020_2022_and_2023_are_there_with_their_names() -> None:
    titles = {h.on: h.title for y in (2020, 2022, 2023) for h in bank_holidays(y)}
    assert titles[date(2020, 5, 8)] == "Early May bank holiday"  # moved from Monday 4 May
    assert date(2020, 5, 4) not in titles
    assert titles[date(2022, 6, 2)] == "Spring bank holiday"  # moved from Monday 30 May
    assert titles[date(2022, 6, 3)] == "Platinum Jubilee bank holiday"
    assert "State Funeral" in titles[date(2022, 9, 19)]
    assert "coronation" in titles[date(2023, 5, 8)]


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2018, date(2018, 4, 1)), (2019, date(2019, 4, 21)), (2024, date(2024, 3, 31)),
     (2025, date(2025, 4, 20)), (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25)),
     (2285, date(2285, 3, 22))],
)  # fmt: skip
def test_easter_day_follows_the_computus_including_its_earliest_and_latest_dates(
    year: int, easter: date
) -> None:
    assert easter_sunday(year) == easter


def test_years_to_come_follow_the_standing_rules() -> None:
    # 2027 as GOV.UK already lists it: Christmas on a Saturday gives Monday and Tuesday off.
    assert [h.on for h in bank_holidays(2027)] == [
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 3),
        date(2027, 5, 31), date(2027, 8, 30), date(2027, 12, 27), date(2027, 12, 28),
    ]  # fmt: skip


def test_is_bank_holiday_answers_for_single_days() -> None:
    assert is_bank_holiday(date(2025, 8, 25))
    assert not is_bank_holiday(date(2025, 12, 24))
    assert not is_bank_holiday(date(2026, 12, 26))  # a Saturday: the holiday is on the 28th
