"""The demo co-op's two years, in the order they happened.

The co-op moved its old membership spreadsheet into coop two years ago (some
of those members had long since left; one who died in 2014 has since been
erased), then admitted members month by month: users, carers and PAs, a few
refused, a PA who became a carer, carers linked to the users they support,
members who left, trustees elected and standing down, an AGM with its ballots,
and this year's surplus ballot, open now. Since the first AGM in coop, a year
ago, the co-op's care has run on it too: every visit, week by week, and next
week's rota (``care``); and its books (``finance``): the rates, the treasurer's
ledger and the first period in coop, closed, whose declared surplus the ballot
shares out.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from coop.application import Coop
from coop.clock import FixedClock
from coop.demo import finance, governance, membership
from coop.demo.care import DemoCare
from coop.demo.days import Days
from coop.demo.people import PEOPLE
from coop.domain.claims import Claim, claim_id
from coop.web.accounts.passwords import hash_password

TRUSTEE_EMAIL = "grace.okafor@example.org"


def demo_exists(coop: Coop) -> bool:
    """Whether this database already holds the demo co-op."""
    return claim_id(coop.secret_key, "account-email", TRUSTEE_EMAIL) in coop.repository


def build_demo(coop: Coop, now: datetime | None = None) -> str:
    """Create the demo co-op (or, if it exists, a new trustee password); returns the password."""
    password = secrets.token_urlsafe(12)
    if demo_exists(coop):
        claim: Claim = coop.repository.get(
            claim_id(coop.secret_key, "account-email", TRUSTEE_EMAIL)
        )
        coop.change_password(claim.claimant, hash_password(password))
        return password
    real_clock = coop.clock
    start = (now or datetime.now(UTC)) - timedelta(days=730)
    clock = FixedClock(start)
    coop.clock = clock
    try:
        _two_years(coop, Days(clock, start), password)
    finally:
        coop.clock = real_clock
    return password


def _two_years(coop: Coop, days: Days, password: str) -> None:
    ids = membership.bring_in_the_old_spreadsheet(coop)
    trustee = coop.open_account(
        name=PEOPLE[0][0],
        email=TRUSTEE_EMAIL,
        password_hash=hash_password(password),
        roles=(),
        member_id=ids[0],
    ).subject
    governance.adopt_rules(coop, trustee)
    membership.elect_the_founders(coop, ids, trustee)
    by_name = membership.admit_month_by_month(coop, days, ids, trustee)
    days.go_to(300)
    membership.link_carers(coop, by_name)
    governance.last_years_agm(coop, days, trustee, by_name)
    days.go_to(365)
    membership.first_agm_in_coop(coop, ids, by_name, trustee)
    care = DemoCare(coop, days, by_name, {PEOPLE[0][0]: trustee})
    period = finance.open_the_books(coop, days, trustee, care.joy)
    care.begin()
    care.deliver(until=430)
    days.go_to(430)
    membership.robert_chooses_his_own_pa(coop, by_name)
    care.deliver(until=500)
    days.go_to(500)
    membership.changes_of_life(coop, days, by_name, trustee)
    care.deliver(until=560)
    membership.members_leave(coop, days, by_name, trustee)
    care.deliver(until=730)
    days.go_to(705)
    membership.erase_dorothy(coop, trustee)
    membership.applications_waiting(coop, days)
    days.go_to(730 - 22)
    finance.keep_the_ledger(coop, period, care.joy)
    declared = finance.close_the_year(coop, days, period, trustee)
    days.go_to(730)
    care.rota_ahead()
    governance.open_surplus_ballot(coop, days.clock, trustee, by_name, period, declared)
