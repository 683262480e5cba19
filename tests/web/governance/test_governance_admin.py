"""Governance over HTTP: the rules page, meetings, drafting and running ballots, reminders,
declarations of interest, and supported voting by an advocate."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any
from uuid import UUID, uuid4

import httpx

from coop.application import Coop
from coop.domain.governance.ballots import Mark
from coop.domain.governance.rules import model_rules
from coop.domain.membership.member_details import ContactMethod, MemberClass, Office
from tests.people import details
from tests.web.accounts.outbox_helpers import another_browser, pool_of
from tests.web.governance.test_ballots_pages import caught_up, events, join, text_of
from tests.web.helpers import open_trustee, post_form, sign_in

TRUSTEE = "grace.okafor@example.org"
AMIRA, PRIYA, TOM = (
    "amira.hassan@example.org",
    "priya.raman@example.org",
    "tom.whitfield@example.org",
)
UNKNOWN = "00000000-0000-0000-0000-000000000000"


async def co_op(client: httpx.AsyncClient, coop: Coop, *, rules: bool = True) -> dict[str, UUID]:
    """Rules adopted, a signed-in trustee, and four members with accounts (numbers 1 to 4)."""
    if rules:
        coop.adopt_rules(model_rules(), by=uuid4(), reference="AGM 2026 resolution 1")
    people = {
        "Amira Hassan": join(coop, "Amira Hassan", MemberClass.USER),
        "Tom Whitfield": join(coop, "Tom Whitfield", MemberClass.USER),
        "Priya Raman": join(coop, "Priya Raman", MemberClass.CARER),
        "Ewan McAllister": join(coop, "Ewan McAllister", MemberClass.PA),
    }
    open_trustee(coop, TRUSTEE)
    await caught_up(client, coop)
    assert (await sign_in(client, TRUSTEE)).status_code == 303
    return people


async def as_member(client: httpx.AsyncClient, email: str) -> httpx.AsyncClient:
    """A second browser on the same app, signed in as the member at ``email``."""
    other = another_browser(client)
    other.app = client.app  # type: ignore[attr-defined]
    assert (await sign_in(other, email)).status_code == 303
    return other


def summary(page: httpx.Response) -> list[str]:
    """The messages in the page's error summary."""
    found = page.text.split('class="govuk-list govuk-error-summary__list"')
    assert len(found) == 2, "no error summary"
    listed = found[1][: found[1].index("</ul>")]
    return [unescape(m) for m in re.findall(r"<li>(?:<a [^>]*>)?([^<]+)", listed)]


async def refused(
    client: httpx.AsyncClient, path: str, form: dict[str, Any], message: str, status: int = 422
) -> httpx.Response:
    """Posting ``form`` is refused with ``message`` in the error summary, changing nothing."""
    before = await events(client)
    page = await post_form(client, path, form)
    assert page.status_code == status, (form, page.status_code)
    assert message in summary(page), (message, summary(page))
    assert page.text.count("<title>Error: ") == 1
    assert await events(client) == before
    return page


async def done(client: httpx.AsyncClient, path: str, form: dict[str, Any]) -> str:
    """Post ``form``; expect a redirect, and return the text of the page it leads to."""
    answer = await post_form(client, path, form)
    assert answer.status_code == 303, (answer.status_code, text_of(answer.text)[:600])
    return text_of((await client.get(answer.headers["location"])).text)


def ballot_form(**overrides: Any) -> dict[str, Any]:
    """A resolution opening tomorrow at 9am and closing a week later at 5pm."""
    form = {
        "kind": "resolution",
        "title": "Raise PA pay by 50p an hour",
        "question": "Should the co-op raise PA pay by 50p an hour from April?",
        "easy_read": "Should PAs get 50p more an hour?",
        "topic": "pa_pay",
        "special": "no",
        "secret": "no",
        "opens-day": "24",
        "opens-month": "11",
        "opens-year": "2026",
        "opens-time": "9am",
        "closes-day": "1",
        "closes-month": "12",
        "closes-year": "2026",
        "closes-time": "17:00",
        "seats": "",
        "budget": "",
        "meeting": "",
    }
    form.update(overrides)
    return form


