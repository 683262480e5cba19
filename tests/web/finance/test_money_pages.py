"""The money pages over HTTP: the treasurer's ledger and its reversals, periods opened,
closed and their surplus declared, the surplus for members, rates, and a PA's own pay."""

from __future__ import annotations

import re
from datetime import date

import asyncpg
import httpx
from beancount import loader

from coop.application import Coop
from coop.domain.accounts import Role
from coop.domain.finance.money import pounds
from coop.domain.finance.rates import Side, When
from coop.projections.finance.queries import rates_in_force
from tests.app.finance.world import deliver
from tests.web.finance.world import (
    DEV_EMAIL,
    SIOBHAN_EMAIL,
    TREASURER,
    TRUSTEE,
    a_year_of_care,
    caught_up,
    signed_in,
)
from tests.web.governance.test_ballots_pages import PASSWORD_HASH, text_of
from tests.web.helpers import post_form


async def events(pool: asyncpg.Pool) -> int:
    return int(await pool.fetchval("SELECT count(*) FROM coop_events"))


def summary(page: httpx.Response) -> list[str]:
    """The error summary's messages."""
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', page.text, re.S)
    assert found, "no error summary"
    return [text_of(m) for m in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def rows(page: httpx.Response, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption, as the text of each cell."""
    table = page.text[page.text.index(caption) :]
    body = table[table.index("<tbody") : table.index("</tbody>")]
    return [
        [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


ENTRY = {"category": "rent", "amount": "650", "day": "1", "month": "6", "year": "2025"}


async def test_the_treasurer_records_a_cost_and_puts_a_mistake_right_by_reversing_it(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    treasurer = await signed_in(client, TREASURER)
    ledger = f"/finance/periods/{books.period}/ledger"
    form = await treasurer.get(f"{ledger}/new")
    assert form.status_code == 200 and "What is the money for?" in form.text

    before = await events(pool)
    bad = await post_form(treasurer, f"{ledger}/new", {"amount": "6.505", "day": "31"})
    assert bad.status_code == 422
    assert summary(bad) == [
        "Select what the money is for",
        "Amount must be an amount of money in pounds, like 250 or 250.50",
        "The date of the entry must include a month and year",
        "Enter a reference, such as the invoice or receipt number",
    ]
    assert 'value="6.505"' in bad.text  # the answers are kept
    outside = await post_form(
        treasurer, f"{ledger}/new", {**ENTRY, "year": "2026", "month": "5", "reference": "Inv 9"}
    )
    assert outside.status_code == 422
    assert summary(outside) == [
        "1 May 2026 is outside 2025 to 2026 (1 April 2025 to 31 March 2026): date the entry within the"
        " period, or record it in the period its date falls in."
    ]
    assert await events(pool) == before  # refusals change nothing

    done = await post_form(treasurer, f"{ledger}/new", {**ENTRY, "reference": "Invoice 771"})
    assert done.status_code == 303 and done.headers["location"] == f"{ledger}?done=recorded"
    page = await treasurer.get(done.headers["location"])
    assert "The entry has been recorded." in page.text
    entries = rows(page, "Entries, in the order recorded")
    assert [r[:5] for r in entries] == [
        ["14 April 2025", "Grant", "Community Fund award 0042", "£5,000.00", ""],
        ["1 June 2025", "Rent", "Invoice 771", "", "£650.00"],
    ]
    reverse = re.findall(rf'href="({ledger}/[0-9a-f-]+/reverse)"', page.text)[-1]
    form = await treasurer.get(reverse)
    assert "Why was the entry wrong?" in form.text and "Invoice 771" in form.text
    no_reason = await post_form(treasurer, reverse, {"day": "2", "month": "6", "year": "2025"})
    assert summary(no_reason) == ["Enter why the entry was wrong"]
    reversed_ = await post_form(
        treasurer,
        reverse,
        {"reason": "Entered in the wrong year", "day": "2", "month": "6", "year": "2025"},
    )
    assert reversed_.status_code == 303
    page = await treasurer.get(reversed_.headers["location"])
    entries = rows(page, "Entries, in the order recorded")
    assert entries[1][5].startswith("Reversed by entry")
    assert entries[2][:5] == ["2 June 2025", "Rent", "Invoice 771", "£650.00", ""]
    assert "Entered in the wrong year" in entries[2][5]
    again = await post_form(
        treasurer, reverse, {"reason": "Twice", "day": "2", "month": "6", "year": "2025"}
    )
    assert again.status_code == 409 and summary(again) == ["That entry has already been reversed."]


async def test_a_late_fix_for_a_closed_year_goes_into_the_open_one_naming_it(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    coop.close_period(books.period, minute="Board 2026/04 minute 3", by=books.treasurer)
    later = coop.open_period(
        name="2026 to 2027",
        starts=date(2026, 4, 1),
        ends=date(2027, 3, 31),
        minute="Board 2026/03",
        by=books.treasurer,
    ).subject
    await caught_up(client, coop)
    treasurer = await signed_in(client, TREASURER)
    closed_ledger = await treasurer.get(f"/finance/periods/{books.period}/ledger")
    assert "Record income or a cost" not in closed_ledger.text
    fix = f"/finance/periods/{books.period}/late-fix"
    assert f'href="{fix}"' in closed_ledger.text
    invoice = ENTRY | {"reference": "Invoice 802", "day": "20", "month": "11", "year": "2026"}
    before = await events(pool)
    no_reason = await post_form(treasurer, fix, invoice)
    assert summary(no_reason) == ["Enter why the closed period needs this fix"]
    inside = await post_form(
        treasurer, fix, invoice | {"reason": "Late invoice", "month": "1", "year": "2026"}
    )
    assert summary(inside) == [
        "Date the fix within an open period after 2025 to 2026, such as today"
    ]
    assert await events(pool) == before
    done = await post_form(
        treasurer, fix, invoice | {"reason": "The March rent invoice came after the close"}
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/finance/periods/{later}/ledger?done=late-fix"
    page = await treasurer.get(done.headers["location"])
    [line] = rows(page, "Entries, in the order recorded")
    assert line[:5] == ["20 November 2026", "Rent", "Invoice 802", "", "£650.00"]
    assert line[5].startswith(
        "A late fix for 2025 to 2026: The March rent invoice came after the close"
    )


async def test_only_a_coordinator_can_be_given_the_treasurers_duty(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    a_year_of_care(coop)
    sam = coop.open_account(
        name="Kofi Boateng", email="kofi.boateng@example.org", password_hash=PASSWORD_HASH, roles=()
    ).subject
    await caught_up(client, coop)
    trustee = await signed_in(client, TRUSTEE)
    path = f"/trustees/accounts/{sam}/roles"
    assert "Treasurer" in (await trustee.get(path)).text
    alone = await post_form(trustee, path, {"roles": "treasurer"})
    assert alone.status_code == 422
    assert summary(alone) == ["Select coordinator too: the treasurer's duty is a coordinator's"]
    both = await post_form(trustee, path, {"roles": ["coordinator", "treasurer"]})
    assert both.status_code == 303
    roles = await pool.fetchval("SELECT roles FROM accounts WHERE account_id = $1", sam)
    assert sorted(roles) == [Role.COORDINATOR, Role.TREASURER]


async def test_trustees_open_a_period_and_one_that_overlaps_is_refused(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    a_year_of_care(coop)
    await caught_up(client, coop)
    trustee = await signed_in(client, TRUSTEE)
    before = await events(pool)
    empty = await post_form(trustee, "/finance/periods/new", {})
    assert summary(empty) == [
        "Enter a name for the period, like 2026 to 2027",
        "Enter the first day of the period",
        "Enter the last day of the period",
        "Enter the board minute that records the decision",
    ]
    year = {"name": "2026 to 2027", "minute": "Board 2026/03 minute 2"}
    dates = {"starts-day": "1", "starts-month": "3", "starts-year": "2026"}
    dates |= {"ends-day": "28", "ends-month": "2", "ends-year": "2027"}
    overlaps = await post_form(trustee, "/finance/periods/new", year | dates)
    assert overlaps.status_code == 409
    assert "Periods can't overlap" in summary(overlaps)[0]
    assert await events(pool) == before
    dates |= {"starts-month": "4", "ends-month": "3", "ends-day": "31"}
    opened = await post_form(trustee, "/finance/periods/new", year | dates)
    assert opened.status_code == 303
    page = await trustee.get(opened.headers["location"])
    assert (
        "The period has been opened." in page.text and "1 April 2026 to 31 March 2027" in page.text
    )
    listed = await trustee.get("/finance")
    assert listed.text.index("2026 to 2027") < listed.text.index("2025 to 2026")


async def test_trustees_close_the_year_and_declare_its_surplus_which_members_read(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    trustee = await signed_in(client, TRUSTEE)
    close = f"/finance/periods/{books.period}/close"
    form = await trustee.get(close)
    assert "Up to date" in text_of(form.text)
    before = await events(pool)
    no_minute = await post_form(trustee, close, {})
    assert summary(no_minute) == ["Enter the board minute that records the decision"]
    assert await events(pool) == before
    closed = await post_form(trustee, close, {"minute": "Board 2026/04 minute 3"})
    assert closed.status_code == 303
    page = await trustee.get(closed.headers["location"])
    text = text_of(page.text)
    assert "The period has been closed and its books locked." in text
    months = rows(page, "Revenue, costs and surplus each month")
    assert len(months) == 12 and months[0][0] == "April 2025" and months[-1][0] == "March 2026"
    assert months[0] == ["April 2025", "£5,000.00", "£0.00", "£5,000.00"]
    assert months[1] == ["May 2025", "£0.00", "£0.00", "£0.00"]  # every month, even empty
    assert 'aria-hidden="true"' in page.text  # the chart is a picture of the table
    again = await post_form(trustee, close, {"minute": "Board 2026/04 minute 3"})
    assert again.status_code == 409 and "closed" in summary(again)[0]

    p = await pool.fetchrow(
        "SELECT revenue_pence, costs_pence FROM finance_periods WHERE period_id = $1",
        books.period,
    )
    surplus = p["revenue_pence"] - p["costs_pence"]
    most = surplus - -(-surplus * 10 // 100)  # the model rules keep 10 %, rounded up
    declare = f"/finance/periods/{books.period}/declare"
    form = await trustee.get(declare)
    assert f"The most you can declare {pounds(most)}" in text_of(form.text)
    over = await post_form(
        trustee, declare, {"amount": f"{(most + 1) / 100:.2f}", "minute": "Board 2026/04 m4"}
    )
    assert over.status_code == 409 and "reserve" in summary(over)[0]
    declared = await post_form(
        trustee, declare, {"amount": f"{most / 100:.2f}", "minute": "Board 2026/04 m4"}
    )
    assert declared.status_code == 303

    dev = await signed_in(client, DEV_EMAIL)
    listed = await dev.get("/finance/surplus")
    assert "2025 to 2026" in listed.text
    member_page = await dev.get(f"/finance/surplus/{books.period}")
    text = text_of(member_page.text)
    assert "so it has a surplus of" in text and "Members decide how to spend" in text
    assert rows(member_page, "Money in (the figures")[0] == ["Grants", "£5,000.00"]
    easy = await dev.get(f"/finance/surplus/{books.period}/easy-read")
    assert "was left over. This is called the surplus." in text_of(easy.text)
    assert (await dev.get(f"/finance/periods/{books.period}")).status_code == 403

    csv = await trustee.get(f"/finance/periods/{books.period}/journal.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    bean = await trustee.get(f"/finance/periods/{books.period}/journal.beancount")
    _, errors, _ = loader.load_string(bean.text)
    assert errors == []


async def test_the_close_page_says_plainly_when_the_books_are_behind_the_visits(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    trustee = await signed_in(client, TRUSTEE)
    close = f"/finance/periods/{books.period}/close"
    async with pool.acquire() as conn, conn.transaction():
        # Hold the finance projection's lock, as a busy worker would, while a visit ends.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('coop:projection:finance'))")
        deliver(coop, date(2025, 6, 24), "09:00", 60, pa=books.dev)
        behind = text_of((await trustee.get(close)).text)
    assert "The books are still taking in the latest visits." in behind
    assert "Up to date" not in behind
    await caught_up(client, coop)
    assert "Up to date" in text_of((await trustee.get(close)).text)


async def test_a_close_refused_by_a_failing_check_says_why_and_changes_nothing(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    books = a_year_of_care(coop)
    deliver(coop, date(2025, 6, 17), "09:00", 60, pa=books.dev, check_out=False)
    await caught_up(client, coop)
    trustee = await signed_in(client, TRUSTEE)
    before = await events(pool)
    refused = await post_form(
        trustee, f"/finance/periods/{books.period}/close", {"minute": "Board 2026/04 minute 3"}
    )
    assert refused.status_code == 409
    [reason] = summary(refused)
    assert reason.startswith("The period can't close:")
    assert "it has no check-in or check-out time" in reason
    assert await events(pool) == before
    page = await trustee.get(f"/finance/periods/{books.period}")
    assert "Close the period" in page.text  # still open


async def test_trustees_adopt_new_rates_and_members_see_their_history(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    a_year_of_care(coop)
    await caught_up(client, coop)
    trustee = await signed_in(client, TRUSTEE)
    before = await events(pool)
    bad = await post_form(trustee, "/finance/rates/new", {"charge": "-1", "pay": "0"})
    assert summary(bad) == [
        "Enter the date the rates start",
        "The charge to users must be £0 or more",
        "The pay for PAs must be more than £0 an hour",
        "Enter the board minute that records the decision",
    ]
    assert await events(pool) == before
    rates = {"charge": "29.50", "pay": "15.30", "minute": "Board 2026/11 minute 7"}
    adopted = await post_form(
        trustee, "/finance/rates/new", rates | {"day": "1", "month": "1", "year": "2027"}
    )
    assert adopted.status_code == 303
    dev = await signed_in(client, DEV_EMAIL)
    page = await dev.get("/finance/rates")
    history = rows(page, "Every set of rates, newest first")
    assert history[0][:3] == ["1 January 2027 (coming)", "£29.50", "£15.30"]
    assert history[1][:3] == ["1 April 2025", "£28.00", "£14.80"]
    assert "Adopt new rates" not in page.text  # members read; trustees adopt


async def test_trustees_change_the_extras_for_nights_and_bank_holidays_with_new_rates(
    client: httpx.AsyncClient, coop: Coop, pool: asyncpg.Pool
) -> None:
    a_year_of_care(coop)
    await caught_up(client, coop)
    trustee = await signed_in(client, TRUSTEE)
    form = await trustee.get("/finance/rates/new")
    assert 'id="pay-night" name="pay-night" type="text" value="20"' in form.text  # as now
    assert 'id="charge-bank_holiday" name="charge-bank_holiday" type="text" value="50"' in form.text
    rates = {"charge": "29.50", "pay": "15.30", "minute": "Board 2026/11 minute 7"}
    rates |= {"day": "1", "month": "1", "year": "2027", "charge-night": "20"}
    before = await events(pool)
    bad = await post_form(trustee, "/finance/rates/new", rates | {"pay-night": "a lot"})
    assert summary(bad) == [
        "The extra at night on the pay for PAs must be a whole number of per cent, "
        "from 0 to 300, like 25"
    ]
    assert await events(pool) == before
    extras = {"pay-night": "30", "charge-bank_holiday": "", "pay-bank_holiday": "50"}
    assert (await post_form(trustee, "/finance/rates/new", rates | extras)).status_code == 303
    await caught_up(client, coop)
    new = await rates_in_force(pool, date(2027, 1, 1))
    assert new is not None
    assert {(u.when, u.side): (u.percent, u.pence_per_hour) for u in new.uplifts} == {
        (When.NIGHT, Side.CHARGE): (20, 0),
        (When.NIGHT, Side.PAY): (30, 0),
        (When.WEEKEND, Side.CHARGE): (0, 200),  # a fixed amount an hour, kept
        (When.WEEKEND, Side.PAY): (0, 100),
        (When.BANK_HOLIDAY, Side.PAY): (50, 0),  # none on the charge any more
    }


async def test_a_pa_reads_their_own_pay_statement_and_not_another_pas(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    books = a_year_of_care(coop)
    await caught_up(client, coop)
    dev = await signed_in(client, DEV_EMAIL)
    mine = await dev.get("/my/pay")
    assert mine.headers["location"] == f"/finance/pay/{books.dev}"
    june = await dev.get(f"/finance/pay/{books.dev}?month=2025-06")
    assert june.status_code == 200
    lines = rows(june, "Visits in June 2025")
    assert lines[0] == ["9am on Tuesday 10 June 2025", "1 hour", "£14.80", "£14.80"]
    assert "1 missed visit in June 2025: not paid." in text_of(june.text)
    siobhans = await dev.get(f"/finance/pay/{books.siobhan}?month=2025-06")
    assert siobhans.status_code == 403
    siobhan = await signed_in(client, SIOBHAN_EMAIL)
    own = await siobhan.get(f"/finance/pay/{books.siobhan}?month=2025-06")
    assert rows(own, "Visits in June 2025")[0][1:] == ["2 hours", "£15.80", "£31.60"]
    treasurer = await signed_in(client, TREASURER)
    assert (await treasurer.get(f"/finance/pay/{books.dev}?month=2025-06")).status_code == 200
    assert (await dev.get(f"/finance/pay/{books.dev}?month=June")).status_code == 404
