"""Care reports for coordinators and trustees: hours delivered by month, by PA and by
user, late and missed visits, over a year or a range of days; and who read a user's
visit notes. Every table is also a CSV file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template

from coop.clock import today
from coop.infra.documents.csv_files import csv_bytes
from coop.projections.care.queries import NotesRead, Status, notes_reads
from coop.projections.care.reports import (
    CareUser,
    DateRange,
    Delivered,
    LateOrMissed,
    care_users,
    hours_by_month,
    hours_by_pa,
    hours_by_user,
    late_and_missed,
    late_and_missed_by_month,
)
from coop.web.forms import Checked, one_answer
from coop.web.governance.forms import _date
from coop.web.pages import page
from coop.web.services import services
from coop.web.words import day, when

# Late and missed visits listed on the page (the CSV file has every one): more would make
# a page too long to read or to load on a phone.
SHOWN = 500

# The part in which someone read a user's notes, as the log names it.
READ_AS = {"pa": "Their PA", "carer": "Their carer", "coordinator": "The office"}

# A range longer than this is surely a mistyped year (and a year of months is a long table).
LONGEST_YEARS = 10


def range_asked(request: Request[Any, Any, Any]) -> tuple[DateRange, Checked]:
    """The days asked for: a range (``from``/``to`` in a link, or the date boxes), a year,
    or this year; with what is wrong with the answers."""
    q = request.query_params
    now = today(services(request.app).clock)
    checked = Checked()
    this_year = DateRange(date(now.year, 1, 1), date(now.year, 12, 31))
    if q.get("from") and q.get("to"):
        try:
            days = DateRange(date.fromisoformat(q["from"]), date.fromisoformat(q["to"]))
        except ValueError:
            checked.problem("from-day", "The dates in the link are not real dates")
            return this_year, checked
    elif any(q.get(f"{end}-{p}") for end in ("from", "to") for p in ("day", "month", "year")):
        first = _date(checked, q, "from-", "the first day", now)
        last = _date(checked, q, "to-", "the last day", now)
        if first is None or last is None:
            return this_year, checked
        days = DateRange(first, last)
    elif year := one_answer(q, "year").strip():
        checked.values["year"] = year
        if not (year.isdigit() and len(year) == 4 and 2000 <= int(year) <= now.year + 1):
            checked.problem("year", f"Enter the year as 4 figures, like {now.year}")
            return this_year, checked
        days = DateRange(date(int(year), 1, 1), date(int(year), 12, 31))
    else:
        return this_year, checked
    if days.last < days.first:
        checked.problem("to-day", "The last day must be the same as or after the first day")
    elif days.last.year - days.first.year >= LONGEST_YEARS:
        checked.problem("to-day", f"Choose a range of up to {LONGEST_YEARS} years")
    return days, checked


@dataclass(frozen=True)
class Table:
    """A report table as the page shows it and as its CSV file holds it."""

    slug: str  # its file's name
    caption: str
    header: Sequence[str]
    numeric: Sequence[bool]  # which columns are numbers (right-aligned)
    cells: list[list[str]]  # as the page shows them
    csv_header: Sequence[str]
    csv_rows: list[list[object]]
    total: str = ""  # a sentence under the caption


def _hours(minutes: int) -> Decimal:
    """Minutes as hours to two places: 90 → 1.50."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def delivered_table(slug: str, caption: str, heading: str, lines: list[Delivered]) -> Table:
    visits, minutes = sum(d.visits for d in lines), sum(d.minutes for d in lines)
    return Table(
        slug=slug,
        caption=caption,
        header=(heading, "Visits", "Hours"),
        numeric=(False, True, True),
        cells=[[d.name, f"{d.visits:,}", f"{_hours(d.minutes):,}"] for d in lines],
        csv_header=(heading, "Visits", "Minutes", "Hours"),
        csv_rows=[[d.name, d.visits, d.minutes, _hours(d.minutes)] for d in lines],
        total=f"{visits:,} visit{'s' * (visits != 1)}, {_hours(minutes):,} hours in all.",
    )