def meeting_form(**overrides: Any) -> dict[str, Any]:
    """A board meeting ten days from the clock's today."""
    form = {
        "kind": "board",
        "title": "Board meeting, December",
        "day": "3",
        "month": "12",
        "year": "2026",
        "time": "6:30pm",
        "place": "The Old Fire Station, Leeds (step-free, hearing loop)",
        "agenda": "Apologies\n\nPA pay for next year\n  Any other business  \n",
    }
    form.update(overrides)
    return form


async def drafted(client: httpx.AsyncClient, **overrides: Any) -> UUID:
    answer = await post_form(client, "/trustees/ballots/new", ballot_form(**overrides))
    assert answer.status_code == 303, summary(answer)
    return UUID(answer.headers["location"].split("/")[3].split("?")[0])


# The rules ------------------------------------------------------------------------------


async def test_the_rules_page_shows_the_rules_in_force_in_plain_words(client, coop: Coop) -> None:
    await co_op(client, coop, rules=False)
    before = text_of((await client.get("/trustees/rules")).text)
    assert "The co-op has not adopted its rules in coop yet" in before
    coop.adopt_rules(model_rules(), by=uuid4(), reference="AGM 2026 resolution 1")
    await caught_up(client, coop)
    page = await client.get("/trustees/rules")
    assert page.status_code == 200 and "<title>The rules in force – coop</title>" in page.text
    assert 'href="/trustees/rules" aria-current="page"' in page.text
    text = text_of(page.text)
    for shown in (
        "Version 1 of the rules.",
        "Users Yes 50%",
        "Carers Yes 25%",
        "PAs Yes 25%",
        "10% of the voting members, or 20, whichever is lower.",
        "Carried by at least 75% of the weighted votes cast for and against.",
        "General meetings (AGM and special) 14 clear days' notice",
        "Board meetings 7 clear days' notice",
        "PA pay Members with an interest declare it; the declaration is shown in the record,"
        " and they still vote.",
        "Trustee pay Members with an interest stand aside and cannot vote; they must declare it"
        " before voting opens.",
        "Trustee seats 5",
        "2 for Users, 1 for Carers, 1 for PAs",
        "Term of office 3 years",
    ):
        assert shown in text, shown


# Meetings -------------------------------------------------------------------------------


async def test_a_trustee_convenes_a_meeting_and_records_attendance_minutes_and_a_resolution(
    client, coop: Coop
) -> None:
    people = await co_op(client, coop)
    form = await client.get("/trustees/meetings/new")
    assert form.status_code == 200 and 'name="agenda"' in form.text
    answer = await post_form(client, "/trustees/meetings/new", meeting_form())
    assert answer.status_code == 303
    path = answer.headers["location"].split("?")[0]
    text = text_of((await client.get(answer.headers["location"])).text)
    assert "The meeting has been convened." in text
    assert "When 6:30pm on Thursday 3 December 2026" in text
    assert "Notice given 23 November 2026" in text
    assert "Apologies PA pay for next year Any other business" in text  # blank lines dropped
    listed = text_of((await client.get("/trustees/meetings")).text)
    assert "Coming up Board meeting, December Board meeting, 6:30pm on Thursday 3" in listed

    present = [str(people["Amira Hassan"]), str(people["Priya Raman"])]
    text = await done(client, f"{path}/attendance", {"present": present})
    assert "The attendance has been recorded." in text
    assert "Present Amira Hassan, Priya Raman" in text

    text = await done(client, f"{path}/minutes", {"minutes": "1. Apologies from Tom.\n2. Agreed."})
    assert "The minutes have been recorded." in text and "1. Apologies from Tom." in text

    ballot = await drafted(client)
    text = await done(client, f"{path}/resolutions", {"item": "2", "ballot": str(ballot)})
    assert "The resolution has been linked to its ballot." in text
    assert "PA pay for next year: decided by the ballot Raise PA pay by 50p an hour" in text


