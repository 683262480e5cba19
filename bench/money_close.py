"""`coop bench money`, on a real database: the year's close through ``Coop.close_period``.

The made-up year of ``bench.money`` is written first as the care side's own events
(requested; checked in and out; or confirmed then cancelled late, or missed), in bulk
through the app's recorder, and the finance projection catches up with them. Then the
trustees' close is timed as the command runs it: wait for the read model, read the
period's visits from it, price, journal, sum, check, and save the close.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from bench.common import scratch_database
from coop.application import Coop
from coop.clock import UK, FixedClock
from coop.commands.finance.delivered import delivered_in
from coop.domain.accounts import Role
from coop.domain.care.tasks import Task
from coop.domain.care.times import Interval
from coop.domain.care.visits import Requester, Visit, VisitText
from coop.domain.finance.periods import FinancialPeriod
from coop.domain.finance.pricing import DeliveredVisit, Outcome
from coop.domain.governance.rules import model_rules
from coop.infra.db import eventsourcing_env
from coop.infra.sealing import master_key
from coop.projections.finance.handlers import finance
from coop.projections.runner import catch_up

BENCH_SECRET = "coop bench secret"  # noqa: S105  (a throw-away scratch database)
INSERT_BATCH = 6_000  # events per insert while writing the log
CLOSED_AT = datetime(2026, 4, 20, 18, 0, tzinfo=UTC)
_NO_REASON = VisitText(text="")
_NOT_A_HASH = "not a password hash"
_VISIT = get_topic(Visit)


def close_through_the_command(
    url: str, visits: list[DeliveredVisit], setup: Any
) -> dict[str, float]:
    """Write the year's visits as events, catch the finance read model up, and time the close."""
    with scratch_database(url, "money") as db_url:
        coop = Coop(
            eventsourcing_env(db_url, pool_size=2),
            secret_key=BENCH_SECRET,
            clock=FixedClock(CLOSED_AT),
        )
        try:
            trustee, period = setup(coop)
            started = time.perf_counter()
            events = _write(coop, visits)
            written = time.perf_counter() - started
            started = time.perf_counter()
            asyncio.run(_project(db_url))
            projected = time.perf_counter() - started
            year: FinancialPeriod = coop.repository.get(period)
            started = time.perf_counter()
            read, _ = delivered_in(coop.datastore, year.span)
            reading = time.perf_counter() - started
            cpu, started = time.process_time(), time.perf_counter()
            coop.close_period(period, minute="Board 2026/04 minute 7", by=trustee)
            close = time.perf_counter() - started
            cpu = time.process_time() - cpu
            closed: FinancialPeriod = coop.repository.get(period)
            assert closed.totals is not None
        finally:
            coop.close()
    return {
        "events": events,
        "written": written,
        "projected": projected,
        "read": reading,
        "read_rows": len(read),
        "close": close,
        "close_cpu": cpu,
        "surplus": closed.totals.surplus_pence,
    }


def accounts(coop: Coop) -> tuple[UUID, UUID]:
    """A trustee's and the treasurer's sign-ins, and the rules adopted."""
    trustee = coop.open_account(
        name="Ruth Adeyemi", email="ruth@example.org", password_hash=_NOT_A_HASH, roles=()
    ).subject
    treasurer = coop.open_account(
        name="Grace Mensah",
        email="grace@example.org",
        password_hash=_NOT_A_HASH,
        roles=(Role.COORDINATOR, Role.TREASURER),
    ).subject
    coop.adopt_rules(model_rules(), by=trustee, reference="AGM 2025 resolution 1")
    return trustee, treasurer


def _write(coop: Coop, visits: list[DeliveredVisit]) -> int:
    stored: list[StoredEvent] = []
    count = 0
    for event in _events(visits):
        stored.append(coop.mapper.to_stored_event(event))
        if len(stored) >= INSERT_BATCH:
            coop.recorder.insert_events(stored)
            count += len(stored)
            stored = []
    if stored:
        coop.recorder.insert_events(stored)
        count += len(stored)
    return count


def _events(visits: list[DeliveredVisit]) -> Iterator[Any]:
    """Each visit's events as the care side records them (fewest that say what happened)."""
    for v in visits:
        local = v.planned_start.astimezone(UK)
        booked = v.planned_start - timedelta(days=7)
        minutes = int((v.planned_end - v.planned_start).total_seconds()) // 60
        yield _event(
            Visit.Requested,
            originator_id=v.visit_id,
            originator_version=1,
            timestamp=booked,
            originator_topic=_VISIT,
            user_id=v.user_id,
            day=local.date(),
            start=local.time().replace(tzinfo=None),
            minutes=minutes,
            interval=Interval(v.planned_start.astimezone(UTC), v.planned_end.astimezone(UTC)),
            tasks=(Task.PERSONAL_CARE,),
            pa_id=v.pa_id,
            by=v.user_id,
            by_role=Requester.USER,
            at=booked,
        )
        if v.outcome is Outcome.DELIVERED:
            assert v.actual_start is not None and v.actual_end is not None
            for n, (cls, at) in enumerate(
                ((Visit.CheckedIn, v.actual_start), (Visit.CheckedOut, v.actual_end)), start=2
            ):
                yield _event(
                    cls,
                    originator_id=v.visit_id,
                    originator_version=n,
                    timestamp=at,
                    user_id=v.user_id,
                    pa_id=v.pa_id,
                    actual=at,
                    reason=_NO_REASON,
                    at=at,
                )
            continue
        yield _event(
            Visit.Confirmed,
            originator_id=v.visit_id,
            originator_version=2,
            timestamp=booked,
            pa_id=v.pa_id,
            by=v.pa_id,
            at=booked,
        )
        if v.outcome is Outcome.MISSED:
            due = v.planned_start + timedelta(minutes=30)
            yield _event(
                Visit.Missed,
                originator_id=v.visit_id,
                originator_version=3,
                timestamp=due,
                due_by=due,
                at=due,
            )
        else:
            at = v.planned_start - timedelta(hours=2)
            yield _event(
                Visit.Cancelled,
                originator_id=v.visit_id,
                originator_version=3,
                timestamp=at,
                user_id=v.user_id,
                reason=_NO_REASON,
                chargeable=True,
                charge_percent=50,
                by=v.user_id,
                by_role=Requester.USER,
                at=at,
            )


def _event(cls: type[Any], **fields: Any) -> Any:
    """An event of the visit's, made directly: the log is generated here, not commanded."""
    return cls(**fields)


async def _project(db_url: str) -> None:
    conn = await asyncpg.connect(db_url)
    reader = await asyncpg.connect(db_url)
    try:
        await catch_up(conn, master_key(BENCH_SECRET), [finance], reader=reader)
        await conn.execute("VACUUM ANALYZE finance_visits")
    finally:
        await reader.close()
        await conn.close()
