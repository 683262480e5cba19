"""A small care co-op's money over HTTP: a trustee, the treasurer and two PAs who sign in,
the 2025 to 2026 year with care delivered in June 2025, a grant and the rent; and, once
it is closed, the members funding respite breaks from its surplus."""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple
from uuid import UUID

import httpx

from coop.application import Coop
from coop.clock import FixedClock
from coop.domain.accounts import Role
from coop.domain.finance.ledger import Category
from coop.domain.governance.ballots import Elector, Mark
from coop.domain.membership.member_details import MemberClass, Office
from tests.app.finance.test_reinvestment import put_to_members
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


RESPITE = "Respite breaks for carers"


def respite_voted_for(coop: Coop, clock: FixedClock, books: Books, next_year: date) -> UUID:
    """The year closed, £3,000 of its surplus declared, the next year open from
    ``next_year``, and both PAs voting to fund £2,000 of respite breaks. The clock ends
    past the ballot's close (28 days on); the ballot's id, to count and enact."""
    coop.close_period(books.period, minute="Board 2026/05", by=books.treasurer)
    coop.declare_distributable(books.period, pence=300_000, minute="B 6", by=books.treasurer)
    coop.open_period(
        name=f"{next_year.year} to {next_year.year + 1}",
        starts=next_year,
        ends=next_year.replace(year=next_year.year + 1) - timedelta(days=1),
        minute="Board 2026/03",
        by=books.treasurer,
    )
    ballot = put_to_members(coop, clock, books.period, books.treasurer)
    respite = coop.propose_option(
        ballot,
        books.siobhan,
        title=RESPITE,
        description="Weekends away.",
        benefits="carers",
        cost_pence=200_000,
    ).subject
    coop.list_proposal(ballot, respite, by=books.treasurer)
    clock.advance(timedelta(days=14))
    electors = [Elector(books.dev, "pa"), Elector(books.siobhan, "pa")]
    coop.open_ballot(ballot, electors)
    [option] = [o.id for o in coop.repository.get(ballot).options]
    for e in electors:
        coop.cast_vote(ballot, e.member_id, Mark(approvals=(option,)), cast_by=e.member_id)
    clock.advance(timedelta(days=14))
    return ballot


def respite_funded(coop: Coop, clock: FixedClock, books: Books, next_year: date) -> int:
    """As ``respite_voted_for``, counted and enacted (what the scheduler does): the
    commitment is made. The position of the last event."""
    ballot = respite_voted_for(coop, clock, books, next_year)
    coop.close_ballot(ballot)
    return coop.enact_reinvestment(ballot).position


async def caught_up(client: httpx.AsyncClient, coop: Coop) -> None:
    s = client.app.state["services"]  # type: ignore[attr-defined]
    await s.seen(coop.recorder.max_notification_id() or 0, "finance", "members", "accounts")


async def signed_in(client: httpx.AsyncClient, email: str) -> httpx.AsyncClient:
    """A browser of its own on the same app, signed in as ``email``."""
    other = another_browser(client)
    other.app = client.app  # type: ignore[attr-defined]
    assert (await sign_in(other, email)).status_code == 303
    return other