async def test_too_short_notice_gives_the_earliest_date_and_changes_nothing(
    client, coop: Coop
) -> None:
    await co_op(client, coop)
    page = await refused(
        client,
        "/trustees/meetings/new",
        meeting_form(kind="agm", title="AGM 2026"),
        "A general meeting needs 14 clear days' notice: the earliest date it can be held is"
        " 8 December 2026.",
    )
    assert 'value="AGM 2026"' in page.text  # the answers are kept
    assert '<a href="#day">' in page.text
    await done(client, "/trustees/meetings/new", meeting_form(kind="agm", day="8"))


async def test_bad_meeting_answers_get_specific_messages_and_change_nothing(
    client, coop: Coop
) -> None:
    await co_op(client, coop)
    path = "/trustees/meetings/new"
    everything_missing = await refused(client, path, {}, "Select the kind of meeting")
    assert summary(everything_missing) == [
        "Select the kind of meeting",
        "Enter the meeting's title",
        "Enter the date of the meeting",
        "Enter the time of the meeting",
        "Enter where the meeting is held, or how to join it online",
        "Enter at least one agenda item, one on each line",
    ]
    for form, message in [
        (meeting_form(kind="party"), "Select the kind of meeting"),
        (
            meeting_form(day="31", month="2"),
            "The date of the meeting must be a real date, like 23 11 2026",
        ),
        (meeting_form(year="27"), "The date of the meeting must be a real date, like 23 11 2026"),
        (meeting_form(month=""), "The date of the meeting must include a month"),
        (meeting_form(day="1", month="11"), "The meeting must be in the future"),
        (
            meeting_form(time="25:00"),
            "Enter the time of the meeting as a time of day, like 9:30am, 2pm or 17:00",
        ),
        (
            meeting_form(time="half six"),
            "Enter the time of the meeting as a time of day, like 9:30am, 2pm or 17:00",
        ),
        (meeting_form(agenda=" \n \n"), "Enter at least one agenda item, one on each line"),
        (meeting_form(agenda="x" * 301), "Agenda item 1 must be 300 characters or fewer"),
        (
            meeting_form(title="<b>AGM</b>"),
            "Title must not contain HTML tags (text between < and >)",
        ),
    ]:
        await refused(client, path, form, message)


async def test_bad_changes_to_a_meeting_get_specific_messages_and_change_nothing(
    client, coop: Coop
) -> None:
    people = await co_op(client, coop)
    answer = await post_form(client, "/trustees/meetings/new", meeting_form())
    path = answer.headers["location"].split("?")[0]
    ballot = await drafted(client)
    amira = str(people["Amira Hassan"])
    for part, form, message in [
        ("attendance", {}, "Select the members who were there"),
        (
            "attendance",
            {"present": [amira, UNKNOWN]},
            "Select from the list shown: one of those is not on it",
        ),
        ("attendance", {"present": [amira, amira]}, "Select each one only once"),
        ("minutes", {"minutes": "  "}, "Write the minutes"),
        (
            "resolutions",
            {"item": "4", "ballot": str(ballot)},
            "Select the agenda item the ballot decides",
        ),
        (
            "resolutions",
            {"item": "one", "ballot": str(ballot)},
            "Select the agenda item the ballot decides",
        ),
        (
            "resolutions",
            {"item": "1", "ballot": UNKNOWN},
            "Select the ballot that decides it from the list",
        ),
    ]:
        await refused(client, f"{path}/{part}", form, message)
    before = await events(client)
    for part in ("", "/attendance", "/minutes", "/resolutions"):
        assert (await client.get(f"/trustees/meetings/{UNKNOWN}")).status_code == 404
        if part:
            forged = await post_form(
                client, f"/trustees/meetings/{UNKNOWN}{part}", {"minutes": "x", "present": amira}
            )
            assert forged.status_code == 404
    assert await events(client) == before


