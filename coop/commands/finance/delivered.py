"""The care a period delivered, read from the finance read model for its close.

The close prices a year of visits: replaying each visit's events would take minutes,
so it reads the finance projection's one row per visit instead. A read model lags
the log, so the close waits (briefly) until the projection has taken in every event
of the log as it stood when the close began, then reads the rows and the position
they stand at in one snapshot. Visits that change after that are priced as they
were, and listed as late changes when the close reaches the read model.
"""

from __future__ import annotations

import time

from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import get_topic
from psycopg import Cursor
from psycopg.rows import TupleRow, tuple_row

from coop.domain.care.visits import Visit
from coop.domain.errors import CoopError
from coop.domain.finance.calendar import Span
from coop.domain.finance.pricing import DeliveredVisit
from coop.projections.finance.handlers import finance
from coop.projections.finance.rows import BOOKED, VISIT_COLUMNS, VISIT_ORDER, delivered_visit

WAIT_SECONDS = 10.0  # for the projection to catch up before the close gives up
# What the read must not be behind on: the visits' events (entries come from the period).
_VISIT_TOPICS = [t for t in finance.handlers if t.startswith(get_topic(Visit) + ".")]
_DELIVERED = (
    f"SELECT {VISIT_COLUMNS} FROM finance_visits WHERE day BETWEEN %s AND %s"  # noqa: S608 (constant SQL)
    f" AND period_id IS NULL AND {BOOKED} {VISIT_ORDER}"
)


class BooksBehind(CoopError):
    status = 503

    def __init__(self) -> None:
        super().__init__(
            "The books are still taking in the latest visits. Please try again in a moment."
        )


def delivered_in(
    datastore: PostgresDatastore, span: Span, wait: float = WAIT_SECONDS
) -> tuple[list[DeliveredVisit], int]:
    """The period's visits for the books (not yet in a closed period), and the log
    position the read model had reached when they were read."""
    with datastore.transaction(commit=False) as heads:
        heads.execute("SELECT coalesce(max(notification_id), 0) AS head FROM coop_events")
        row = heads.fetchone()
        head = int(row["head"]) if row else 0
    deadline = time.monotonic() + wait
    while True:
        with datastore.get_connection() as conn, conn.transaction(force_rollback=True):
            # Tuples: a year of visits reads faster by position than by name.
            rows: Cursor[TupleRow] = Cursor(conn, row_factory=tuple_row)
            rows.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            up_to = _caught_up(rows, head)
            if up_to is not None:
                # Binary: a year of timestamps and ids is parsed faster than from text.
                rows.execute(_DELIVERED, (span.starts, span.ends), binary=True)
                return [delivered_visit(r) for r in rows], up_to
        if time.monotonic() >= deadline:
            raise BooksBehind()
        time.sleep(0.05)


def _caught_up(curs: Cursor[TupleRow], head: int) -> int | None:
    """The projection's position, if no visit event it handles is waiting up to ``head``."""
    curs.execute("SELECT position FROM projection_tracking WHERE name = 'finance'")
    row = curs.fetchone()
    position = int(row[0]) if row else 0
    if position >= head:
        return position
    curs.execute(
        "SELECT EXISTS (SELECT 1 FROM coop_events WHERE notification_id > %s"
        " AND notification_id <= %s AND topic = ANY(%s))",
        (position, head, _VISIT_TOPICS),
    )
    waiting = curs.fetchone()
    return None if waiting and waiting[0] else position
