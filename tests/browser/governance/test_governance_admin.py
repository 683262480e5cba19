"""The trustees' governance pages in a browser: the rules in force, convening and recording a
meeting, and drafting, opening, reminding, closing and counting ballots of each kind."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Locator, Page, expect

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import BallotKind, Elector, Mark
from coop.domain.governance.meetings import MeetingKind
from tests.browser.governance.test_ballots import co_op
from tests.browser.helpers import (
    Checks,
    Server,
    assert_error_summary_focused,
    caught_up,
    open_trustees_page,
    retype,
    sign_in,
    skip_to_content,
    tab_to,
)
from tests.web.helpers import open_trustee

pytestmark = pytest.mark.browser

TRUSTEE = "grace.okafor@example.org"
UK = ZoneInfo("Europe/London")


@pytest.fixture
def clock() -> FixedClock:
    """The server runs on the real clock; commands made here must not be dated after it."""
    return FixedClock(datetime.now(UTC))


def uk_today() -> date:
    return datetime.now(UK).date()


def uk_time(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UK)


def long_date(day: date) -> str:
    return f"{day:%-d %B %Y}"


async def trustee_and_members(coop: Coop, app_server: Server) -> dict[str, Elector]:
    """The model rules, four members with accounts (numbers 1 to 4) and a trustee."""
    electors = co_op(coop)
    done = open_trustee(coop, TRUSTEE, "Grace Okafor")
    await caught_up(app_server, done.position)
    return electors


async def type_date(page: Page, date_group: Locator, day: date) -> None:
    """Day, month and year by keyboard: Tab to the day, then Tab between the parts."""
    await tab_to(page, date_group.get_by_label("Day"))
    await retype(page, str(day.day))
    for part in (day.month, day.year):
        await page.keyboard.press("Tab")
        await retype(page, str(part))


async def fill_date(date_group: Locator, day: date) -> None:
    await date_group.get_by_label("Day").fill(str(day.day))
    await date_group.get_by_label("Month").fill(str(day.month))
    await date_group.get_by_label("Year").fill(str(day.year))


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


async def test_a_trustee_convenes_a_meeting_then_drafts_and_opens_a_ballot_by_keyboard_alone(
    page: Page, checks: Checks, coop: Coop, app_server: Server
) -> None:
    await trustee_and_members(coop, app_server)
    await sign_in(page, checks, TRUSTEE)
    heading = page.get_by_role("heading", level=1)

    await tab_to(page, main_nav(page).get_by_role("link", name="Meetings"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Meetings")
    await expect(page.get_by_text("No meetings are coming up.")).to_be_visible()
    await checks("meetings")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("button", name="Convene a meeting"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Convene a meeting")
    await checks("convene")

    # An AGM ten days away: too short notice for a general meeting.
    today = uk_today()
    await skip_to_content(page)
    await tab_to(page, page.get_by_label("Board meeting"))
    await page.keyboard.press("ArrowDown")
    await expect(page.get_by_label("Annual general meeting (AGM)")).to_be_checked()
    await tab_to(page, page.get_by_label("Title", exact=True))
    await page.keyboard.type("AGM 2027")
    await type_date(
        page, page.get_by_role("group", name="Date of the meeting"), today + timedelta(10)
    )
    await tab_to(page, page.get_by_label("Time of the meeting"))
    await page.keyboard.type("6:30pm")
    await tab_to(page, page.get_by_label("Place"))
    await page.keyboard.type("The Old Fire Station, Leeds (step-free, hearing loop)")
    await tab_to(page, page.get_by_label("Agenda"))
    await page.keyboard.type("Apologies\nAccounts for the year\nElection of trustees")
    await tab_to(page, page.get_by_role("button", name="Convene the meeting"))
    await page.keyboard.press("Enter")

    earliest = today + timedelta(15)  # 14 clear days: neither today nor the meeting's day
    link = await assert_error_summary_focused(
        page,
        "Convene a meeting",
        "A general meeting needs 14 clear days' notice: the earliest date it can be held is"
        f" {long_date(earliest)}.",
    )
    await expect(page.get_by_label("Annual general meeting (AGM)")).to_be_checked()
    await expect(page.get_by_label("Title", exact=True)).to_have_value("AGM 2027")
    await checks("convene-error")
    await tab_to(page, link)
    await page.keyboard.press("Enter")
    await expect(page.get_by_label("Day")).to_be_focused()
    await retype(page, str(earliest.day))
    for part in (earliest.month, earliest.year):
        await page.keyboard.press("Tab")
        await retype(page, str(part))
    await tab_to(page, page.get_by_role("button", name="Convene the meeting"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text("The meeting has been convened.")
    await expect(heading).to_have_text("AGM 2027")
    await expect(page.get_by_text(f"6:30pm on {earliest:%A %-d %B %Y}")).to_be_visible()
    await expect(
        page.get_by_role("listitem").filter(has_text="Election of trustees")
    ).to_be_visible()
    await checks("meeting-convened")

    # Draft a resolution for that meeting; closing before it opens is refused first.
    await open_trustees_page(page, "Run ballots", keyboard=True)
    await expect(heading).to_have_text("Run ballots")
    await expect(page.get_by_text("There are no ballots yet.")).to_be_visible()
    await checks("ballots-admin")
    await skip_to_content(page)
    await tab_to(page, page.get_by_role("button", name="Draft a ballot"))
    await page.keyboard.press("Enter")
    await expect(heading).to_have_text("Draft a ballot")
    await checks("draft-ballot")
    await skip_to_content(page)
    await tab_to(page, page.get_by_label("Resolution", exact=True))
    await page.keyboard.press("Space")
    await tab_to(page, page.get_by_label("Title", exact=True))
    await page.keyboard.type("Accept the accounts")
    await tab_to(page, page.get_by_label("The question"))
    await page.keyboard.type("Do the members accept the accounts for the year?")
    topic = page.get_by_role("group", name="What is it about?")
    await tab_to(page, topic.get_by_label("General business"))  # checked already
    secret = page.get_by_role("group", name="Is it a secret ballot?")
    await tab_to(page, secret.get_by_label("Yes"))
    await page.keyboard.press("ArrowDown")
    await expect(secret.get_by_label("No")).to_be_checked()
    tomorrow = today + timedelta(1)
    await type_date(page, page.get_by_role("group", name="Date voting opens"), tomorrow)
    await tab_to(page, page.get_by_label("Time voting opens"))
    await page.keyboard.type("9am")
    await type_date(page, page.get_by_role("group", name="Date voting closes"), tomorrow)
    await tab_to(page, page.get_by_label("Time voting closes"))
    await page.keyboard.type("8am")
    meeting = page.get_by_role("group", name="Which meeting is it for? (optional)")
    await tab_to(page, meeting.get_by_label("No meeting"))
    await page.keyboard.press("ArrowDown")
    await expect(meeting.get_by_label(f"AGM 2027, {long_date(earliest)}")).to_be_checked()
    await tab_to(page, page.get_by_role("button", name="Draft the ballot"))
    await page.keyboard.press("Enter")

    link = await assert_error_summary_focused(
        page, "Draft a ballot", "Voting must close after it opens"
    )
    await checks("draft-ballot-error")
    await tab_to(page, link)
    await page.keyboard.press("Enter")
    closes = page.get_by_role("group", name="Date voting closes")
    await expect(closes.get_by_label("Day")).to_be_focused()
    await type_date(page, closes, tomorrow + timedelta(7))
    await tab_to(page, page.get_by_label("Time voting closes"))
    await retype(page, "5pm")
    await tab_to(page, page.get_by_role("button", name="Draft the ballot"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text("The ballot has been drafted.")
    await expect(heading).to_have_text("Accept the accounts")
    await checks("ballot-admin-drafted")

    await tab_to(page, page.get_by_role("button", name="Open now"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text(
        "The ballot is open: its list of voters is fixed."
    )
    await expect(
        page.get_by_text(re.compile(r"^4 members, fixed when voting opened"))
    ).to_be_visible()
    await expect(page.get_by_role("heading", name="Not voted yet")).to_be_visible()
    opened = page.locator(".govuk-summary-list__row", has_text=re.compile(r"^\s*Voting opened"))
    await expect(opened).to_contain_text(f"{today:%A %-d %B %Y}")  # now, not tomorrow
    await checks("ballot-admin-open")


async def test_a_trustee_reads_the_rules_and_records_a_meeting_and_its_resolution(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    await trustee_and_members(coop, app_server)
    day = uk_today() + timedelta(10)  # a board meeting needs 7 clear days
    meeting = coop.convene_meeting(
        MeetingKind.BOARD,
        title="Board meeting, December",
        starts_at=uk_time(day, 18, 30),
        held_on=day,
        place="The Old Fire Station, Leeds (step-free, hearing loop)",
        agenda=("Apologies", "PA pay for next year", "Any other business"),
        by=uuid4(),
    ).subject
    assert meeting
    done = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Raise PA pay by 50p an hour",
        question="Should the co-op raise PA pay by 50p an hour from April?",
        topic="pa_pay",
        opens_at=clock.now() + timedelta(days=1),
        closes_at=clock.now() + timedelta(days=8),
        by=uuid4(),
    )
    await caught_up(app_server, done.position)
    await sign_in(page, checks, TRUSTEE)
    heading = page.get_by_role("heading", level=1)

    await main_nav(page).get_by_role("link", name="Rules").click()
    await expect(heading).to_have_text("The rules in force")
    await expect(page.get_by_text("Version 1 of the rules.")).to_be_visible()
    await expect(page.get_by_role("row", name=re.compile(r"^PAs Yes"))).to_be_visible()
    await expect(
        page.get_by_text(
            "Members with an interest stand aside and cannot vote; they must declare it"
            " before voting opens."
        )
    ).to_be_visible()
    await checks("rules")

    await main_nav(page).get_by_role("link", name="Meetings").click()
    await page.get_by_role("link", name="Board meeting, December").click()
    await expect(heading).to_have_text("Board meeting, December")
    await expect(page).to_have_title("Board meeting, December – coop")
    await checks("meeting")

    present = page.get_by_role("group", name="Who was there?")
    await page.get_by_role("button", name="Record attendance").click()
    link = await assert_error_summary_focused(
        page, "Board meeting, December", "Select the members who were there"
    )
    await checks("meeting-error")
    await link.click()
    await expect(present.get_by_label("Amira Hassan")).to_be_focused()
    await present.get_by_label("Amira Hassan").check()
    await present.get_by_label("Priya Raman").check()
    await page.get_by_role("button", name="Record attendance").click()
    await expect(page.get_by_role("alert")).to_contain_text("The attendance has been recorded.")
    await expect(page.get_by_text("Amira Hassan, Priya Raman", exact=True)).to_be_visible()
    await expect(present.get_by_label("Priya Raman")).to_be_checked()  # the record, to amend

    await page.get_by_label("The minutes").fill("1. Apologies from Tom.\n2. Agreed to ballot.")
    await page.get_by_role("button", name="Record the minutes").click()
    await expect(page.get_by_role("alert")).to_contain_text("The minutes have been recorded.")
    await expect(page.get_by_label("The minutes")).to_have_value(
        "1. Apologies from Tom.\n2. Agreed to ballot."
    )

    await page.get_by_label("2. PA pay for next year").check()
    await page.get_by_label("Raise PA pay by 50p an hour").check()
    await page.get_by_role("button", name="Link the resolution").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "The resolution has been linked to its ballot."
    )
    await expect(
        page.get_by_role("listitem").filter(
            has_text="PA pay for next year: decided by the ballot Raise PA pay by 50p an hour"
        )
    ).to_be_visible()
    await checks("meeting-recorded")
    await page.get_by_role("link", name="Raise PA pay by 50p an hour").click()
    await expect(heading).to_have_text("Raise PA pay by 50p an hour")


async def test_a_trustee_drafts_ballots_of_each_kind_and_runs_a_resolution_to_its_count(
    page: Page, checks: Checks, coop: Coop, clock: FixedClock, app_server: Server
) -> None:
    people = await trustee_and_members(coop, app_server)
    resolution = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Raise PA pay by 50p an hour",
        question="Should the co-op raise PA pay by 50p an hour from April?",
        topic="pa_pay",
        opens_at=clock.now() + timedelta(days=1),
        closes_at=uk_time(uk_today() + timedelta(9), 17),  # after those drafted below
        by=uuid4(),
    ).subject
    ewan = people["Ewan McAllister"].member_id
    done = coop.declare_interest(resolution, ewan, "I am a PA, so this is my pay.")
    await caught_up(app_server, done.position)
    await sign_in(page, checks, TRUSTEE)
    heading = page.get_by_role("heading", level=1)
    tomorrow = uk_today() + timedelta(1)

    async def draft(kind: str, title: str, topic: str, secret: str, **more: str) -> None:
        await open_trustees_page(page, "Run ballots")
        await page.get_by_role("button", name="Draft a ballot").click()
        await page.get_by_label(kind).check()
        await page.get_by_label("Title", exact=True).fill(title)
        await page.get_by_label("The question").fill(f"{title}: what do you say?")
        await page.get_by_role("group", name="What is it about?").get_by_label(topic).check()
        await page.get_by_role("group", name="Is it a secret ballot?").get_by_label(secret).check()
        await fill_date(page.get_by_role("group", name="Date voting opens"), tomorrow)
        await page.get_by_label("Time voting opens").fill("9am")
        await fill_date(
            page.get_by_role("group", name="Date voting closes"), tomorrow + timedelta(7)
        )
        await page.get_by_label("Time voting closes").fill("5pm")
        for label, value in more.items():
            await page.get_by_label(label).fill(value)
        await page.get_by_role("button", name="Draft the ballot").click()

    # An election, its seats forgotten at first; then its candidates, none at first.
    await draft("Trustee election", "Trustee election 2027", "General business", "Yes")
    link = await assert_error_summary_focused(
        page, "Draft a ballot", "Enter the number of trustee seats to fill"
    )
    await expect(page.get_by_label("Trustee election")).to_be_checked()
    await link.click()
    seats = page.get_by_label("Seats to fill (elections only)")
    await expect(seats).to_be_focused()
    await seats.fill("2")
    await page.get_by_role("button", name="Draft the ballot").click()
    await expect(page.get_by_role("alert")).to_contain_text("The ballot has been drafted.")
    await expect(page.get_by_text("No candidates are listed yet.")).to_be_visible()
    standing = page.get_by_role("group", name="Who is standing?")
    await page.get_by_role("button", name="List the candidates").click()
    link = await assert_error_summary_focused(
        page, "Trustee election 2027: administration", "Select at least one candidate"
    )
    await checks("ballot-admin-error")
    await link.click()
    await expect(standing.get_by_label("Amira Hassan")).to_be_focused()
    for name in ("Amira Hassan", "Priya Raman", "Ewan McAllister"):
        await standing.get_by_label(name).check()
    await page.get_by_role("button", name="List the candidates").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "The ballot's options have been listed."
    )
    await expect(
        page.get_by_role("listitem").filter(has_text="Priya Raman (Carers)")
    ).to_be_visible()
    await checks("ballot-admin-election")

    # Reinvesting the surplus: an option that costs too much, then two options, one removed.
    await draft(
        "Reinvesting the surplus",
        "Spend the surplus",
        "The surplus",
        "No",
        **{"Surplus to share out (reinvestment only)": "10,000"},
    )
    await expect(page.get_by_text("No options are listed yet.")).to_be_visible()
    for title, cost, who in [
        ("Respite breaks for carers", "12000", "Carers"),
        ("50p an hour more for PAs", "6000.50", "PAs"),
    ]:
        await page.get_by_label("Title", exact=True).fill(title)
        await page.get_by_label("Description").fill(f"{title}, for a year.")
        await page.get_by_label("Cost in pounds").fill(cost)
        await page.get_by_role("group", name="Who benefits?").get_by_label(who).check()
        await page.get_by_role("button", name="Add the option").click()
        if cost == "12000":
            link = await assert_error_summary_focused(
                page,
                "Spend the surplus: administration",
                "The cost must not be more than the surplus, £10,000.00",
            )
            await link.click()
            await expect(page.get_by_label("Cost in pounds")).to_be_focused()
            await page.get_by_label("Cost in pounds").fill("3,000")
            await page.get_by_role("button", name="Add the option").click()
        await expect(page.get_by_role("alert")).to_contain_text(
            "The ballot's options have been listed."
        )
    options = page.get_by_role("table", name="Options on the ballot")
    await expect(options.get_by_role("row", name=re.compile(r"^Respite breaks"))).to_contain_text(
        "£3,000.00"
    )
    await expect(page.get_by_text("The options cost £9,000.50 in all")).to_be_visible()
    await checks("ballot-admin-reinvestment")
    await page.get_by_role("button", name="Remove Respite breaks for carers").click()
    await expect(options.get_by_role("row", name=re.compile(r"^Respite breaks"))).to_have_count(0)
    await expect(page.get_by_text("The options cost £6,000.50 in all")).to_be_visible()

    # The resolution: its declaration, opened now, a reminder, closed and counted now.
    await open_trustees_page(page, "Run ballots")
    ballots = page.get_by_role("table", name="All ballots, the last to close first")
    await expect(ballots.get_by_role("rowheader")).to_have_text(
        ["Raise PA pay by 50p an hour", "Spend the surplus", "Trustee election 2027"]
    )
    await expect(
        ballots.get_by_role(
            "row", name=re.compile(r"^Trustee election 2027 Trustee election, secret")
        )
    ).to_contain_text("Drafted")
    await checks("ballots-admin-list")
    await ballots.get_by_role("link", name="Raise PA pay by 50p an hour").click()
    await expect(heading).to_have_text("Raise PA pay by 50p an hour")
    await expect(page.get_by_text("I am a PA, so this is my pay.")).to_be_visible()
    await page.get_by_role("button", name="Open now").click()
    await expect(page.get_by_role("alert")).to_contain_text("The ballot is open")
    amira = people["Amira Hassan"].member_id
    clock.set(datetime.now(UTC))
    cast = coop.cast_vote(resolution, amira, Mark(answer="for"), cast_by=amira)
    await caught_up(app_server, cast.position)
    await page.reload()
    not_voted = page.get_by_role("heading", name="Not voted yet").locator("+ ul")
    await expect(not_voted.get_by_role("listitem")).to_have_count(3)
    await expect(not_voted).not_to_contain_text("Amira Hassan")
    await expect(page.get_by_role("row", name="All 4 1 25%")).to_be_visible()
    await checks("ballot-admin-turnout")
    await page.get_by_role("button", name="Send a reminder").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "3 reminders sent to electors who have not voted yet."
    )
    await page.get_by_role("button", name="Close and count now").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "The ballot has been closed and counted."
    )
    await expect(page.get_by_role("button", name="Send a reminder")).to_have_count(0)
    await expect(page.get_by_role("link", name="See the results")).to_be_visible()
    await checks("ballot-admin-counted")