# Drafting and running ballots -------------------------------------------------------------


async def test_a_trustee_drafts_an_election_lists_candidates_opens_it_and_counts_it(
    client, coop: Coop
) -> None:
    people = await co_op(client, coop)
    assert (await client.get("/trustees/ballots/new")).status_code == 200
    ballot = await drafted(
        client,
        kind="election",
        title="Trustee election 2026",
        question="Elect two trustees",
        topic="general",
        secret="yes",
        seats="2",
    )
    page = text_of((await client.get(f"/trustees/ballots/{ballot}?done=drafted")).text)
    assert "The ballot has been drafted." in page and "State Drafted" in page
    assert "Seats to fill 2" in page and "No candidates are listed yet." in page
    listed = text_of((await client.get("/trustees/ballots")).text)
    assert "Trustee election 2026 Trustee election, secret Drafted" in listed

    amira, priya, ewan = (
        str(people[n]) for n in ("Amira Hassan", "Priya Raman", "Ewan McAllister")
    )
    text = await done(
        client, f"/trustees/ballots/{ballot}/candidates", {"candidates": [amira, priya, ewan]}
    )
    assert "The ballot's options have been listed." in text
    assert "Amira Hassan (Users) Priya Raman (Carers) Ewan McAllister (PAs)" in text

    # Tom, not standing, is a user trustee whose term runs on: one user seat is his already.
    coop.take_office(people["Tom Whitfield"], Office.TRUSTEE, by=uuid4(), reference="AGM 2026")
    await caught_up(client, coop)
    text = await done(client, f"/trustees/ballots/{ballot}/open", {})
    assert "The ballot is open: its list of voters is fixed." in text
    assert "State Open" in text and "Voters 4 members, fixed when voting opened" in text
    assert "All 4 0 0%" in text
    assert (
        "Reserved seats 1 seat is reserved for a user: 1 user trustee continues in office."
        " 1 seat is reserved for a carer, as the rules say."
        " No seats are reserved for PAs: this election fills only 2 seats."
        " Trustees continuing in office when voting opened:"
        " Tom Whitfield (user, appointed 23 November 2026)." in text
    )

    coop.cast_vote(ballot, people["Amira Hassan"], Mark(ranking=(amira, priya)), cast_by=uuid4())
    coop.cast_vote(ballot, people["Priya Raman"], Mark(ranking=(priya, ewan)), cast_by=uuid4())
    await caught_up(client, coop)
    text = await done(client, f"/trustees/ballots/{ballot}/close", {})
    assert "The ballot has been closed and counted." in text and "State Counted" in text
    assert "All 4 2 50%" in text
    assert coop.repository.get(ballot).state == "counted"
    await refused(client, f"/trustees/ballots/{ballot}/close", {}, "This ballot has closed.", 409)
    await refused(
        client, f"/trustees/ballots/{ballot}/open", {}, "This ballot has already opened.", 409
    )


