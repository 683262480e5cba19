"""Reserved trustee seats: the rules' reservation less the trustees continuing in office."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

from coop.domain.governance.ballots import Ballot, BallotDraft, BallotKind, Elector, Mark, Option
from coop.domain.governance.rules import model_rules
from coop.domain.governance.seats import Trustee, continuing, reserved_seats, term_ends
from coop.domain.governance.tally import count_ballot

RULES = model_rules()  # reserves 2 seats for users, 1 for carers, 1 for PAs; 3-year terms
CLOSES = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
TRUSTEE = uuid4()


def trustee(member_class: str, appointed_on: date = date(2025, 6, 1)) -> Trustee:
    return Trustee(uuid4(), member_class, appointed_on)


def test_a_continuing_user_trustee_leaves_one_user_seat_to_elect() -> None:
    assert reserved_seats(4, RULES.reserved_seats, [trustee("user")]) == (
        ("user", 1),
        ("carer", 1),
        ("pa", 1),
    )


def test_more_continuing_trustees_than_the_rules_reserve_reserve_nothing_never_less() -> None:
    staying = [trustee("carer"), trustee("carer"), trustee("user"), trustee("user")]
    assert reserved_seats(3, RULES.reserved_seats, staying) == (
        ("user", 0),
        ("carer", 0),
        ("pa", 1),
    )


def test_the_reservation_is_capped_at_the_seats_being_filled_in_the_rules_order() -> None:
    assert reserved_seats(2, RULES.reserved_seats, []) == (("user", 2), ("carer", 0), ("pa", 0))
    # With a user trustee staying on, one of the two seats is free for the carers' reservation.
    assert reserved_seats(2, RULES.reserved_seats, [trustee("user")]) == (
        ("user", 1),
        ("carer", 1),
        ("pa", 0),
    )


def test_a_term_ends_on_its_anniversary_and_a_leap_day_term_on_the_28th() -> None:
    assert term_ends(date(2024, 6, 1), 3) == date(2027, 6, 1)
    assert term_ends(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_only_trustees_whose_terms_run_past_the_close_and_who_are_not_standing_continue() -> None:
    runs_on = trustee("user", date(2025, 6, 1))  # until 1 June 2028
    ends_at_close = trustee("user", date(2023, 12, 3))  # until 3 December 2026: retires
    ended = trustee("pa", date(2022, 6, 1))
    standing_again = trustee("carer", date(2025, 6, 1))
    staying = continuing(
        [runs_on, ends_at_close, ended, standing_again],
        after=CLOSES.date(),
        term_years=3,
        standing={str(standing_again.member_id)},
    )
    assert staying == (runs_on,)


# The election, from opening to count -------------------------------------------------------


def election(amira: UUID, tom: UUID, ewan: UUID) -> Ballot:
    draft = BallotDraft(
        kind=BallotKind.ELECTION,
        title="Trustee election 2026",
        question="Elect two trustees",
        easy_read="",
        topic="general",
        special=False,
        secret=False,
        seats=2,
        budget_pence=0,
        meeting_id=None,
        proposed_rules=None,
        options=(
            Option(id=str(amira), label="Amira Hassan", member_class="user"),
            Option(id=str(tom), label="Tom Whitfield", member_class="user"),
            Option(id=str(ewan), label="Ewan McAllister", member_class="pa"),
        ),
        opens_at=CLOSES - timedelta(days=7),
        closes_at=CLOSES,
    )
    return Ballot.draft(draft, now=CLOSES - timedelta(days=8), by=TRUSTEE)


def counted(ballot: Ballot, electors: list[Elector], rankings: list[tuple[str, ...]]) -> list[str]:
    marks = [
        (e.member_class, Mark(ranking=r), False, False)
        for e, r in zip(electors, rankings, strict=True)
    ]
    elected: list[str] = count_ballot(ballot, marks)["elected"]
    return elected


def test_a_user_trustee_continuing_in_office_frees_a_seat_for_the_pa_the_members_prefer() -> None:
    amira, tom, ewan = uuid4(), uuid4(), uuid4()
    electors = [Elector(uuid4(), c) for c in ("user", "user", "carer", "pa", "pa", "pa")]
    # Ewan (a PA) leads, Amira next, Tom last.
    rankings = [(str(ewan),)] * 3 + [(str(amira),)] * 2 + [(str(tom),)]

    without = election(amira, tom, ewan)
    without.open(tuple(electors), rules=RULES, rules_version=1, at=CLOSES - timedelta(days=7))
    assert without.reserved == {"user": 2, "carer": 0, "pa": 0}
    assert counted(without, electors, rankings) == ["Amira Hassan", "Tom Whitfield"]

    sue = Trustee(uuid4(), "user", date(2025, 6, 1))  # in office until June 2028
    with_sue = election(amira, tom, ewan)
    with_sue.open(
        tuple(electors),
        rules=RULES,
        rules_version=1,
        at=CLOSES - timedelta(days=7),
        trustees=(sue, trustee("pa", date(2023, 6, 1))),  # the PA's term has ended
    )
    recorded = [e for e in with_sue.collect_events() if isinstance(e, Ballot.SeatsReserved)]
    assert len(recorded) == 1 and recorded[0].continuing == (sue,)
    assert recorded[0].reserved == (("user", 1), ("carer", 1), ("pa", 0))
    assert sorted(counted(with_sue, electors, rankings)) == ["Amira Hassan", "Ewan McAllister"]


def test_an_election_opened_before_seats_were_recorded_keeps_the_rules_reservation() -> None:
    amira, tom, ewan = uuid4(), uuid4(), uuid4()
    ballot = election(amira, tom, ewan)
    ballot.open((), rules=RULES, rules_version=1, at=CLOSES, trustees=(trustee("user"),))
    history = [e for e in ballot.collect_events() if not isinstance(e, Ballot.SeatsReserved)]
    replayed = None
    for e in history:
        replayed = e.mutate(replayed)
    assert isinstance(replayed, Ballot) and replayed.reserved == {"user": 2, "carer": 0, "pa": 0}


def test_a_resolution_reserves_no_seats() -> None:
    draft = BallotDraft(
        kind=BallotKind.RESOLUTION,
        title="Raise PA pay",
        question="Raise PA pay by 50p?",
        opens_at=CLOSES - timedelta(days=7),
        closes_at=CLOSES,
        easy_read="",
        topic="pa_pay",
        special=False,
        secret=False,
        seats=0,
        budget_pence=0,
        meeting_id=None,
        proposed_rules=None,
    )
    ballot = Ballot.draft(draft, now=CLOSES - timedelta(days=8), by=TRUSTEE)
    ballot.open((), rules=RULES, rules_version=1, at=CLOSES, trustees=(trustee("user"),))
    assert not any(isinstance(e, Ballot.SeatsReserved) for e in ballot.collect_events())
