"""The care reports, over HTTP: hours delivered, late and missed visits, who read the notes."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import httpx
import pytest

from coop.application import Coop
from coop.web.reports import care_reports
from tests.app.care.leeds import Leeds
from tests.app.finance.world import deliver, miss
from tests.web.care.staff import as_, caught_up, fetch, leeds_online, read


def a_season_of_care(coop: Coop, town: Leeds) -> dict[str, object]:
    """Autumn 2026 in Leeds, and one visit in 2025; the visits' ids by what happened."""
    m = town.member
    return {
        "september": deliver(coop, date(2026, 9, 7), "10:00", 60, user=m["Grace"], pa=m["Ewan"]),
        "late": deliver(
            coop, date(2026, 10, 5), "09:00", 90, user=m["Siobhan"], pa=m["Marcus"], late_by=25
        ),
        "october": deliver(coop, date(2026, 10, 12), "14:00", 30, user=m["Grace"], pa=m["Marcus"]),
        "missed": miss(coop, date(2026, 10, 19), "11:00", 60, user=m["Grace"], pa=m["Ewan"]),
        # Still under way (checked in, not out): no hours yet.
        "open": deliver(
            coop, date(2026, 10, 26), "11:00", 60, user=m["Grace"], pa=m["Ewan"], check_out=False
        ),
        "last year": deliver(coop, date(2025, 6, 2), "10:00", 45, user=m["Grace"], pa=m["Aisha"]),
    }