async def test_a_reinvestment_ballot_gets_costed_options_and_duplicates_are_refused(
    client, coop: Coop
) -> None:
    await co_op(client, coop)
    ballot = await drafted(
        client, kind="reinvestment", title="Spend the surplus", topic="surplus", budget="10,000"
    )
    path = f"/trustees/ballots/{ballot}/options"
    option = {
        "label": "Respite breaks for carers",
        "detail": "Ten weekend breaks.",
        "cost": "3,000",
        "benefits": "carers",
    }
    text = await done(client, path, option)
    assert "Respite breaks for carers Ten weekend breaks. Carers £3,000.00" in text
    text = await done(
        client,
        path,
        {**option, "label": "50p an hour more for PAs", "cost": "6000.50", "benefits": "pas"},
    )
    assert "The options cost £9,000.50 in all; the surplus is £10,000.00." in text
    for form, message in [
        (
            {**option, "label": "respite breaks for CARERS"},
            "There is already an option called “Respite breaks for carers”: give this one a different title",
        ),
        ({**option, "cost": "-5"}, "The cost must be £0 or more"),
        ({**option, "label": "New", "cost": "0"}, "The cost must be more than £0"),
        (
            {**option, "label": "New", "cost": "12000"},
            "The cost must not be more than the surplus, £10,000.00",
        ),
        (
            {**option, "label": "New", "cost": "lots"},
            "The cost must be an amount of money in pounds, like 250 or 250.50",
        ),
        ({**option, "label": "New", "benefits": "trustees"}, "Select who benefits"),
        ({**option, "label": ""}, "Enter the option's title"),
        ({**option, "label": "New", "detail": ""}, "Describe the option in plain words"),
    ]:
        await refused(client, path, form, message)
    await refused(
        client, f"{path}/remove", {"option": "no-such-option"}, "That option is not on this ballot"
    )
    text = await done(client, f"{path}/remove", {"option": "respite-breaks-for-carers"})
    assert (
        "Respite breaks for carers Ten weekend breaks" not in text
        and "50p an hour more for PAs" in text
    )
    resolution = await drafted(client)
    await refused(
        client,
        f"/trustees/ballots/{resolution}/options",
        option,
        "Only a reinvestment ballot has costed options",
    )


async def test_bad_ballot_answers_get_specific_messages_and_change_nothing(
    client, coop: Coop
) -> None:
    people = await co_op(client, coop)
    path = "/trustees/ballots/new"
    everything_missing = await refused(client, path, {}, "Select the kind of ballot")
    assert summary(everything_missing) == [
        "Select the kind of ballot",
        "Enter the ballot's title",
        "Enter the question the members are asked",
        "Select what the ballot is about",
        "Select whether this is a special resolution",
        "Select whether the ballot is secret",
        "Enter the date voting opens",
        "Enter the time voting opens",
        "Enter the date voting closes",
        "Enter the time voting closes",
    ]
    for form, message in [
        (ballot_form(kind="referendum"), "Select the kind of ballot"),
        (ballot_form(topic="gossip"), "Select what the ballot is about"),
        (
            ballot_form(**{"opens-day": "31", "opens-month": "11"}),
            "The date voting opens must be a real date, like 23 11 2026",
        ),
        (
            ballot_form(**{"closes-year": "twenty"}),
            "The date voting closes must be a real date, like 23 11 2026",
        ),
        (
            ballot_form(**{"opens-time": "9"}),
            "Enter the time voting opens as a time of day, like 9:30am, 2pm or 17:00",
        ),
        (
            ballot_form(**{"closes-day": "24", "closes-month": "11", "closes-time": "8am"}),
            "Voting must close after it opens",
        ),
        (
            ballot_form(**{"closes-day": "20", "closes-month": "11"}),
            "Voting must close in the future",
        ),
        (
            ballot_form(**{"opens-day": "23", "opens-time": "9am"}),
            "Voting must open in the future. To open it now, draft it first",
        ),
        (
            ballot_form(kind="election", special="yes", seats="1"),
            "Only a resolution can be a special resolution: select No",
        ),
        (ballot_form(kind="election"), "Enter the number of trustee seats to fill"),
        (
            ballot_form(kind="election", seats="two"),
            "Enter the number of seats as a whole number, like 2",
        ),
        (
            ballot_form(kind="election", seats="6"),
            "The rules have 5 trustee seats: enter a number from 1 to 5",
        ),
        (ballot_form(kind="reinvestment"), "Enter the surplus to share out, in pounds"),
        (ballot_form(kind="reinvestment", budget="-500"), "The surplus must be £0 or more"),
        (
            ballot_form(kind="reinvestment", budget="0"),
            "The surplus to share out must be more than £0",
        ),
        (ballot_form(meeting=UNKNOWN), "Select a meeting from the list, or No meeting"),
        (
            ballot_form(meeting=str(people["Amira Hassan"])),
            "Select a meeting from the list, or No meeting",
        ),
        (ballot_form(secret="maybe"), "Select whether the ballot is secret"),
    ]:
        await refused(client, path, form, message)


