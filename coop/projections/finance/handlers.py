"""The finance read model: events in, rows out (migration 0019).

Rates, periods, the treasurer's entries, commitments, and the care delivered as the
visits' own events tell it, so the close reads one table instead of the visits'
history. Priced lines are not stored: they are made again, exactly, from a closed
period's frozen visits, its recorded pricing rules and the rates (which can't change
inside a closed period), so the log holds no second copy of a year's care.

Two handlers reach past their own subject, and say why: a period's close freezes the
visits of its dates, and a late change to a frozen visit is listed for the treasurer.
Their statements are shaped unlike any other's, so batching never regroups them
across other events (see ``coop.projections.batches``).
"""

from __future__ import annotations

from typing import Any

import msgspec

from coop.clock import UK
from coop.domain.care.visits import Visit
from coop.domain.finance.periods import FinancialPeriod
from coop.domain.finance.rates import Rates
from coop.domain.governance.ballots import Ballot
from coop.projections.base import Projection, Statement

finance = Projection(
    "finance",
    tables=(
        "finance_rates",
        "finance_periods",
        "finance_entries",
        "finance_visits",
        "finance_late_changes",
        "finance_decisions",
        "finance_commitments",
    ),
)


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


# Rates ----------------------------------------------------------------------------------


@finance.on(Rates.Adopted, Rates.Enacted)
def rates_recorded(e: Rates.Adopted | Rates.Enacted, position: int) -> list[Statement]:
    t = e.tariff
    adopted = isinstance(e, Rates.Adopted)
    return [
        (
            "INSERT INTO {finance_rates} (position, effective_from, charge_pence_per_hour,"
            " pay_pence_per_hour, uplifts, decided_by, minute, ballot_id, option_ids,"
            " by_account, recorded_on) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10,"
            " $11)",
            (
                position,
                t.effective_from,
                t.charge_pence_per_hour,
                t.pay_pence_per_hour,
                _json(t.uplifts),
                "trustees" if adopted else "members",
                e.minute if isinstance(e, Rates.Adopted) else "",
                None if isinstance(e, Rates.Adopted) else e.ballot_id,
                [] if isinstance(e, Rates.Adopted) else list(e.option_ids),
                e.by if isinstance(e, Rates.Adopted) else None,
                e.on,
            ),
        )
    ]


# Periods and entries --------------------------------------------------------------------


@finance.on(FinancialPeriod.Opened)
def period_opened(e: FinancialPeriod.Opened, position: int) -> list[Statement]:
    s = e.span
    return [
        (
            "INSERT INTO {finance_periods} (period_id, name, starts, ends, opened_by,"
            " opened_minute) VALUES ($1, $2, $3, $4, $5, $6)",
            (e.originator_id, s.name, s.starts, s.ends, e.by, e.minute),
        )
    ]


@finance.on(FinancialPeriod.EntryRecorded)
def entry_recorded(e: FinancialPeriod.EntryRecorded, position: int) -> list[Statement]:
    n = e.entry
    return [
        (
            "INSERT INTO {finance_entries} (entry_id, period_id, position, on_date, category,"
            " amount_pence, reference, description, reverses, adjusts, reason, commitment_id,"
            " by_account) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            (
                n.entry_id,
                e.originator_id,
                position,
                n.on,
                str(n.category),
                n.amount_pence,
                n.reference,
                n.description,
                n.reverses,
                n.adjusts,
                n.reason,
                n.commitment,
                e.by,
            ),
        )
    ]


@finance.on(FinancialPeriod.Closed)
def period_closed(e: FinancialPeriod.Closed, position: int) -> list[Statement]:
    t = e.totals
    return [
        (
            "UPDATE {finance_periods} SET state = 'closed', closed_at = $2, closed_by = $3,"
            " closed_minute = $4, visits_up_to = $5, pricing = $6::jsonb, checks = $7::jsonb,"
            " statement = $8::jsonb, revenue_pence = $9, costs_pence = $10, care_minutes = $11,"
            " visits = $12 WHERE period_id = $1",
            (
                e.originator_id,
                e.at,
                e.by,
                e.minute,
                e.visits_up_to,
                _json(e.pricing),
                _json(e.checks),
                _json(e.statement),
                t.revenue_pence,
                t.costs_pence,
                t.care_minutes,
                t.visits,
            ),
        ),
        # The visits the close priced: as they stood at visits_up_to, so exactly these.
        (
            "UPDATE {finance_visits} v SET period_id = p.period_id FROM {finance_periods} p"
            " WHERE p.period_id = $1 AND v.day BETWEEN p.starts AND p.ends"
            " AND v.period_id IS NULL AND v.position <= $2",
            (e.originator_id, e.visits_up_to),
        ),
        # Any that moved on while the period was closing were priced as they were before:
        # listed, so the treasurer can put the difference right in a later period.
        (
            "INSERT INTO {finance_late_changes} (position, visit_id, period_id, what)"
            " SELECT $2, v.visit_id, p.period_id, 'changed while its period was closing'"
            " FROM {finance_visits} v JOIN {finance_periods} p ON p.period_id = $1"
            " WHERE v.day BETWEEN p.starts AND p.ends AND v.period_id IS NULL"
            " AND v.position > $3",
            (e.originator_id, position, e.visits_up_to),
        ),
    ]