@dataclass(frozen=True)
class Bar:
    """One month's bar in the hours chart, in the chart's own units (its viewBox)."""

    label: str  # "Jan", or "" when there are too many months to name each
    hours: Decimal
    x: int
    y: int
    height: int


CHART_HEIGHT, BAR_STEP, BAR_WIDTH, NAMED_MONTHS = 160, 40, 28, 24


def month_bars(months: list[Delivered]) -> list[Bar]:
    """A bar for each month, the busiest reaching the top (a month with none has none)."""
    most = max((d.minutes for d in months), default=0) or 1
    named = len(months) <= NAMED_MONTHS  # beyond two years the labels would overlap
    bars = []
    for i, d in enumerate(months):
        height = round(CHART_HEIGHT * d.minutes / most)
        label = f"{date.fromisoformat(d.key + '-01'):%b}" if named else ""
        bars.append(Bar(label, _hours(d.minutes), i * BAR_STEP, CHART_HEIGHT - height, height))
    return bars


def _what_happened(v: LateOrMissed) -> str:
    late = v.minutes_late
    if v.status is Status.MISSED:
        return "Missed" if late is None else f"Missed: the PA came {late} minutes late"
    return "Late: not checked in yet" if late is None else f"Late: {late} minutes"


async def care_tables(
    request: Request[Any, Any, Any], days: DateRange
) -> tuple[list[Table], list[Bar]]:
    """Every table of the care report for the days, in the order the page shows them, and
    the bars of its chart of hours by month."""
    s = services(request.app)
    months = await hours_by_month(s.pool, days)
    late = await late_and_missed(s.pool, days, s.clock.now())
    by_month = late_and_missed_by_month(late, days)
    return [
        delivered_table("hours-by-month", "Hours of care by month", "Month", months),
        delivered_table(
            "hours-by-pa", "Hours of care by PA", "PA", await hours_by_pa(s.pool, days)
        ),
        delivered_table(
            "hours-by-user", "Hours of care by user", "User", await hours_by_user(s.pool, days)
        ),
        Table(
            slug="late-and-missed-by-month",
            caption="Late and missed visits by month",
            header=("Month", "Late", "Missed"),
            numeric=(False, True, True),
            cells=[[m.name, str(m.late), str(m.missed)] for m in by_month],
            csv_header=("Month", "Late", "Missed"),
            csv_rows=[[m.name, m.late, m.missed] for m in by_month],
            total=f"{sum(m.late for m in by_month)} late, {sum(m.missed for m in by_month)} missed.",
        ),
        Table(
            slug="late-and-missed",
            caption="Every late and missed visit",
            total=""
            if len(late) <= SHOWN
            else f"The first {SHOWN:,} of {len(late):,}: download the table for them all.",
            header=("Due", "User", "PA", "What happened"),
            numeric=(False, False, False, False),
            cells=[
                [when(v.starts_at), v.user_name, v.pa_name or "Nobody", _what_happened(v)]
                for v in late[:SHOWN]
            ],
            csv_header=("Due", "User", "PA", "Status", "Checked in", "Minutes late"),
            csv_rows=[
                [
                    v.starts_at,
                    v.user_name,
                    v.pa_name,
                    str(v.status),
                    v.checked_in_at,
                    v.minutes_late,
                ]
                for v in late
            ],
        ),
    ], month_bars(months)


def _range_words(days: DateRange) -> str:
    whole_year = (days.first.month, days.first.day, days.last.month, days.last.day) == (
        1,
        1,
        12,
        31,
    )
    if whole_year and days.first.year == days.last.year:
        return str(days.first.year)
    return f"{day(days.first)} to {day(days.last)}"