async def test_forged_or_unknown_ballots_and_candidates_change_nothing(client, coop: Coop) -> None:
    people = await co_op(client, coop)
    election = await drafted(client, kind="election", topic="general", seats="1")
    await refused(
        client,
        f"/trustees/ballots/{election}/open",
        {},
        "List the candidates or options before opening the ballot.",
        409,
    )
    amira = str(people["Amira Hassan"])
    path = f"/trustees/ballots/{election}/candidates"
    await refused(client, path, {}, "Select at least one candidate")
    await refused(
        client,
        path,
        {"candidates": [amira, UNKNOWN]},
        "Select from the list shown: one of those is not on it",
    )
    await refused(client, path, {"candidates": [amira, amira]}, "Select each one only once")
    resolution = await drafted(client)
    await refused(
        client,
        f"/trustees/ballots/{resolution}/candidates",
        {"candidates": [amira]},
        "Only an election has candidates",
    )
    before = await events(client)
    assert (await client.get(f"/trustees/ballots/{UNKNOWN}")).status_code == 404
    for action in ("candidates", "options", "options/remove", "open", "close", "remind"):
        forged = await post_form(
            client, f"/trustees/ballots/{UNKNOWN}/{action}", {"candidates": amira}
        )
        assert forged.status_code == 404, action
    assert await events(client) == before


async def test_reminders_go_only_to_electors_who_have_not_voted_and_have_an_email(
    client, coop: Coop
) -> None:
    people = await co_op(client, coop)
    no_email = coop.apply_for_membership(
        details(
            "Joan Byrne",
            email="",
            requested_class=MemberClass.CARER,
            contact_methods=(ContactMethod.PHONE,),
        )
    ).subject
    coop.admit(no_email, by=uuid4(), minute_reference="BM-2")
    await caught_up(client, coop)
    ballot = await drafted(client, secret="yes")
    remind = f"/trustees/ballots/{ballot}/remind"
    await refused(client, remind, {}, "Reminders can only be sent while the ballot is open", 409)
    await done(client, f"/trustees/ballots/{ballot}/open", {})
    coop.cast_vote(ballot, people["Amira Hassan"], Mark(answer="for"), cast_by=uuid4())
    coop.cast_vote(ballot, people["Ewan McAllister"], Mark(answer="against"), cast_by=uuid4())
    await caught_up(client, coop)

    page = text_of((await client.get(f"/trustees/ballots/{ballot}")).text)
    assert (
        "Not voted yet Tom Whitfield (Users, member 2) Priya Raman (Carers, member 3)"
        " Joan Byrne (Carers, member 5): no email address" in page
    )
    assert "Contact the 1 without one another way" in page
    text = await done(client, remind, {})
    assert "2 reminders sent to electors who have not voted yet." in text
    mail = await pool_of(client).fetch("SELECT to_address, subject, body FROM outbox ORDER BY id")
    assert [m["to_address"] for m in mail] == [TOM, PRIYA]
    assert mail[0]["subject"] == "Please vote: Raise PA pay by 50p an hour"
    assert "Dear Tom," in mail[0]["body"] and "You have not voted yet." in mail[0]["body"]
    assert "Voting closes at 5pm on Tuesday 1 December 2026." in mail[0]["body"]
    assert f"/ballots/{ballot}\n" in mail[0]["body"]


# Members: declaring an interest -------------------------------------------------------------