@finance.on(FinancialPeriod.DistributableDeclared)
def declared(e: FinancialPeriod.DistributableDeclared, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {finance_periods} SET distributable_pence = $2, reserve_percent = $3,"
            " reserve_pence = $4, declared_at = $5, declared_minute = $6 WHERE period_id = $1",
            (e.originator_id, e.pence, e.reserve_percent, e.reserve_pence, e.at, e.minute),
        )
    ]


@finance.on(FinancialPeriod.PutToMembers)
def put_to_members(e: FinancialPeriod.PutToMembers, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {finance_periods} SET ballot_id = $2 WHERE period_id = $1",
            (e.originator_id, e.ballot_id),
        ),
        (
            "INSERT INTO {finance_decisions} (ballot_id, period_id) VALUES ($1, $2)",
            (e.ballot_id, e.originator_id),
        ),
    ]


@finance.on(Ballot.Counted)
def ballot_counted(e: Ballot.Counted, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {finance_decisions} SET counted = true WHERE ballot_id = $1",
            (e.originator_id,),
        )
    ]


@finance.on(FinancialPeriod.ReinvestmentEnacted)
def enacted(e: FinancialPeriod.ReinvestmentEnacted, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {finance_periods} SET enacted_at = $2 WHERE period_id = $1",
            (e.originator_id, e.at),
        ),
        (
            "UPDATE {finance_decisions} SET enacted = true WHERE ballot_id = $1",
            (e.ballot_id,),
        ),
        *(
            (
                "INSERT INTO {finance_commitments} (commitment_id, period_id, ballot_id,"
                " option_id, title, pence, position) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                (
                    c.commitment_id,
                    e.originator_id,
                    c.ballot_id,
                    c.option_id,
                    c.title,
                    c.pence,
                    position,
                ),
            )
            for c in e.commitments
        ),
    ]


@finance.on(FinancialPeriod.CommitmentSpent)
def spent(e: FinancialPeriod.CommitmentSpent, position: int) -> list[Statement]:
    return [
        (
            "UPDATE {finance_commitments} SET spent_pence = spent_pence + $2"
            " WHERE commitment_id = $1",
            (e.commitment_id, e.pence),
        )
    ]


# The care delivered, from the visits' events ---------------------------------------------


def _change(e: Any, position: int, what: str, sets: str, *args: Any) -> list[Statement]:
    """``sets`` (with $4 onwards for ``args``) on the visit's row while its period is open;
    once it is closed (frozen), the change is listed instead. One statement either way."""
    return [
        (
            "WITH late AS (INSERT INTO {finance_late_changes} (position, visit_id, period_id, what)"
            " SELECT $2, visit_id, period_id, $3 FROM {finance_visits}"
            " WHERE visit_id = $1 AND period_id IS NOT NULL)"
            f" UPDATE {{finance_visits}} SET {sets}, position = $2"
            " WHERE visit_id = $1 AND period_id IS NULL",
            (e.originator_id, position, what, *args),
        )
    ]


@finance.on(Visit.Requested)
def visit_requested(e: Visit.Requested, position: int) -> list[Statement]:
    return [
        (
            "INSERT INTO {finance_visits} (visit_id, user_id, planned_start, planned_end, state,"
            " day, position) VALUES ($1, $2, $3, $4, 'requested', $5, $6)",
            (
                e.originator_id,
                e.user_id,
                e.interval.start,
                e.interval.end,
                e.interval.start.astimezone(UK).date(),
                position,
            ),
        )
    ]


@finance.on(Visit.Accepted, Visit.Confirmed)
def visit_taken(e: Visit.Accepted | Visit.Confirmed, position: int) -> list[Statement]:
    state = "accepted" if isinstance(e, Visit.Accepted) else "confirmed"
    return _change(e, position, f"PA {state}", "pa_id = $4, state = $5", e.pa_id, state)


@finance.on(Visit.PaReleased)
def visit_released(e: Visit.PaReleased, position: int) -> list[Statement]:
    return _change(e, position, "PA released", "pa_id = NULL, state = $4", "requested")


@finance.on(Visit.Rescheduled)
def visit_rescheduled(e: Visit.Rescheduled, position: int) -> list[Statement]:
    i = e.interval
    return _change(
        e,
        position,
        "rescheduled",
        "planned_start = $4, planned_end = $5, day = $6",
        i.start,
        i.end,
        i.start.astimezone(UK).date(),
    )


@finance.on(Visit.Cancelled)
def visit_cancelled(e: Visit.Cancelled, position: int) -> list[Statement]:
    outcome = "late_cancelled" if e.chargeable else None
    return _change(
        e,
        position,
        "cancelled",
        "state = 'cancelled', outcome = $4, charge_percent = $5",
        outcome,
        e.charge_percent if e.chargeable else None,
    )


@finance.on(Visit.CheckedIn)
def visit_checked_in(e: Visit.CheckedIn, position: int) -> list[Statement]:
    # A check-in dates the visit by when it really started.
    return _change(
        e,
        position,
        "checked in",
        "pa_id = $4, actual_start = $5, state = 'checked in', outcome = 'delivered', day = $6",
        e.pa_id,
        e.actual,
        e.actual.astimezone(UK).date(),
    )


@finance.on(Visit.CheckedOut)
def visit_checked_out(e: Visit.CheckedOut, position: int) -> list[Statement]:
    return _change(e, position, "checked out", "actual_end = $4, state = 'checked out'", e.actual)


@finance.on(Visit.Missed)
def visit_missed(e: Visit.Missed, position: int) -> list[Statement]:
    return _change(e, position, "missed", "state = 'missed', outcome = 'missed'")