def rows_of(page: str, caption: str) -> list[list[str]]:
    """The rows of the table with this caption, as a person reads them (cells' text)."""
    start = page.index(f">{caption}")
    table = page[start : page.index("</table>", start)]
    body = table[table.index("<tbody") :]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)
        ]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def csv_rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_hours_by_month_pa_and_user_for_this_year_each_as_a_csv_file(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    a_season_of_care(coop, town)
    await caught_up(client)
    await as_(client, "Joy")

    office = await read(client, "/office")
    assert 'href="/reports/care">Care reports</a>' in office
    page = await read(client, "/reports/care")
    assert "Care report: 2026" in page
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "<title" in chart and "Chart of hours of care by month, 2026" in chart
    heights = [int(h) for h in re.findall(r'<rect [^>]*height="(\d+)"', chart)]
    assert heights == [0] * 8 + [80, 160, 0, 0]  # October's 2 hours the tallest
    months = rows_of(page, "Hours of care by month")
    assert len(months) == 12  # the months with none too
    assert months[8] == ["September 2026", "1", "1.00"]
    assert months[9] == ["October 2026", "2", "2.00"]  # 90 + 30 minutes; the open one not yet
    assert months[10] == ["November 2026", "0", "0.00"]
    assert "3 visits, 3.00 hours in all." in page
    assert rows_of(page, "Hours of care by PA") == [
        ["Marcus", "2", "2.00"],
        ["Ewan", "1", "1.00"],
    ]
    assert rows_of(page, "Hours of care by user") == [
        ["Grace", "2", "1.50"],
        ["Siobhan", "1", "1.50"],
    ]

    link = "/reports/care/download/hours-by-pa?from=2026-01-01&to=2026-12-31"
    assert f'href="{link.replace("&", "&amp;")}"' in (await client.get("/reports/care")).text
    response = await client.get(link)
    assert (
        'filename="care-hours-by-pa-2026-01-01-to-2026-12-31.csv"'
        in (response.headers["content-disposition"])
    )
    assert csv_rows(response) == [
        ["PA", "Visits", "Minutes", "Hours"],
        ["Marcus", "2", "120", "2.00"],
        ["Ewan", "1", "60", "1.00"],
    ]
    by_month = csv_rows(await client.get(link.replace("hours-by-pa", "hours-by-month")))
    assert by_month[10] == ["October 2026", "2", "120", "2.00"]

    last_year = await read(client, "/reports/care?year=2025")
    assert "Care report: 2025" in last_year
    assert rows_of(last_year, "Hours of care by PA") == [["Aisha", "1", "0.75"]]
    assert "Marcus" not in last_year


async def test_late_and_missed_visits_are_listed_and_counted_by_month(
    client: httpx.AsyncClient, coop: Coop, monkeypatch: pytest.MonkeyPatch
) -> None:
    town = await leeds_online(client, coop)
    a_season_of_care(coop, town)
    await caught_up(client)
    await as_(client, "Joy")

    page = await read(client, "/reports/care?year=2026")
    counts = rows_of(page, "Late and missed visits by month")
    assert counts[8] == ["September 2026", "0", "0"]
    assert counts[9] == ["October 2026", "1", "1"]
    assert "1 late, 1 missed." in page
    assert rows_of(page, "Every late and missed visit") == [
        ["9am on Monday 5 October 2026", "Siobhan", "Marcus", "Late: 25 minutes"],
        ["11am on Monday 19 October 2026", "Grace", "Ewan", "Missed"],
    ]
    listed = csv_rows(
        await client.get("/reports/care/download/late-and-missed?from=2026-10-01&to=2026-10-31")
    )
    assert listed[0] == ["Due", "User", "PA", "Status", "Checked in", "Minutes late"]
    assert [row[1:4] + row[5:] for row in listed[1:]] == [
        ["Siobhan", "Marcus", "late", "25"],
        ["Grace", "Ewan", "missed", ""],
    ]

    # A long list is cut short on the page; its file holds every one.
    monkeypatch.setattr(care_reports, "SHOWN", 1)
    short = await read(client, "/reports/care?year=2026")
    assert len(rows_of(short, "Every late and missed visit")) == 1
    assert "The first 1 of 2: download the table for them all." in short
    monkeypatch.undo()

    # A range of days: only October's first fortnight.
    fortnight = await read(
        client,
        "/reports/care?from-day=1&from-month=10&from-year=2026&to-day=14&to-month=10&to-year=2026",
    )
    assert "Care report: 1 October 2026 to 14 October 2026" in fortnight
    assert rows_of(fortnight, "Hours of care by month") == [["October 2026", "2", "2.00"]]
    assert rows_of(fortnight, "Late and missed visits by month") == [["October 2026", "1", "0"]]


async def test_a_year_with_no_care_says_so_and_bad_ranges_get_specific_errors(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    a_season_of_care(coop, town)
    await caught_up(client)
    await as_(client, "Joy")

    empty = await read(client, "/reports/care?year=2024")
    assert "No care was delivered in 2024: no visit in it was checked out." in empty
    assert "No visit in 2024 was late or missed." in empty
    assert "Hours of care by PA" not in empty and "<svg" not in empty  # nothing empty drawn

    for query, message in [
        ("year=20x6", "Enter the year as 4 figures, like 2026"),
        ("year=1999", "Enter the year as 4 figures, like 2026"),
        (
            "from-day=31&from-month=2&from-year=2026&to-day=1&to-month=3&to-year=2026",
            "The first day must be a real date, like 23 11 2026",
        ),
        (
            "from-day=1&from-month=3&from-year=2026&to-day=&to-month=3&to-year=2026",
            "The last day must include a day",
        ),
        (
            "from-day=1&from-month=11&from-year=2026&to-day=1&to-month=10&to-year=2026",
            "The last day must be the same as or after the first day",
        ),
        (
            "from-day=1&from-month=1&from-year=2010&to-day=1&to-month=1&to-year=2026",
            "Choose a range of up to 10 years",
        ),
    ]:
        bad = await fetch(client, f"/reports/care?{query}")
        assert bad.status_code == 422, query
        assert "There is a problem" in bad.text and message in bad.text, query
        assert "Hours of care by month" not in bad.text  # nothing shown for a wrong range

    backwards = await client.get("/reports/care/download/hours-by-pa?from=2026-12-31&to=2026-01-01")
    assert backwards.status_code == 422
    assert "The last day must be the same as or after the first day" in backwards.text
    nonsense = await client.get("/reports/care/download/hours-by-pa?from=2026-02-31&to=2026-12-31")
    assert nonsense.status_code == 422
    assert "The dates in the link are not real dates" in nonsense.text
    assert (await client.get("/reports/care/download/salaries")).status_code == 404


async def test_the_notes_read_log_shows_who_read_a_users_notes_and_when(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    town = await leeds_online(client, coop)
    visits = a_season_of_care(coop, town)
    coop.read_visit_notes(visits["september"], by=town.account["Priya"])  # Grace's carer
    coop.read_visit_notes(visits["october"], by=town.joy)
    coop.read_visit_notes(visits["september"], by=town.account["Ewan"])  # the visit's PA
    coop.read_visit_notes(visits["october"], by=town.account["Grace"])  # her own: not recorded
    await caught_up(client)
    await as_(client, "Joy")

    choose = await read(client, "/reports/care/notes-read")
    assert "Whose notes?" in choose and "Grace" in choose and "Siobhan" in choose
    assert "Priya" not in choose  # no plan: nobody's notes to read

    log = await read(client, f"/reports/care/notes-read?user={town.member['Grace']}")
    assert "Who has read Grace's visit notes" in log
    assert "3 reads of Grace's notes, newest first" in log
    reads = rows_of(log, "3 reads of Grace's notes")
    assert [r[1:] for r in reads] == [
        ["Ewan", "Their PA", "10am on Monday 7 September 2026"],
        ["Joy Adeyemi", "The office", "2pm on Monday 12 October 2026"],
        ["Priya", "Their carer", "10am on Monday 7 September 2026"],
    ]
    assert reads[0][0] == "10am on Monday 23 November 2026"  # the clock's now

    file = csv_rows(await client.get(f"/reports/care/notes-read.csv?user={town.member['Grace']}"))
    assert file[0] == ["Read at", "Read by", "As", "Visit", "Visit started"]
    assert [row[1:3] for row in file[1:]] == [
        ["Ewan", "Their PA"],
        ["Joy Adeyemi", "The office"],
        ["Priya", "Their carer"],
    ]

    nobody = await read(client, f"/reports/care/notes-read?user={town.member['Siobhan']}")
    assert "Nobody other than Siobhan has read their visit notes." in nobody

    wrong = await fetch(client, f"/reports/care/notes-read?user={town.member['Priya']}")
    assert wrong.status_code == 422 and "Choose someone who has a support plan" in wrong.text
    not_a_user = await fetch(client, "/reports/care/notes-read.csv?user=nonsense")
    assert not_a_user.status_code == 422
    assert "Choose someone who has a support plan" in not_a_user.text


async def test_a_pa_cannot_see_the_care_reports(client: httpx.AsyncClient, coop: Coop) -> None:
    await leeds_online(client, coop)
    await as_(client, "Ewan")
    assert (await client.get("/reports/care")).status_code == 403
    assert (await client.get("/reports/care/notes-read")).status_code == 403