async def test_a_member_declares_an_interest_and_still_votes_where_the_rules_say_declare(
    client, coop: Coop
) -> None:
    people = await co_op(client, coop)
    ballot = await drafted(client)
    await done(client, f"/trustees/ballots/{ballot}/open", {})
    ewan = await as_member(client, "ewan.mcallister@example.org")
    page = await ewan.get(f"/ballots/{ballot}/declare")
    assert page.status_code == 200
    assert "members with an interest declare it and still vote" in text_of(page.text)
    path = f"/ballots/{ballot}/declare"
    await refused(
        ewan,
        path,
        {"interest": " "},
        "Say what your interest is, for example “I am a PA, so a pay rise would affect me”",
    )
    text = await done(ewan, path, {"interest": "I am a PA, so this is my pay."})
    assert "Your interest has been recorded." in text
    assert (
        "You declared: I am a PA, so this is my pay." in text and "Declare my interest" not in text
    )
    await refused(
        ewan,
        path,
        {"interest": "Again"},
        "You have already declared an interest on this ballot.",
        409,
    )
    admin = text_of((await client.get(f"/trustees/ballots/{ballot}")).text)
    assert "Declarations of interest Ewan McAllister I am a PA, so this is my pay." in admin
    voted = await post_form(ewan, f"/ballots/{ballot}/vote", {"answer": "for"})
    assert voted.status_code == 303  # declare: they still vote
    assert people["Ewan McAllister"] in {e for e in coop.repository.get(ballot).electors}


async def test_where_the_rules_say_recuse_a_member_declares_before_opening_and_stands_aside(
    client, coop: Coop
) -> None:
    people = await co_op(client, coop)
    early = await drafted(client, title="Pay the trustees", topic="trustee_pay")
    late = await drafted(client, title="Pay the trustees more", topic="trustee_pay")
    await done(client, f"/trustees/ballots/{late}/open", {})
    amira = await as_member(client, AMIRA)
    assert "stand aside" in text_of((await amira.get(f"/ballots/{early}/declare")).text)
    await done(amira, f"/ballots/{early}/declare", {"interest": "I hope to be a trustee."})
    await done(client, f"/trustees/ballots/{early}/open", {})
    assert people["Amira Hassan"] not in coop.repository.get(early).electors
    assert "Voters 3 members" in text_of((await client.get(f"/trustees/ballots/{early}")).text)

    page = text_of((await amira.get(f"/ballots/{late}/declare")).text)
    assert "it is too late to declare an interest and stand aside" in page
    await refused(
        amira,
        f"/ballots/{late}/declare",
        {"interest": "I hope to be a trustee."},
        "On this topic members with an interest stand aside, so interests must be declared"
        " before the ballot opens.",
        409,
    )
    assert (await amira.get(f"/ballots/{UNKNOWN}/declare")).status_code == 404


# Members: supported voting ----------------------------------------------------------------


