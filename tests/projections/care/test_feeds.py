"""iCalendar feeds: RFC 5545 as the icalendar package reads it, at a secret its owner controls."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4

import asyncpg
import icalendar

from coop.application import Coop
from coop.clock import FixedClock, today
from coop.domain.membership.member_details import Cessation, ShareSettlement
from coop.infra.sealing import master_key
from coop.projections.care.calendar import FeedVisit, calendar
from coop.projections.care.feeds import (
    FeedKind,
    feed_owner,
    feed_visits,
    renew_feed_token,
    revoke_feed_token,
)
from coop.projections.runner import by_name, rebuild
from tests.app.care.leeds import TRUSTEE, TUESDAY, at, book, leeds
from tests.conftest import SECRET
from tests.projections.care.test_care_reads import caught_up

# The clocks go forward on Sunday 28 March 2027 and back on Sunday 31 October 2027.
FRIDAY_BEFORE = date(2027, 3, 26)
MONDAY_AFTER = date(2027, 3, 29)


def events(feed: str) -> dict[str, icalendar.Event]:
    parsed = icalendar.Calendar.from_ical(feed.encode())
    return {str(e["UID"]): e for e in parsed.walk("VEVENT")}


async def test_a_pas_feed_has_each_visit_once_with_its_sequence_and_cancellations(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    kept = book(coop, town, "Grace", TUESDAY, 10)
    moved = book(coop, town, "Siobhan", TUESDAY, 12)
    cancelled = book(coop, town, "Grace", TUESDAY, 15)
    reassigned = book(coop, town, "Grace", TUESDAY, 9, minutes=45)
    coop.reschedule_visit(moved, day=TUESDAY, start=time(13), minutes=60, by=town.joy)
    coop.cancel_visit(cancelled, by=town.account["Priya"])
    coop.reassign_visit(reassigned, by=town.joy)
    coop.confirm_visit(reassigned, town.member["Marcus"], by=town.joy)
    await caught_up(pool)
    token = await renew_feed_token(pool, town.member["Ewan"], FeedKind.PA, clock.now())
    owner = await feed_owner(pool, token)
    assert owner is not None and owner.name == "Ewan"
    feed = calendar("Ewan's rota", await feed_visits(pool, owner, at(TUESDAY, 0)), clock.now())
    assert "\r\n" in feed and all(len(line.encode()) <= 75 for line in feed.split("\r\n"))
    got = events(feed)
    assert set(got) == {f"{v}@coop" for v in (kept, moved, cancelled, reassigned)}
    assert str(got[f"{kept}@coop"]["STATUS"]) == "CONFIRMED"
    assert str(got[f"{cancelled}@coop"]["STATUS"]) == "CANCELLED"
    assert str(got[f"{reassigned}@coop"]["STATUS"]) == "CANCELLED"  # now Marcus's
    assert got[f"{moved}@coop"].decoded("DTSTART") == at(TUESDAY, 13)
    assert int(got[f"{moved}@coop"]["SEQUENCE"]) > int(got[f"{kept}@coop"]["SEQUENCE"])
    assert str(got[f"{kept}@coop"]["SUMMARY"]) == "Care visit: Grace"


async def test_times_are_right_on_both_sides_of_the_clocks_going_forward(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    before = book(coop, town, "Grace", FRIDAY_BEFORE, 10)  # 10:00 GMT
    after = book(coop, town, "Grace", MONDAY_AFTER, 10)  # 10:00 BST
    await caught_up(pool)
    token = await renew_feed_token(pool, town.member["Grace"], FeedKind.USER, clock.now())
    owner = await feed_owner(pool, token)
    assert owner is not None
    got = events(
        calendar("Grace's visits", await feed_visits(pool, owner, clock.now()), clock.now())
    )
    assert got[f"{before}@coop"].decoded("DTSTART") == datetime(2027, 3, 26, 10, 0, tzinfo=UTC)
    assert got[f"{after}@coop"].decoded("DTSTART") == datetime(2027, 3, 29, 9, 0, tzinfo=UTC)
    assert got[f"{after}@coop"].decoded("DTEND") - got[f"{after}@coop"].decoded(
        "DTSTART"
    ) == timedelta(hours=1)
    assert str(got[f"{after}@coop"]["SUMMARY"]) == "Care visit: Ewan"


async def test_the_owner_renews_or_revokes_the_secret_and_an_erased_owner_has_no_feed(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    await caught_up(pool)
    grace = town.member["Grace"]
    first = await renew_feed_token(pool, grace, FeedKind.USER, clock.now())
    second = await renew_feed_token(pool, grace, FeedKind.USER, clock.now())
    assert await feed_owner(pool, first) is None  # renewing kills the old secret
    assert await feed_owner(pool, second) is not None
    assert await feed_owner(pool, "a-guessed-secret") is None
    assert await revoke_feed_token(pool, grace, FeedKind.USER)
    assert await feed_owner(pool, second) is None
    assert not await revoke_feed_token(pool, grace, FeedKind.USER)
    third = await renew_feed_token(pool, grace, FeedKind.USER, clock.now())
    coop.cease(grace, Cessation.WITHDRAWAL, on=today(clock), by=TRUSTEE, reference="Letter")
    coop.settle_share(grace, ShareSettlement.REPAID, by=TRUSTEE)
    clock.advance(timedelta(days=3653))
    coop.erase(grace, by=TRUSTEE, retention_years=10)
    await caught_up(pool)
    assert await feed_owner(pool, third) is None
    place = await pool.fetchrow(
        "SELECT address, postcode, access FROM care_plans WHERE user_id = $1", grace
    )
    assert tuple(place) == (None, None, None)  # where her visits happened is gone too


def test_a_year_of_visits_builds_a_feed_whose_long_lines_fold_without_splitting_a_letter() -> None:
    start = datetime(2027, 1, 4, 9, tzinfo=UTC)
    visits = [
        FeedVisit(uuid4(), start + timedelta(hours=n * 6), start + timedelta(hours=n * 6 + 1),
                  "confirmed", n % 7 + 1, "Siobhán Ní Bhriain-Ó Súilleabháin, Grace’s neighbour")
        for n in range(1500)
    ]  # fmt: skip
    feed = calendar("Zoë’s rota; all of it", visits, start)
    assert all(len(line.encode()) <= 75 for line in feed.split("\r\n"))
    got = events(feed)
    assert len(got) == 1500
    assert str(next(iter(got.values()))["SUMMARY"]).startswith("Care visit: Siobhán Ní Bhriain")


async def test_a_rebuild_after_an_erasure_gives_the_same_rows_with_the_place_still_gone(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    town = leeds(coop)
    book(coop, town, "Grace", TUESDAY, 10)
    book(coop, town, "Siobhan", TUESDAY, 12)
    grace = town.member["Grace"]
    coop.cease(grace, Cessation.WITHDRAWAL, on=today(clock), by=TRUSTEE, reference="Letter")
    coop.settle_share(grace, ShareSettlement.REPAID, by=TRUSTEE)
    clock.advance(timedelta(days=3653))
    coop.erase(grace, by=TRUSTEE, retention_years=10)
    await caught_up(pool)
    tables = ("care_visits", "care_pas", "care_plans", "care_notes_reads")

    async def rows() -> list[list[asyncpg.Record]]:
        return [await pool.fetch(f"SELECT * FROM {t} ORDER BY 1") for t in tables]

    live = await rows()
    async with pool.acquire() as conn:
        await rebuild(conn, by_name("care"), master_key(SECRET))
    assert await rows() == live
    plans = {r["user_id"]: r["postcode"] for r in live[2]}
    assert plans == {grace: None, town.member["Siobhan"]: "WF1 1JY"}
