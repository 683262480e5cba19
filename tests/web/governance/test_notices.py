"""Notices of general meetings and ballots reach every member their way: by e-mail
through the outbox, or by a printed letter (standard, large print, Easy Read) the
office posts; the record shows how and when, and who is not reached yet."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import timedelta
from uuid import UUID, uuid4

import httpx
from pypdf import PdfReader

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.governance.ballots import BallotKind, Elector
from coop.domain.governance.meetings import MeetingKind
from coop.domain.governance.notices import NoticeMethod, notice_method
from coop.domain.governance.rules import model_rules
from coop.domain.membership.member_details import ContactMethod, MemberClass
from coop.web.governance.giving_notice import give_notices_due, make_letters, make_letters_due
from tests.people import details
from tests.web.accounts.outbox_helpers import pool_of
from tests.web.helpers import open_trustee, post_form, sign_in

TRUSTEE = uuid4()
E, L, LP, ER = (
    ContactMethod.EMAIL,
    ContactMethod.LETTER,
    ContactMethod.LARGE_PRINT,
    ContactMethod.EASY_READ,
)
# name, class, how they asked to be contacted
PEOPLE = [
    ("Amira Hassan", MemberClass.USER, (E,)),
    ("Tom Whitfield", MemberClass.USER, (L,)),
    ("Priya Raman", MemberClass.CARER, (E, LP)),
    ("Ewan McAllister", MemberClass.PA, (ER,)),
    ("Siobhan Kelly", MemberClass.USER, (ContactMethod.PHONE,)),
]


def test_each_member_is_given_notice_the_way_they_asked_and_in_writing() -> None:
    assert notice_method(["email"], "a@example.org") is NoticeMethod.EMAIL
    assert notice_method(["email", "large_print"], "a@example.org") is NoticeMethod.LARGE_PRINT
    assert notice_method(["easy_read", "large_print"], "") is NoticeMethod.EASY_READ
    assert notice_method(["letter"], "a@example.org") is NoticeMethod.LETTER
    assert notice_method(["email"], " ") is NoticeMethod.LETTER  # no address to send to
    assert notice_method(["phone"], "a@example.org") is NoticeMethod.LETTER
    assert notice_method(["bsl"], "") is NoticeMethod.LETTER


async def co_op(client: httpx.AsyncClient, coop: Coop) -> dict[str, UUID]:
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026 resolution 1")
    members = {}
    for name, cls, ways in PEOPLE:
        member_id = coop.apply_for_membership(
            details(name, requested_class=cls, contact_methods=ways)
        ).subject
        coop.admit(member_id, by=TRUSTEE, minute_reference="BM-1")
        members[name] = member_id
    coop.apply_for_membership(details("Hannah Lewis"))  # not admitted: no notice
    open_trustee(coop)
    await caught_up(client, coop)
    return members


async def caught_up(client: httpx.AsyncClient, coop: Coop) -> None:
    s = client.app.state["services"]  # type: ignore[attr-defined]
    await s.seen(
        coop.recorder.max_notification_id() or 0, "governance", "members", "accounts", "meetings"
    )


def services(client: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    return client.app.state["services"]  # type: ignore[attr-defined]


async def convene_agm(client: httpx.AsyncClient, coop: Coop, clock: FixedClock) -> UUID:
    agm = coop.convene_meeting(
        MeetingKind.AGM,
        title="AGM 2027",
        starts_at=clock.now() + timedelta(days=30),
        held_on=(clock.now() + timedelta(days=30)).date(),
        place="The Old Library, Leeds",
        agenda=("Accounts for 2026", "Electing trustees"),
        by=TRUSTEE,
    ).subject
    await caught_up(client, coop)
    # The app gives notice on its own every few seconds; this is the same step, at once.
    await give_notices_due(services(client))
    return agm


async def letters_made(client: httpx.AsyncClient) -> None:
    """Every letter batch waiting is made: by this call, or by the app's own background
    loop, which claims batches too (and may still be laying one out when this returns)."""
    await make_letters_due(services(client))
    db = pool_of(client)
    for _ in range(600):
        waiting = await db.fetchval(
            "SELECT count(*) FROM notice_batches WHERE pdf IS NULL AND posted_at IS NULL"
        )
        if not waiting:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("letter batches were still being made after a minute")


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )


async def test_a_convened_general_meeting_reaches_every_member_their_way(
    client, coop: Coop, clock: FixedClock
) -> None:
    members = await co_op(client, coop)
    agm = await convene_agm(client, coop, clock)
    assert await give_notices_due(services(client)) == []  # given once only
    db = pool_of(client)

    mails = await db.fetch("SELECT to_address, subject, body FROM outbox ORDER BY id")
    assert [m["to_address"] for m in mails] == ["amira.hassan@example.org"]
    assert mails[0]["subject"] == "Notice of the annual general meeting: AGM 2027"
    body = mails[0]["body"]
    assert body.startswith("Dear Amira,")
    assert "at 10am on Wednesday 23 December 2026, at The Old Library, Leeds" in body
    assert "1. Accounts for 2026\n2. Electing trustees" in body
    assert f"/meetings/{agm}\n" in body

    record = {
        r["member_id"]: r["method"]
        for r in await db.fetch("SELECT member_id, method FROM notices WHERE subject_id = $1", agm)
    }
    assert record == {
        members["Amira Hassan"]: "email",
        members["Tom Whitfield"]: "letter",
        members["Priya Raman"]: "large_print",
        members["Ewan McAllister"]: "easy_read",
        members["Siobhan Kelly"]: "letter",
    }

    await letters_made(client)
    batches = {
        r["format"]: (r["batch_id"], r["pdf"], r["made"], r["total"])
        for r in await db.fetch("SELECT * FROM notice_batches WHERE subject_id = $1", agm)
    }
    assert set(batches) == {"letter", "large_print", "easy_read"}
    _, letters, made, total = batches["letter"]
    assert made == total == 2
    text = text_of(letters)
    assert len(PdfReader(io.BytesIO(letters)).pages) == 2  # one addressed letter each
    assert "Dear Tom," in text and "Dear Siobhan," in text and "Dear Amira" not in text
    assert "Tom Whitfield 14 Roundhay Road Leeds LS8 2AB" in text
    assert "Notice of the annual general meeting: AGM 2027" in text
    assert "Accounts for 2026" in text and "The Old Library, Leeds" in text
    large = text_of(batches["large_print"][1])
    assert "Dear Priya," in large and "Dear Tom" not in large
    easy = text_of(batches["easy_read"][1])
    assert "Dear Ewan," in easy and "Come to our members' meeting" in easy
    assert "All members are invited to a meeting." in easy
    sizes = {fmt: _largest_font(batches[fmt][1]) for fmt in ("letter", "large_print", "easy_read")}
    assert sizes["large_print"] >= 16 and sizes["easy_read"] >= 16 > sizes["letter"]


def _largest_font(pdf: bytes) -> float:
    """The size of the body text most used in the PDF (pypdf's visitor)."""
    sizes: dict[float, int] = {}

    def visit(text: str, cm, tm, font_dict, font_size: float) -> None:  # type: ignore[no-untyped-def]
        scale = abs(tm[0] * cm[0]) or 1
        if text.strip():
            size = round(font_size * scale)
            sizes[size] = sizes.get(size, 0) + len(text)

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return max(sizes, key=lambda k: sizes[k])


async def test_the_record_shows_who_is_not_reached_until_mail_is_sent_and_letters_posted(
    client, coop: Coop, clock: FixedClock
) -> None:
    members = await co_op(client, coop)
    agm = await convene_agm(client, coop, clock)
    await letters_made(client)
    await sign_in(client, "grace.okafor@example.org")
    home = (await client.get("/")).text  # the trustees' home lists the letters to post
    assert f'href="/office/notices/{agm}">Print and post 4 letters: AGM 2027</a>' in home
    assert (
        'href="/office/notices">notices to members</a>'
        in (await client.get("/trustees/meetings")).text
    )
    assert (
        f'href="/office/notices/{agm}">How each member was given notice</a>'
        in (await client.get(f"/trustees/meetings/{agm}")).text
    )
    listing = await client.get("/office/notices")
    assert listing.status_code == 200
    assert f'href="/office/notices/{agm}">AGM 2027</a>' in listing.text
    assert "0 of 5</strong> 5 not reached yet" in listing.text

    page = await client.get(f"/office/notices/{agm}")
    waiting = page.text.split("Not reached yet")[1].split("Given notice")[0]
    for name in ("Amira Hassan", "Tom Whitfield", "Priya Raman", "Ewan McAllister"):
        assert name in waiting
    assert "Waiting in the <a" in waiting and "Letter not marked as posted" in waiting
    batch = await pool_of(client).fetchval(
        "SELECT batch_id FROM notice_batches WHERE subject_id = $1 AND format = 'letter'", agm
    )
    pdf = await client.get(f"/office/notices/{agm}/letters/{batch}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "Dear Tom," in text_of(pdf.content)

    # The mail server takes Amira's e-mail (as the sender marks it); the office posts.
    sent_at = clock.now() + timedelta(minutes=5)
    await pool_of(client).execute("UPDATE outbox SET sent_at = $1", sent_at)
    days = model_rules().general_meeting_notice_days
    due_by = f"{(clock.now() + timedelta(days=30 - days - 1)):%-d %B %Y}"
    assert f"must be given notice by <strong>{due_by}</strong>" in page.text
    clock.advance(timedelta(days=30 - days))  # the office posts the letters a day too late
    await sign_in(client, "grace.okafor@example.org")  # the session has expired meanwhile
    posted = await post_form(client, f"/office/notices/{agm}/letters/{batch}/posted", {})
    assert posted.status_code == 303
    page = await client.get(posted.headers["location"])
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page.text, re.S)
    due = {
        re.sub(r"<[^>]+>", "", r).split()[0]: ("In time" in r, "Late" in r)
        for r in rows
        if "Letter" in r or "Email" in r
    }
    assert due["Amira"] == (True, False) and due["Tom"] == (False, True)
    assert "The letters are marked as posted" in page.text
    waiting, _, reached = page.text.split("Not reached yet")[1].partition("Given notice")
    assert "Amira Hassan" in reached and "Tom Whitfield" in reached and "Siobhan Kelly" in reached
    assert "Amira Hassan" not in waiting and "Tom Whitfield" not in waiting
    assert "Priya Raman" in waiting and "Ewan McAllister" in waiting  # their letters wait
    assert "10:05am on Monday 23 November 2026" in reached
    assert (await client.get(f"/office/notices/{agm}/letters/{batch}/pdf")).status_code == 404
    again = await post_form(client, f"/office/notices/{agm}/letters/{batch}/posted", {})
    assert again.status_code == 409 and "marked as posted already" in again.text
    assert "3 of 5" in (await client.get("/office/notices")).text
    home = (await client.get("/")).text
    assert f'href="/office/notices/{agm}">Print and post 2 letters: AGM 2027</a>' in home
    assert members  # the five members above


async def test_letters_being_made_show_their_progress_and_cannot_be_marked_posted(
    client, coop: Coop, clock: FixedClock
) -> None:
    await co_op(client, coop)
    # Held by another process: the claim is fresh, so nobody else makes these letters.
    await pool_of(client).execute(
        "CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " NEW.making_since := now() + interval '1 day'; NEW.made := 1; RETURN NEW; END $$;"
        " CREATE TRIGGER hold BEFORE INSERT ON notice_batches FOR EACH ROW EXECUTE FUNCTION hold()"
    )
    agm = await convene_agm(client, coop, clock)
    batch = await pool_of(client).fetchval(
        "SELECT batch_id FROM notice_batches WHERE subject_id = $1 AND format = 'letter'", agm
    )
    await sign_in(client, "grace.okafor@example.org")
    page = await client.get(f"/office/notices/{agm}")
    assert "Making the letters: 1 of 2 done." in page.text
    assert f'hx-get="/office/notices/{agm}/letters/{batch}?seen=1"' in page.text
    unchanged = await client.get(
        f"/office/notices/{agm}/letters/{batch}?seen=1", headers={"HX-Request": "true"}
    )
    assert unchanged.status_code == 204  # nothing new: nothing swapped or announced again
    fragment = await client.get(
        f"/office/notices/{agm}/letters/{batch}?seen=0", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'max="2" value="1"' in fragment.text
    refused = await post_form(client, f"/office/notices/{agm}/letters/{batch}/posted", {})
    assert refused.status_code == 409 and "still being made" in refused.text
    assert (await client.get(f"/office/notices/{agm}/letters/{batch}/pdf")).status_code == 404
    assert await pool_of(client).fetchval("SELECT count(given_at) FROM notices") == 0


async def test_an_opened_ballot_gives_notice_to_its_electorate(
    client, coop: Coop, clock: FixedClock
) -> None:
    members = await co_op(client, coop)
    ballot = coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Raise PA pay by 50p an hour",
        question="Should the co-op raise PA pay by 50p an hour from April?",
        opens_at=clock.now(),
        closes_at=clock.now() + timedelta(days=7),
        by=TRUSTEE,
    ).subject
    electors = [Elector(members[n], str(c)) for n, c, _ in PEOPLE if n != "Tom Whitfield"]
    try:
        coop.open_ballot(ballot, electors)
    except Exception:  # the app's own scheduler opened it first, with every member
        electors = [Elector(members[n], str(c)) for n, c, _ in PEOPLE]
    await caught_up(client, coop)
    await give_notices_due(services(client))
    db = pool_of(client)
    given = await db.fetch("SELECT member_id FROM notices WHERE subject_id = $1", ballot)
    assert {r["member_id"] for r in given} == {e.member_id for e in electors}
    mail = await db.fetchrow("SELECT subject, body FROM outbox")
    assert mail["subject"] == "A ballot is open: Raise PA pay by 50p an hour"
    assert "closes at 10am on Monday 30 November 2026" in mail["body"]
    assert re.search(rf"/ballots/{ballot}\n", mail["body"])
    await letters_made(client)
    easy = await db.fetchval(
        "SELECT pdf FROM notice_batches WHERE subject_id = $1 AND format = 'easy_read'", ballot
    )
    assert "You can vote until 10am on Monday 30 November 2026." in text_of(easy)


async def test_processes_giving_notice_at_once_give_each_member_one_notice(
    client, coop: Coop, clock: FixedClock
) -> None:
    import asyncio

    await co_op(client, coop)
    agm = coop.convene_meeting(
        MeetingKind.SPECIAL,
        title="Special meeting on the minibus",
        starts_at=clock.now() + timedelta(days=30),
        held_on=(clock.now() + timedelta(days=30)).date(),
        place="Online",
        agenda=("Buying a minibus",),
        by=TRUSTEE,
    ).subject
    await caught_up(client, coop)
    runs = await asyncio.gather(*(give_notices_due(services(client)) for _ in range(4)))
    assert sum(agm in given for given in runs) <= 1  # the app's own loop may be the one
    db = pool_of(client)
    assert await db.fetchval("SELECT count(*) FROM outbox") == 1
    assert await db.fetchval("SELECT count(*) FROM notices WHERE subject_id = $1", agm) == 5
    assert await db.fetchval("SELECT count(*) FROM notice_batches WHERE subject_id = $1", agm) == 3
    mail = await db.fetchval("SELECT subject FROM outbox")
    assert mail == "Notice of a special general meeting: Special meeting on the minibus"


async def test_erasing_a_person_takes_them_out_of_letters_not_yet_posted(
    client, coop: Coop, clock: FixedClock
) -> None:
    from coop.infra.personal_traces import clear_traces

    members = await co_op(client, coop)
    agm = await convene_agm(client, coop, clock)
    await letters_made(client)
    db = pool_of(client)
    # (Erasure comes years after a membership ends; the traces are what matters here.)
    await clear_traces(db, members["Tom Whitfield"], [], None)
    await clear_traces(db, members["Priya Raman"], [], None)
    batches = {
        r["format"]: r
        for r in await db.fetch("SELECT * FROM notice_batches WHERE subject_id = $1", agm)
    }
    assert "large_print" not in batches  # Priya's alone
    assert batches["letter"]["total"] == 1
    await letters_made(client)
    letters = await db.fetchval(
        "SELECT pdf FROM notice_batches WHERE subject_id = $1 AND format = 'letter'", agm
    )
    assert "Dear Siobhan," in text_of(letters) and "Tom" not in text_of(letters)
    assert await db.fetchval("SELECT count(*) FROM notices WHERE subject_id = $1", agm) == 3


async def test_letters_laid_out_while_a_person_is_erased_are_not_kept_with_them_in(
    client, coop: Coop, clock: FixedClock
) -> None:
    from coop.infra.personal_traces import clear_traces
    from coop.projections.governance.notices import claim_batch, store_pdf

    members = await co_op(client, coop)
    await convene_agm(client, coop, clock)
    db = pool_of(client)
    # This process claims every batch first, as a slow render would hold one.
    claimed = []
    while (batch := await claim_batch(db, clock.now())) is not None:
        claimed.append(batch)
    letters = next(b for b in claimed if b.format == "letter")
    await clear_traces(db, members["Tom Whitfield"], [], None)  # while it is laid out
    assert not await store_pdf(db, letters, b"%PDF- Dear Tom, 14 Roundhay Road")
    assert (
        await db.fetchval("SELECT pdf FROM notice_batches WHERE batch_id = $1", letters.batch_id)
        is None
    )
    for other in claimed:
        if other is not letters:
            await make_letters(services(client), other)
    await letters_made(client)  # made again, without him
    remade = await db.fetchval(
        "SELECT pdf FROM notice_batches WHERE batch_id = $1", letters.batch_id
    )
    assert "Dear Siobhan," in text_of(remade) and "Tom" not in text_of(remade)