async def test_a_member_names_an_advocate_who_votes_for_her_as_a_supported_vote(
    client, coop: Coop
) -> None:
    people = await co_op(client, coop)
    ballot = await drafted(client)
    secret = await drafted(client, title="A secret question", secret="yes")
    for b in (ballot, secret):
        await done(client, f"/trustees/ballots/{b}/open", {})
    amira = await as_member(client, AMIRA)
    page = text_of((await amira.get("/my/advocate")).text)
    assert "You have not named an advocate." in page
    assert "every vote your advocate casts for you is recorded as a supported vote" in page.lower()
    text = await done(amira, "/my/advocate", {"number": "3"})
    assert "You have named your advocate." in text
    assert "Priya Raman, member 3 can vote for you. You named them on 23 November 2026." in text

    priya = await as_member(client, PRIYA)
    mine = text_of((await priya.get("/my/advocate")).text)
    assert (
        "People who have named you as their advocate Amira Hassan, since 23 November 2026" in mine
    )
    assert "Vote for Amira Hassan in Raise PA pay by 50p an hour" in mine
    path = f"/ballots/{ballot}/vote-for/{people['Amira Hassan']}"
    form = await priya.get(path)
    assert form.status_code == 200 and "Amira Hassan named you as their advocate" in form.text
    await refused(priya, path, {}, "Choose how you vote: for, against or abstain")
    text = await done(priya, path, {"answer": "against"})
    assert "Your vote for Amira Hassan has been recorded as a supported vote." in text
    assert "A vote for Amira Hassan is already recorded: Against" in text
    row = await pool_of(client).fetchrow(
        "SELECT supported, mark->>'answer' AS answer FROM ballot_electors"
        " WHERE ballot_id = $1 AND member_id = $2",
        ballot,
        people["Amira Hassan"],
    )
    assert row["supported"] is True and row["answer"] == "against"

    receipt = await post_form(
        priya, f"/ballots/{secret}/vote-for/{people['Amira Hassan']}", {"answer": "for"}
    )
    assert receipt.status_code == 200
    assert "The vote for Amira Hassan has been recorded" in receipt.text
    assert re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", receipt.text)

    tom = await as_member(client, TOM)  # not her advocate
    assert (await tom.get(path)).status_code == 403
    before = await events(client)
    forged = await post_form(tom, path, {"answer": "for"})
    assert forged.status_code == 403 and "named you as their advocate" in unescape(forged.text)
    assert await events(client) == before

    ended = await done(amira, "/my/advocate/end", {})
    assert "Your advocate can no longer vote for you." in ended
    assert "You have not named an advocate." in ended
    before = await events(client)
    assert (await post_form(priya, path, {"answer": "for"})).status_code == 403
    assert await events(client) == before
    await refused(amira, "/my/advocate/end", {}, "You have not named an advocate.", 409)


async def test_naming_an_advocate_refuses_numbers_that_cannot_be_one(client, coop: Coop) -> None:
    await co_op(client, coop)
    no_account = coop.apply_for_membership(details("Joan Byrne")).subject
    coop.admit(no_account, by=uuid4(), minute_reference="BM-2")
    applicant = coop.apply_for_membership(details("Sam Patel")).subject
    assert applicant
    await caught_up(client, coop)
    amira = await as_member(client, AMIRA)
    await done(amira, "/my/advocate", {"number": "3"})
    for number, message in [
        ("", "Enter the membership number of the person you want as your advocate"),
        ("three", "Enter the membership number in figures, like 57"),
        ("99", "Member 99 is not a current member: check the number"),
        ("1", "That is your own membership number: enter your advocate's"),
        (
            "5",
            "Member 5 cannot sign in to coop yet, so they cannot vote for you. Ask the co-op office to invite them",
        ),
        ("3", "Member 3 is already your advocate"),
    ]:
        await refused(amira, "/my/advocate", {"number": number}, message)


async def test_opening_a_ballot_early_shows_when_it_actually_opened_everywhere(
    client, coop: Coop, clock
) -> None:
    await co_op(client, coop)
    ballot = await drafted(client)  # planned to open at 9am tomorrow, 24 November
    planned = text_of((await client.get(f"/trustees/ballots/{ballot}")).text)
    assert "Voting opens 9am on Tuesday 24 November 2026" in planned

    clock.advance(timedelta(minutes=30))
    await done(client, f"/trustees/ballots/{ballot}/open", {})
    actual = "10:30am on Monday 23 November 2026"
    admin = text_of((await client.get(f"/trustees/ballots/{ballot}")).text)
    assert f"Voting opened {actual}" in admin and "24 November" not in admin
    listed = text_of((await client.get("/trustees/ballots")).text)
    assert f"Opened {actual}; closes" in listed
    members_page = text_of((await client.get(f"/ballots/{ballot}")).text)
    assert f"Voting opened {actual}" in members_page and "24 November" not in members_page
    easy_read = text_of((await client.get(f"/ballots/{ballot}/easy-read")).text)
    assert f"Voting started at {actual}." in easy_read
