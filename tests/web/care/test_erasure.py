"""Erasing a person also ends their care calendar feeds: no secret URL outlives them."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.membership.member_details import Cessation, MemberClass
from coop.projections.care.feeds import FeedKind, feed_owner, renew_feed_token
from tests.conftest import TODAY
from tests.web.membership.test_member_admin import (
    admitted,
    done_and_shown,
    settled,
    signed_in_trustee,
    signed_in_trustee_again,
)


async def test_erasing_a_pa_deletes_their_feed_secrets_and_no_one_elses(
    client, coop: Coop, pool, clock: FixedClock
) -> None:
    await signed_in_trustee(client, coop)
    ewan = await admitted(client, coop, "Ewan McAllister", requested_class=MemberClass.PA)
    grace = await admitted(client, coop, "Grace Okafor")
    ewans = await renew_feed_token(pool, ewan, FeedKind.PA, clock.now())
    graces = await renew_feed_token(pool, grace, FeedKind.USER, clock.now())
    assert (await feed_owner(pool, ewans)) is not None

    await settled(client, coop.cease(ewan, Cessation.WITHDRAWAL, on=TODAY, by=uuid4()))
    clock.advance(timedelta(days=3653))  # past the retention period
    await signed_in_trustee_again(client)
    page = await done_and_shown(client, f"/trustees/members/{ewan}/erase", {"confirm": "yes"})
    assert "This person's personal data has been erased." in page

    rows = await pool.fetch("SELECT owner_id, kind FROM care_feed_tokens")
    assert [tuple(r) for r in rows] == [(grace, "user")]  # Ewan's gone; Grace's untouched
    assert await feed_owner(pool, ewans) is None
    assert (await feed_owner(pool, graces)) is not None
