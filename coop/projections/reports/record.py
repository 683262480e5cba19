"""The governance record: every decision, in the log's order, with how it was reached.

One row per decision (``record_decisions``), written from the events alone, so
the record reads in one query and a rebuild makes it again exactly. A ballot's
row is begun when it is drafted and gathers its electorate, declarations and
events until the count decides it; a secret ballot's row holds only what its
published count holds. The named reads are in ``coop.projections.reports.queries``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID

import msgspec

from coop.domain.finance.periods import FinancialPeriod
from coop.domain.finance.rates import Rates
from coop.domain.governance.ballots import Ballot
from coop.domain.governance.rules import Rules
from coop.domain.membership.members import Member
from coop.projections.base import Projection, Statement

record = Projection("record", tables=("record_decisions",))


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def _event(position: int, what: str) -> str:
    return _json([{"position": position, "what": what}])


def _begun(
    decision_id: str, kind: str, subject: UUID, position: int, what: str, **row: Any
) -> Statement:
    """A decision taken by this event, with the row's other columns as given."""
    return _row(decision_id, kind, subject, position, what, position, row)


def _undecided(
    decision_id: str, kind: str, subject: UUID, position: int, what: str, **row: Any
) -> Statement:
    """A decision begun by this event (a ballot drafted), to be taken later."""
    return _row(decision_id, kind, subject, position, what, None, row)


def _row(
    decision_id: str,
    kind: str,
    subject: UUID,
    position: int,
    what: str,
    decided: int | None,
    row: dict[str, Any],
) -> Statement:
    names = "".join(f", {name}" for name in row)
    places = "".join(f", ${i}" for i in range(6, 6 + len(row)))
    return (
        "INSERT INTO {record_decisions} (decision_id, kind, subject_id, events,"
        f" decided_position{names}) VALUES ($1, $2, $3, $4::jsonb, $5{places})",
        (decision_id, kind, subject, _event(position, what), decided, *row.values()),
    )


def _add_event(decision_id: str, position: int, what: str, sets: str = "", *args: Any) -> Statement:
    """Append an event to a decision's row, setting ``sets`` (columns from $3 on) too."""
    return (
        "UPDATE {record_decisions} SET events = events || $2::jsonb"
        f"{', ' + sets if sets else ''} WHERE decision_id = $1",
        (decision_id, _event(position, what), *args),
    )


# Membership: each admission and refusal is a trustees' decision. -----------------------


@record.on(Member.Admitted)
def admitted(e: Member.Admitted, position: int) -> list[Statement]:
    return [
        _begun(
            f"admission:{e.originator_id}",
            "admission",
            e.originator_id,
            position,
            "Admitted",
            title=f"Membership number {e.number} admitted ({e.member_class} member)",
            made_by=e.decision.by,
            reference=e.decision.minute_reference,
            decided_on=e.decision.on,
            outcome=f"Admitted as a {e.member_class} member with {e.shares} share(s)",
        )
    ]


@record.on(Member.Refused)
def refused(e: Member.Refused, position: int) -> list[Statement]:
    # The reason is the applicant's personal data (sealed): the record says only that
    # an application was refused, by whom and under which minute.
    return [
        _begun(
            f"refusal:{e.originator_id}",
            "refusal",
            e.originator_id,
            position,
            "Refused",
            title="An application for membership refused",
            made_by=e.decision.by,
            reference=e.decision.minute_reference,
            decided_on=e.decision.on,
            outcome="Refused",
        )
    ]


# Ballots: resolutions, elections and reinvestments. ------------------------------------


def _ballot(e: Any) -> str:
    return f"ballot:{e.originator_id}"


@record.on(Ballot.Drafted)
def drafted(e: Ballot.Drafted, position: int) -> list[Statement]:
    special = "Special resolution" if e.special else ""
    return [
        _undecided(
            _ballot(e),
            str(e.kind),
            e.originator_id,
            position,
            "Drafted" + (f" ({special.lower()})" if special else ""),
            title=e.title,
            made_by=e.by,
            secret=e.secret,
        )
    ]


@record.on(Ballot.InterestDeclared)
def interest_declared(e: Ballot.InterestDeclared, position: int) -> list[Statement]:
    declared = _json([{"member_id": str(e.member_id), "interest": e.interest}])
    return [
        _add_event(
            _ballot(e),
            position,
            "An interest declared",
            "declarations = declarations || $3::jsonb",
            declared,
        )
    ]


@record.on(Ballot.Opened)
def opened(e: Ballot.Opened, position: int) -> list[Statement]:
    by_class = dict(Counter(elector.member_class for elector in e.electorate))
    return [
        _add_event(
            _ballot(e),
            position,
            "Voting opened",
            "rules_version = $3, electorate = $4::jsonb, opened_at = $5",
            e.rules_version,
            _json(by_class),
            e.at,
        )
    ]


