"""The governance record over HTTP: members see how every decision was reached, and can
prove a decision's entries are in a signed checkpoint; auditors read it and change nothing."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import httpx

from coop.application import Coop
from coop.clock import FixedClock
from coop.config import Settings
from coop.domain.governance.ballots import Mark
from coop.infra.audit_checkpoints import check_inclusion, generate_key, parse_note
from coop.web.accounts.passwords import hash_password
from tests.app.governance import test_ballots as ballot_stories  # not collected twice
from tests.app.governance.test_ballots import TRUSTEE, amira_changes_her_mind, co_op, resolution
from tests.conftest import TODAY
from tests.people import details
from tests.web.helpers import TRUSTEE_PASSWORD, post_form, sign_in
from tests.web.membership.test_applications import signed_in_trustee

AMIRA = "amira.hassan@example.org"


async def a_decided_resolution(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock, *, secret: bool = False
) -> dict[str, str]:
    """The rules, six admissions, and a resolution on PA pay with Ewan's interest declared;
    Amira (a member) is signed in. Her API headers."""
    electors = co_op(coop)
    # Three positions used up and never written (as a rolled-back save does): the
    # checkpoints count links, so the record must allow for the gap.
    await client.app.state["services"].pool.execute(
        "SELECT nextval(pg_get_serial_sequence('coop_events', 'notification_id'))"
        " FROM generate_series(1, 3)"
    )
    ballot = resolution(coop, clock, secret=secret)
    coop.declare_interest(ballot, electors[3].member_id, "I am a PA: my own pay")
    coop.open_ballot(ballot, electors)
    for member, answer in amira_changes_her_mind(electors):
        coop.cast_vote(ballot, member, Mark(answer=answer), cast_by=member)
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    done = coop.open_account(
        name="Amira Hassan",
        email=AMIRA,
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(),
        member_id=electors[0].member_id,
    )
    await client.app.state["services"].seen(done.position, "accounts", "record")
    assert (await sign_in(client, AMIRA)).status_code == 303
    token = await client.post("/api/tokens", json={"email": AMIRA, "password": TRUSTEE_PASSWORD})
    return {"Authorization": f"Bearer {token.json()['token']}"}


async def test_a_member_sees_every_decision_in_order_with_how_it_was_reached(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    await a_decided_resolution(client, coop, clock)
    ballots = await client.get("/ballots")
    assert 'href="/record">the governance record</a>' in ballots.text  # where members find it
    page = await client.get("/record")
    assert page.status_code == 200
    text = page.text
    assert "8 decisions" in text
    assert text.index("The rules adopted") < text.index("Membership number 1 admitted")
    assert text.index("Membership number 6 admitted") < text.index("Raise PA pay by 50p an hour")
    assert "Version 1 of the co-op&#39;s rules" in text
    assert "Ewan McAllister: I am a PA: my own pay" in text
    assert "Who could vote, and who did" in text and "Votes by class, raw and weighted" in text
    assert "All classes, weighted" in text
    assert "<strong>Carried" in text
    assert "Entry" in text and "Counted and the result published" in text
    assert "No signed checkpoint covers these entries yet." in text


async def test_each_decision_can_be_proved_to_be_in_a_signed_checkpoint(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock, settings: Settings
) -> None:
    headers = await a_decided_resolution(client, coop, clock)
    generate_key(settings.audit_key_path, "testserver.local/coop")
    for _ in range(100):  # the scheduler makes the day's checkpoint within a second or so
        page = await client.get("/record?kind=resolution")
        if "Covered by" in page.text:
            break
        await asyncio.sleep(0.1)
    assert "signed checkpoint 1" in page.text
    record = (await client.get("/api/record?kind=resolution", headers=headers)).json()
    (decision,) = record["decisions"]
    assert decision["checkpoint"] == 1
    counted = decision["events"][-1]["position"]
    assert f"/record/proofs/{counted}/1" in page.text

    proof = await client.get(f"/record/proofs/{counted}/1")
    assert proof.status_code == 200
    note = (await client.get("/audit/checkpoints/1")).text
    event = check_inclusion(proof.text, parse_note(note))
    assert event.notification_id == counted and event.topic.endswith("Ballot.Counted")
    # Only a decision's own entries are offered: not a vote, nor a position past the checkpoint.
    a_vote = decision["events"][2]["position"] + 1  # just after voting opened
    assert (await client.get(f"/record/proofs/{a_vote}/1")).status_code == 404
    assert (await client.get(f"/record/proofs/{counted}/2")).status_code == 404


async def test_the_record_filters_by_kind_and_year_and_downloads_as_csv_and_json(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    headers = await a_decided_resolution(client, coop, clock)
    admissions = await client.get(f"/record?kind=admission&year={TODAY.year}")
    assert "6 decisions: admissions in" in admissions.text
    assert "Raise PA pay" not in admissions.text
    none = await client.get(f"/record?year={TODAY.year - 1}")
    assert "0 decisions" in none.text and "No decisions match what you chose." in none.text

    download = await client.get("/record.csv?kind=resolution")
    assert download.headers["content-type"].startswith("text/csv")
    assert 'filename="governance-record.csv"' in download.headers["content-disposition"]
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("position,decided_on,kind,title,outcome")
    assert len(lines) == 2 and "Raise PA pay by 50p an hour" in lines[1]
    assert "user 2; carer 1; pa 3" in lines[1] and "Ewan McAllister: I am a PA" in lines[1]

    api = (await client.get(f"/api/record?year={TODAY.year}", headers=headers)).json()
    assert api["year"] == TODAY.year and len(api["decisions"]) == 8
    ballot = api["decisions"][-1]
    assert ballot["electorate"] == {"user": 2, "carer": 1, "pa": 3}
    assert ballot["result"]["carried"] is True and ballot["rules_version"] == 1


async def test_a_bad_filter_is_refused_saying_what_is_wrong(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    headers = await a_decided_resolution(client, coop, clock)
    page = await client.get("/record?kind=coup&year=26")
    assert page.status_code == 422
    assert "<title>Error: The governance record" in page.text
    assert 'href="#kind">Choose a kind of decision from the list' in page.text
    assert 'href="#year">Enter the year as 4 digits, like 2026' in page.text
    assert 'value="26"' in page.text  # the answer is kept
    refused = await client.get("/record.csv?year=twenty")
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["title"] == "The filter is not right"
    for field, bad in (("kind", "coup"), ("year", "26")):  # the API's own check names the field
        api = await client.get(f"/api/record?{field}={bad}", headers=headers)
        assert api.status_code == 400 and api.json()["errors"][0]["field"] == field


async def test_a_secret_ballot_shows_only_its_published_count(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    headers = await a_decided_resolution(client, coop, clock, secret=True)
    page = await client.get("/record?kind=resolution")
    assert "Yes: only the published count is shown, never who chose what" in page.text
    (decision,) = (await client.get("/api/record?kind=resolution", headers=headers)).json()[
        "decisions"
    ]
    shown = json.dumps(decision)
    for name in ("Tom Whitfield", "Priya Raman", "Marcus Boateng", "Aisha Begum"):
        assert name not in shown and name not in page.text  # no voter is named


async def test_trustees_make_an_account_an_auditor_who_reads_the_record_and_registers_only(
    client: httpx.AsyncClient, coop: Coop
) -> None:
    done = coop.open_account(
        name="Hannah Lowe",
        email="hannah.lowe@auditors.example",
        password_hash=hash_password(TRUSTEE_PASSWORD),
        roles=(),
    )
    await signed_in_trustee(client, coop)
    await client.app.state["services"].seen(done.position, "accounts")
    form = await client.get(f"/trustees/accounts/{done.subject}/roles")
    assert 'value="auditor"' in form.text and "Never sees visit notes" in form.text
    saved = await post_form(
        client, f"/trustees/accounts/{done.subject}/roles", {"roles": "auditor"}
    )
    assert saved.status_code == 303
    await post_form(client, "/sign-out", {})
    assert (await sign_in(client, "hannah.lowe@auditors.example")).status_code == 303
    for readable in ("/record", "/register", "/trustees-register", "/audit/checkpoints"):
        assert (await client.get(readable)).status_code == 200, readable
    home = await client.get("/record")
    assert 'href="/record"' in home.text and 'href="/register"' in home.text  # in the menu
    for refused in ("/trustees/applications", "/trustees/members", "/office"):
        assert (await client.get(refused)).status_code == 403, refused


async def test_an_election_and_a_reinvestment_show_who_was_elected_and_what_was_funded(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    # The co-op's story as the ballots' own tests tell it: an election by STV.
    ballot_stories.test_an_election_fills_the_seats_by_stv_with_the_full_count_sheet(coop, clock)
    await signed_in_trustee(client, coop)
    await client.app.state["services"].seen(coop.recorder.max_notification_id() or 0, "record")
    page = await client.get("/record?kind=election")
    assert "1 decision: elections" in page.text
    assert "Trustee election 2026" in page.text and "Quota" in page.text and "3 votes" in page.text
    assert "Elected: " in page.text and "Amira Hassan" in page.text
    assert 'href="/record"' in (await client.get("/trustees")).text


async def test_a_reinvestment_shows_what_the_members_funded(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    ballot_stories.test_a_reinvestment_ballot_shares_the_surplus_by_equal_shares(coop, clock)
    await signed_in_trustee(client, coop)
    await client.app.state["services"].seen(coop.recorder.max_notification_id() or 0, "record")
    page = await client.get("/record?kind=reinvestment")
    assert "1 decision: reinvestments" in page.text
    assert "Reinvesting the 2026 surplus" in page.text
    assert "Funded: " in page.text and "Outings for users" in page.text


async def test_a_long_record_is_read_a_page_at_a_time_keeping_its_filter(
    client: httpx.AsyncClient, coop: Coop, clock: FixedClock
) -> None:
    await a_decided_resolution(client, coop, clock)  # 8 decisions
    for n in range(22):  # 30 decisions: two pages of 25
        member = coop.apply_for_membership(details(f"Member {n} Jones")).subject
        done = coop.admit(member, by=TRUSTEE, minute_reference="BM-2")
    await client.app.state["services"].seen(done.position, "record")

    first = await client.get("/record")
    assert "30 decisions" in first.text and "Showing 1 to 25 of 30 decisions" in first.text
    assert "The rules adopted" in first.text and "Raise PA pay" in first.text
    assert 'href="/record?page=2" aria-label="Page 2"' in first.text
    second = await client.get("/record?page=2")
    assert "Showing 26 to 30 of 30 decisions" in second.text
    assert "The rules adopted" not in second.text
    assert second.text.count('class="govuk-caption-m">Admission') == 5
    filtered = await client.get(f"/record?kind=admission&year={TODAY.year}")
    assert "28 decisions" in filtered.text
    assert f'href="/record?kind=admission&amp;year={TODAY.year}&amp;page=2"' in filtered.text
    beyond = await client.get("/record?page=3")
    assert beyond.status_code == 404 and "this list has 2 pages" in beyond.text
    everything = await client.get("/record.csv")  # the download keeps every decision
    assert len(everything.content.decode("utf-8-sig").splitlines()) == 31