@get("/reports/care")
async def care_report(request: Request[Any, Any, Any]) -> Template:
    """The care report for the days asked for (this year unless others are chosen)."""
    return await _care_page(request)


async def _care_page(request: Request[Any, Any, Any]) -> Template:
    days, checked = range_asked(request)
    tables, bars = await care_tables(request, days) if checked.ok else ([], [])
    return page(
        request,
        "reports/care/care.html",
        status=200 if checked.ok else 422,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
        days=days,
        range_words=_range_words(days),
        link=f"from={days.first.isoformat()}&to={days.last.isoformat()}",
        tables=tables,
        bars=bars,
        chart_height=CHART_HEIGHT,
        bar_width=BAR_WIDTH,
        delivered=checked.ok and tables[0].csv_rows and any(r[1] for r in tables[0].csv_rows),
        anything_late=checked.ok and bool(tables[-1].cells),
    )


@get("/reports/care/download/{table:str}")
async def care_report_csv(
    request: Request[Any, Any, Any], table: FromPath[str]
) -> Response[bytes] | Template:
    """One of the care report's tables as a spreadsheet (or the page, saying what is wrong
    with the days asked for)."""
    days, checked = range_asked(request)
    if not checked.ok:
        return await _care_page(request)
    tables, _ = await care_tables(request, days)
    found = [t for t in tables if t.slug == table]
    if not found:
        raise NotFoundException(f"The care report has no table called {table}.")
    return _download(
        csv_bytes(found[0].csv_header, found[0].csv_rows),
        f"care-{table}-{days.first.isoformat()}-to-{days.last.isoformat()}.csv",
    )


def _download(body: bytes, filename: str) -> Response[bytes]:
    # "text/csv": Litestar adds "; charset=utf-8" itself.
    return Response(
        body,
        media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


async def _reads_asked(
    request: Request[Any, Any, Any],
) -> tuple[list[CareUser], CareUser | None, list[NotesRead], Checked]:
    """The users to choose from, the one chosen (if any), their notes' reads, the problems."""
    pool = services(request.app).pool
    users = await care_users(pool)
    checked = Checked()
    raw = one_answer(request.query_params, "user").strip()
    if not raw:
        return users, None, [], checked
    checked.values["user"] = raw
    chosen = next((u for u in users if str(u.user_id) == raw), None)
    if chosen is None:
        checked.problem("user", "Choose someone who has a support plan")
        return users, None, [], checked
    return users, chosen, await notes_reads(pool, chosen.user_id), checked


@get("/reports/care/notes-read")
async def notes_read_log(request: Request[Any, Any, Any]) -> Template:
    """Who read a user's visit notes, and when: the user chosen from those with a plan."""
    return await _notes_read_page(request)


async def _notes_read_page(request: Request[Any, Any, Any]) -> Template:
    users, chosen, reads, checked = await _reads_asked(request)
    return page(
        request,
        "reports/care/notes_read.html",
        status=200 if checked.ok else 422,
        errors=checked.summary(),
        field_errors=checked.errors,
        values=checked.values,
        users=users,
        chosen=chosen,
        reads=[
            [when(r.read_at), r.reader_name, READ_AS.get(r.role, r.role), when(r.visit_starts_at)]
            for r in reads
        ],
    )


@get("/reports/care/notes-read.csv")
async def notes_read_log_csv(request: Request[Any, Any, Any]) -> Response[bytes] | Template:
    """The log as a spreadsheet (or the page, saying what is wrong with the user asked for)."""
    _, chosen, reads, _ = await _reads_asked(request)
    if chosen is None:
        return await _notes_read_page(request)
    rows = [
        [r.read_at, r.reader_name, READ_AS.get(r.role, r.role), r.visit_id, r.visit_starts_at]
        for r in reads
    ]
    header = ("Read at", "Read by", "As", "Visit", "Visit started")
    return _download(csv_bytes(header, rows), f"notes-read-{chosen.user_id}.csv")
