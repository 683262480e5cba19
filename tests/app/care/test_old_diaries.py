"""Diaries written before the week pages: their visits still load, clash and can be freed.

A co-op's log from before the pages holds each confirmed visit in the PA's
and the user's diary itself (``PaDiary.VisitHeld``, ``UserDiary.VisitHeld``).
Here one such visit is written as the old commands wrote it; the new ones must
still refuse what would clash with it, move it onto the pages, and free it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from eventsourcing.utils import get_topic

from coop.application import Coop
from coop.domain.care.diaries import PaDiary, UserDiary, pa_diary_id, user_diary_id
from coop.domain.care.errors import PaDoubleBooked, UserDoubleBooked
from coop.domain.care.tasks import Task
from coop.domain.care.times import visit_interval
from coop.domain.care.visits import Requester, State, Visit
from coop.infra.sealing import master_key
from coop.projections.runner import by_name, rebuild
from tests.conftest import SECRET
from tests.projections.care.test_care_reads import caught_up

from .leeds import TUESDAY, Leeds, held, leeds
from .test_booking import topics
from .test_races import request

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # the conftest clock


def old_visit(coop: Coop, town: Leeds, user: str, pa: str, hh: int) -> UUID:
    """A visit confirmed and held in both diaries, as the commands recorded it before pages."""
    visit, user_id, pa_id = uuid4(), town.member[user], town.member[pa]
    interval = visit_interval(TUESDAY, time(hh), 60)
    events: list[Any] = [
        Visit.Requested(
            originator_id=visit, originator_version=1, timestamp=NOW,
            originator_topic=get_topic(Visit), user_id=user_id, day=TUESDAY, start=time(hh),
            minutes=60, interval=interval, tasks=(Task.PERSONAL_CARE,), pa_id=pa_id,
            by=town.account[user], by_role=Requester.USER, at=NOW,
        ),
        Visit.Confirmed(
            originator_id=visit, originator_version=2, timestamp=NOW, pa_id=pa_id, by=town.joy,
            at=NOW,
        ),
    ]  # fmt: skip
    for diary, cls, extra in (
        (pa_diary_id(pa_id), PaDiary.VisitHeld, {}),
        (user_diary_id(user_id), UserDiary.VisitHeld, {"approved_by": None}),
    ):
        version = coop.repository.get(diary).version + 1
        events.append(cls(originator_id=diary, originator_version=version, timestamp=NOW,
                          visit_id=visit, interval=interval, **extra))  # fmt: skip
    coop.recorder.insert_events([coop.mapper.to_stored_event(e) for e in events])
    return visit


def test_a_visit_held_in_an_old_diary_still_refuses_what_would_clash_with_it(coop: Coop) -> None:
    town = leeds(coop)
    old = old_visit(coop, town, "Grace", "Ewan", 10)
    with pytest.raises(UserDoubleBooked, match="Grace already has a visit from 10:00 to 11:00"):
        request(coop, town, "Grace", TUESDAY, time(10, 30), 60)
    siobhans = request(coop, town, "Siobhan", TUESDAY, time(11, 5), 60)
    with pytest.raises(PaDoubleBooked, match="Ewan already has a visit from 10:00 to 11:00"):
        coop.confirm_visit(siobhans, town.member["Ewan"], by=town.joy)
    assert coop.repository.get(old).state is State.CONFIRMED


def test_an_old_visit_moves_onto_the_pages_and_cancelling_it_frees_the_old_diaries(
    coop: Coop,
) -> None:
    town = leeds(coop)
    ewan, grace = town.member["Ewan"], town.member["Grace"]
    moved = old_visit(coop, town, "Grace", "Ewan", 10)
    coop.reschedule_visit(moved, day=TUESDAY, start=time(14), minutes=60, by=town.joy)
    pa_diary: PaDiary = coop.repository.get(pa_diary_id(ewan))
    assert moved not in pa_diary.held and moved in held(coop, ewan, TUESDAY)
    cancelled = old_visit(coop, town, "Siobhan", "Ewan", 11)
    before = coop.recorder.max_notification_id() or 0
    coop.cancel_visit(cancelled, by=town.joy)
    assert topics(coop, before) == [
        "Visit.Cancelled",
        "UserDiary.VisitReleased",
        "PaDiary.VisitReleased",
    ]
    siobhans = request(coop, town, "Siobhan", TUESDAY, time(11), 60)  # the hour is free again
    coop.confirm_visit(siobhans, ewan, by=town.joy)
    assert set(held(coop, ewan, TUESDAY)) == {moved, siobhans}
    assert moved in held(coop, grace, TUESDAY)


async def test_a_rebuild_of_the_care_views_over_old_and_new_diaries_gives_the_same_rows(
    coop: Coop, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    old = old_visit(coop, town, "Grace", "Ewan", 10)
    siobhans = request(coop, town, "Siobhan", TUESDAY + timedelta(days=1), time(10), 60)
    coop.confirm_visit(siobhans, town.member["Ewan"], by=town.joy)
    coop.reschedule_visit(old, day=TUESDAY, start=time(15), minutes=60, by=town.joy)
    await caught_up(pool)
    tables = ("care_visits", "care_pas", "care_plans")

    async def rows() -> list[list[asyncpg.Record]]:
        return [await pool.fetch(f"SELECT * FROM {t} ORDER BY 1") for t in tables]

    live = await rows()
    async with pool.acquire() as conn:
        await rebuild(conn, by_name("care"), master_key(SECRET))
    assert await rows() == live
    visits = {r["visit_id"]: r["state"] for r in live[0]}
    assert visits == {old: "confirmed", siobhans: "confirmed"}