@record.on(Ballot.Closed)
def closed(e: Ballot.Closed, position: int) -> list[Statement]:
    return [_add_event(_ballot(e), position, "Voting closed", "decided_on = $3", e.at.date())]


@record.on(Ballot.Counted)
def counted(e: Ballot.Counted, position: int) -> list[Statement]:
    return [
        _add_event(
            _ballot(e),
            position,
            "Counted and the result published",
            "result = $3::jsonb, outcome = $4, decided_position = $5",
            _json(e.result),
            str(e.result.get("outcome", "")),
            position,
        )
    ]


# The rules, the rates and the money. ---------------------------------------------------


@record.on(Rules.Adopted)
def rules_adopted(e: Rules.Adopted, position: int) -> list[Statement]:
    return [
        _begun(
            f"rules:{e.originator_version}",
            "rule change",
            e.originator_id,
            position,
            "Rules adopted",
            title="The rules adopted",
            made_by=e.by,
            reference=e.reference,
            decided_on=e.on,
            rules_version=e.originator_version,
            outcome=f"Rules version {e.originator_version} in force",
        )
    ]


@record.on(Rules.Amended)
def rules_amended(e: Rules.Amended, position: int) -> list[Statement]:
    return [
        _begun(
            f"rules:{e.originator_version}",
            "rule change",
            e.originator_id,
            position,
            "Rules amended",
            title="The rules amended by special resolution",
            reference=e.reference,
            decided_on=e.on,
            rules_version=e.originator_version,
            outcome=f"Rules version {e.originator_version} in force",
        )
    ]


def _rates(tariff: Any) -> str:
    return (
        f"From {tariff.effective_from:%-d %B %Y}: care charged at"
        f" £{tariff.charge_pence_per_hour / 100:.2f} an hour,"
        f" PAs paid £{tariff.pay_pence_per_hour / 100:.2f} an hour"
    )


@record.on(Rates.Adopted)
def rates_adopted(e: Rates.Adopted, position: int) -> list[Statement]:
    return [
        _begun(
            f"rates:{position}",
            "rate change",
            e.originator_id,
            position,
            "Rates adopted by the trustees",
            title="New rates adopted by the trustees",
            made_by=e.by,
            reference=e.minute,
            decided_on=e.on,
            outcome=_rates(e.tariff),
        )
    ]


@record.on(Rates.Enacted)
def rates_enacted(e: Rates.Enacted, position: int) -> list[Statement]:
    return [
        _begun(
            f"rates:{position}",
            "rate change",
            e.originator_id,
            position,
            "Rates changed as the members decided",
            title="New rates, as the members decided",
            reference=f"Reinvestment ballot {e.ballot_id}",
            decided_on=e.on,
            outcome=_rates(e.tariff),
        )
    ]


@record.on(FinancialPeriod.Opened)
def period_opened(e: FinancialPeriod.Opened, position: int) -> list[Statement]:
    # Closing the books and declaring the surplus are two decisions on one period;
    # both rows start here, where the period's name is known.
    words = e.span.words()
    return [
        _undecided(
            f"period-close:{e.originator_id}",
            "period close",
            e.originator_id,
            position,
            "Period opened",
            title=f"The books closed for {words}",
        ),
        _undecided(
            f"surplus:{e.originator_id}",
            "surplus declaration",
            e.originator_id,
            position,
            "Period opened",
            title=f"The distributable surplus declared for {words}",
        ),
    ]


@record.on(FinancialPeriod.Closed)
def period_closed(e: FinancialPeriod.Closed, position: int) -> list[Statement]:
    totals = e.totals
    return [
        _add_event(
            f"period-close:{e.originator_id}",
            position,
            "Books closed",
            "made_by = $3, reference = $4, decided_on = $5, decided_position = $6, outcome = $7",
            e.by,
            e.minute,
            e.at.date(),
            position,
            f"Closed: surplus £{totals.surplus_pence / 100:,.2f}",
        )
    ]


@record.on(FinancialPeriod.DistributableDeclared)
def surplus_declared(e: FinancialPeriod.DistributableDeclared, position: int) -> list[Statement]:
    return [
        _add_event(
            f"surplus:{e.originator_id}",
            position,
            "Distributable surplus declared",
            "made_by = $3, reference = $4, decided_on = $5, decided_position = $6, outcome = $7",
            e.by,
            e.minute,
            e.at.date(),
            position,
            f"£{e.pence / 100:,.2f} to reinvest, of a surplus of £{e.surplus_pence / 100:,.2f}"
            f" ({e.reserve_percent}% kept in reserve)",
        )
    ]


@record.on(FinancialPeriod.ReinvestmentEnacted)
def reinvestment_enacted(e: FinancialPeriod.ReinvestmentEnacted, position: int) -> list[Statement]:
    return [_add_event(f"ballot:{e.ballot_id}", position, "Carried out in the books")]
