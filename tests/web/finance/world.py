"""A small care co-op's money over HTTP: a trustee, the treasurer and two PAs who sign in,
the 2025 to 2026 year with care delivered in June 2025, a grant and the rent."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple
from uuid import UUID

import httpx

from coop.application import Coop
from coop.domain.accounts import Role
from coop.domain.finance.ledger import Category
from coop.domain.membership.member_details import MemberClass, Office
from tests.app.finance.world import JOSEPH, a_year_open, cancel_late, deliver, miss
from tests.web.accounts.outbox_helpers import another_browser
from tests.web.governance.test_ballots_pages import PASSWORD_HASH, join
from tests.web.helpers import sign_in

TRUSTEE = "nia.campbell@example.org"
TREASURER = "farah.ali@example.org"
DEV_EMAIL = "dev.patel@example.org"
SIOBHAN_EMAIL = "siobhan.kelly@example.org"


class Books(NamedTuple):
    period: UUID
    dev: UUID  # a PA (member id)
    siobhan: UUID  # another PA
    treasurer: UUID  # account id


def _office(coop: Coop, name: str, email: str, roles: tuple[Role, ...]) -> UUID:
    return coop.open_account(
        name=name, email=email, password_hash=PASSWORD_HASH, roles=roles
    ).subject


def a_year_of_care(coop: Coop) -> Books:
    """Rules, rates and the year open; a fortnight of care in June 2025; a grant and rent."""
    people, period = a_year_open(coop)
    trustee = join(coop, "Nia Campbell", MemberClass.USER)
    coop.take_office(trustee, Office.TRUSTEE, by=people.trustee, reference="AGM 2025")
    treasurer = _office(coop, "Farah Ali", TREASURER, (Role.COORDINATOR, Role.TREASURER))
    dev = join(coop, "Dev Patel", MemberClass.PA)
    siobhan = join(coop, "Siobhan Kelly", MemberClass.PA)
    deliver(coop, date(2025, 6, 10), "09:00", 60, pa=dev)  # Tuesday: £28 charged, £14.80 paid
    deliver(coop, date(2025, 6, 14), "10:00", 120, user=JOSEPH, pa=siobhan)  # Saturday
    cancel_late(coop, date(2025, 6, 11), "14:00", 60, pa=dev)  # half the charge
    miss(coop, date(2025, 6, 12), "09:00", 60, pa=dev)  # neither charged nor paid
    coop.record_entry(
        period,
        on=date(2025, 4, 14),
        category=Category.GRANT,
        amount_pence=500_000,
        reference="Community Fund award 0042",
        by=treasurer,
    )
    return Books(period, dev, siobhan, treasurer)


async def caught_up(client: httpx.AsyncClient, coop: Coop) -> None:
    s = client.app.state["services"]  # type: ignore[attr-defined]
    await s.seen(coop.recorder.max_notification_id() or 0, "finance", "members", "accounts")


async def signed_in(client: httpx.AsyncClient, email: str) -> httpx.AsyncClient:
    """A browser of its own on the same app, signed in as ``email``."""
    other = another_browser(client)
    other.app = client.app  # type: ignore[attr-defined]
    assert (await sign_in(other, email)).status_code == 303
    return other
