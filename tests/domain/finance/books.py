"""A small care co-op's money for tests: its people, its rates, visits as the care side records them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from coop.clock import UK
from coop.domain.finance.pricing import DeliveredVisit, Outcome
from coop.domain.finance.rates import Side, Tariff, Uplift, When


def person(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"https://coop.example/people/{name}")


# Users who receive care, and the PAs who work for them.
AMIRA, JOSEPH, NKECHI = person("Amira Hassan"), person("Joseph Owen"), person("Nkechi Obi")
DEV, SIOBHAN, TOMASZ = person("Dev Patel"), person("Siobhan Kelly"), person("Tomasz Nowak")
TREASURER = person("Grace Mensah")

UPLIFTS = (
    Uplift(when=When.NIGHT, side=Side.CHARGE, percent=20),  # 22:00 to 07:00
    Uplift(when=When.NIGHT, side=Side.PAY, percent=20),
    Uplift(when=When.WEEKEND, side=Side.CHARGE, pence_per_hour=200),
    Uplift(when=When.WEEKEND, side=Side.PAY, pence_per_hour=100),
    Uplift(when=When.BANK_HOLIDAY, side=Side.CHARGE, percent=50),
    Uplift(when=When.BANK_HOLIDAY, side=Side.PAY, percent=50),
)
# £28.00 an hour charged, £14.80 paid; from October the members' "+50p an hour for PAs".
APRIL = Tariff(
    effective_from=date(2025, 4, 1),
    charge_pence_per_hour=2800,
    pay_pence_per_hour=1480,
    uplifts=UPLIFTS,
)
OCTOBER = Tariff(
    effective_from=date(2025, 10, 1),
    charge_pence_per_hour=2800,
    pay_pence_per_hour=1530,
    uplifts=UPLIFTS,
)
TARIFFS = (APRIL, OCTOBER)

_visits = iter(range(1, 10**9))


def at(day: date, hhmm: str) -> datetime:
    """A UK wall-clock time on ``day`` (not for the ambiguous hour in October)."""
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=UK)


def visit(
    start: datetime,
    end: datetime,
    *,
    user: UUID = AMIRA,
    pa: UUID = DEV,
    outcome: Outcome = Outcome.DELIVERED,
    late_by: timedelta = timedelta(0),
) -> DeliveredVisit:
    """A visit planned for ``start`` to ``end`` and, when delivered, checked in and out then."""
    delivered = outcome is Outcome.DELIVERED
    return DeliveredVisit(
        visit_id=uuid5(NAMESPACE_URL, f"https://coop.example/visits/{next(_visits)}"),
        user_id=user,
        pa_id=pa,
        planned_start=start,
        planned_end=end,
        outcome=outcome,
        actual_start=start + late_by if delivered else None,
        actual_end=end + late_by if delivered else None,
    )
