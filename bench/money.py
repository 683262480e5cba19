"""`coop bench money`: close a year's books of 200,000 visits, in memory (no database).

A made-up but realistic co-op: 300 users and 150 PAs over the year 1 April 2025 to
31 March 2026 (both clock changes, every bank holiday, a pay rise on 1 October),
visits in the morning, at lunch, at tea and in the evening, some night sits, 2 %
cancelled late and 1 % missed, check-ins a few minutes either side of the plan; and
the treasurer's year of grants, rent, insurance, training, wages paid and a reversal.

Timed, as the close will do it: price every visit, journal it with the treasurer's
entries, make the surplus statement and run the closing checks, then close the
period on its aggregate. The median of the repeats is the figure (target ≤ 10 s).
The CSV export is timed too, but is not part of the close.

Then, on a scratch database of the configured server, the same year is written as the
visits' events and closed once through the command itself (``bench.money_close``):
the figure that counts for the issue, as a trustee's close would take it.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from bench.common import median
from bench.money_close import accounts, close_through_the_command
from coop.application import Coop
from coop.clock import UK
from coop.domain.finance.calendar import PeriodCalendar
from coop.domain.finance.closing import closing_checks
from coop.domain.finance.exports import csv_text
from coop.domain.finance.ledger import Category, Entry, journal
from coop.domain.finance.money import pounds
from coop.domain.finance.periods import PeriodTotals, open_period
from coop.domain.finance.pricing import DeliveredVisit, Outcome, PricingRules, price_visits
from coop.domain.finance.rates import Side, Tariff, Uplift, When
from coop.domain.finance.surplus import statement

TARGET = 10.0  # seconds for the whole close, from the issue
STARTS, ENDS = date(2025, 4, 1), date(2026, 3, 31)
USERS, PAS = 300, 150
_UPLIFTS = (
    Uplift(when=When.NIGHT, side=Side.CHARGE, percent=20),
    Uplift(when=When.NIGHT, side=Side.PAY, percent=20),
    Uplift(when=When.WEEKEND, side=Side.CHARGE, pence_per_hour=200),
    Uplift(when=When.WEEKEND, side=Side.PAY, pence_per_hour=100),
    Uplift(when=When.BANK_HOLIDAY, side=Side.CHARGE, percent=50),
    Uplift(when=When.BANK_HOLIDAY, side=Side.PAY, percent=50),
)
TARIFFS = (
    Tariff(
        effective_from=STARTS, charge_pence_per_hour=2800, pay_pence_per_hour=1480, uplifts=_UPLIFTS
    ),
    Tariff(
        effective_from=date(2025, 10, 1),
        charge_pence_per_hour=2800,
        pay_pence_per_hour=1530,
        uplifts=_UPLIFTS,
    ),
)
# (earliest start, latest start, durations in minutes, share of visits)
_SLOTS = (
    ((7, 0), (9, 30), (30, 45, 60, 90), 0.34),
    ((12, 0), (13, 30), (30, 45, 60), 0.22),
    ((16, 0), (17, 30), (30, 45, 60), 0.20),
    ((19, 30), (21, 30), (45, 60, 90, 120), 0.21),
    ((22, 0), (22, 0), (540,), 0.03),  # a night sit, 22:00 to 07:00
)


def made_up_visits(count: int, seed: int = 2025) -> list[DeliveredVisit]:
    """``count`` visits spread over the year, as the care side would hand them over."""
    rng = random.Random(seed)
    users = [UUID(int=rng.getrandbits(128)) for _ in range(USERS)]
    pas = [UUID(int=rng.getrandbits(128)) for _ in range(PAS)]
    days = (ENDS - STARTS).days + 1
    weights = [s[3] for s in _SLOTS]
    visits = []
    for _ in range(count):
        day = STARTS + timedelta(days=rng.randrange(days))
        (h0, m0), (h1, m1), durations, _share = rng.choices(_SLOTS, weights)[0]
        start_minute = rng.randrange(h0 * 60 + m0, h1 * 60 + m1 + 1, 15)
        # The UK wall-clock time, fold=0 on the doubled hour: as the rota would book it.
        start = datetime(day.year, day.month, day.day, tzinfo=UK) + timedelta(minutes=start_minute)
        start = start.replace(tzinfo=None).replace(tzinfo=UK)
        end = start + timedelta(minutes=rng.choice(durations))
        roll = rng.random()
        outcome = (
            Outcome.LATE_CANCELLED
            if roll < 0.02
            else Outcome.MISSED
            if roll < 0.03
            else Outcome.DELIVERED
        )
        delivered = outcome is Outcome.DELIVERED
        visits.append(
            DeliveredVisit(
                visit_id=UUID(int=rng.getrandbits(128)),
                user_id=rng.choice(users),
                pa_id=rng.choice(pas),
                planned_start=start,
                planned_end=end,
                outcome=outcome,
                actual_start=start + timedelta(seconds=rng.randint(-600, 600))
                if delivered
                else None,
                actual_end=end + timedelta(seconds=rng.randint(-600, 900)) if delivered else None,
            )
        )
    return visits


def treasurers_year() -> list[Entry]:
    """A year of grants, rent, insurance, training, wages paid, and one reversal."""
    entries = []
    for month in range(12):
        on = date(2025 + (3 + month) // 12, (3 + month) % 12 + 1, 1)
        for category, pence, ref in (
            (Category.RENT, 95_000, "Landlord"),
            (Category.PAS_PAID, 2_300_000_00 // 12, "Payroll"),
            (Category.USERS_PAID, 4_400_000_00 // 12, "Standing orders"),
        ):
            entries.append(
                Entry(
                    entry_id=uuid4(),
                    on=on,
                    category=category,
                    amount_pence=pence,
                    reference=f"{ref} {on:%b %Y}",
                )
            )
    entries += [
        Entry(
            entry_id=uuid4(),
            on=date(2025, 4, 14),
            category=Category.GRANT,
            amount_pence=2_000_000,
            reference="Community Fund award 0042",
        ),
        Entry(
            entry_id=uuid4(),
            on=date(2025, 5, 2),
            category=Category.INSURANCE,
            amount_pence=310_000,
            reference="Policy 88-1",
        ),
        Entry(
            entry_id=uuid4(),
            on=date(2025, 9, 19),
            category=Category.TRAINING,
            amount_pence=145_000,
            reference="Moving and handling course",
        ),
    ]
    wrong = entries[-2]
    entries.append(
        Entry(
            entry_id=uuid4(),
            on=date(2025, 5, 9),
            category=wrong.category,
            amount_pence=wrong.amount_pence,
            reference=wrong.reference,
            reverses=wrong.entry_id,
            reason="Entered twice",
        )
    )
    return entries


def close_the_year(visits: list[DeliveredVisit], entries: list[Entry]) -> dict[str, float]:
    """Price, journal, summarise, check and close, timing each step."""
    steps: dict[str, float] = {}
    cpu = time.process_time()
    t0 = time.perf_counter()
    pricing = price_visits(visits, TARIFFS, PricingRules(rounding_minutes=0))
    t1 = time.perf_counter()
    books = journal(pricing.visits, entries)
    t2 = time.perf_counter()
    summary = statement(books, starts=STARTS, ends=ENDS, care_minutes=pricing.minutes)
    t3 = time.perf_counter()
    checks = closing_checks(
        (v.visit_id for v in visits if v.outcome is not Outcome.MISSED), pricing, books, summary
    )
    trustee = uuid4()
    period = open_period(PeriodCalendar(), "2025 to 2026", STARTS, ENDS, by=trustee, minute="B1")
    for entry in entries:
        if entry.reverses is None:
            period.record(entry, by=trustee)
        else:
            period.reverse(
                entry.reverses, new_id=entry.entry_id, on=entry.on, reason=entry.reason, by=trustee
            )
    totals = PeriodTotals(
        revenue_pence=summary.revenue_pence,
        costs_pence=summary.costs_pence,
        care_minutes=summary.care_minutes,
        visits=len(pricing.visits),
    )
    period.close(checks, totals, at=datetime(2026, 4, 20, 18, tzinfo=UK), by=trustee, minute="B9")
    t4 = time.perf_counter()
    steps["close_cpu"] = time.process_time() - cpu
    csv_text(books)
    t5 = time.perf_counter()
    steps.update(price=t1 - t0, journal=t2 - t1, statement=t3 - t2, checks_and_close=t4 - t3)
    steps.update(close=t4 - t0, csv=t5 - t4)
    if not all(c.passed for c in checks):
        raise SystemExit(f"the books did not pass their checks: {checks}")
    steps["surplus"] = summary.surplus_pence
    steps["hours"] = summary.care_minutes / 60
    steps["lines"] = sum(len(v.lines) for v in pricing.visits)
    return steps


def run(url: str | None, settings: Any, args: argparse.Namespace) -> int:
    """Close the made-up year ``args.repeats`` times in memory and print the median, then
    once through ``Coop.close_period`` on a scratch database at ``url``; 1 if over target."""
    count = getattr(args, "visits", None) or 200_000
    repeats = getattr(args, "repeats", 3) or 3
    print("coop bench money")
    print(
        f"  machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )
    print(f"  {count:,} visits of {USERS} users and {PAS} PAs, {STARTS} to {ENDS}", flush=True)
    visits, entries = made_up_visits(count), treasurers_year()
    runs = [close_the_year(visits, entries) for _ in range(repeats)]
    last = runs[-1]
    print(
        f"  {last['lines']:,.0f} priced lines, {last['hours']:,.0f} hours of care, surplus {pounds(int(last['surplus']))}"
    )
    for step in ("price", "journal", "statement", "checks_and_close", "csv"):
        print(f"  {step:<17} median {median([r[step] for r in runs]):6.2f} s")
    close = median([r["close"] for r in runs])
    closes = " ".join(f"{r['close']:.2f}" for r in runs)
    cpu = median([r["close_cpu"] for r in runs])
    print(
        f"  close (price + journal + statement + checks), median of {repeats}: {close:.2f} s [{closes}]; target ≤ {TARGET:.0f} s"
    )
    print(
        f"  close, CPU time of this process, median: {cpu:.2f} s (the machine's load moves the wall time)"
    )
    if url is None:
        return 0 if close <= TARGET else 1
    print("  through the command, on a real database:", flush=True)
    found = close_through_the_command(url, visits, _books_of_the_year)
    print(
        f"    log: {found['events']:,.0f} visit events written in {found['written']:.1f} s,"
        f" projected in {found['projected']:.1f} s"
    )
    print(
        f"    reading the period's {found['read_rows']:,.0f} visits from the read model:"
        f" {found['read']:.2f} s"
    )
    print(
        f"    Coop.close_period (wait, read, price, journal, statement, checks, save):"
        f" {found['close']:.2f} s (CPU of this process {found['close_cpu']:.2f} s);"
        f" surplus {pounds(int(found['surplus']))}; target ≤ {TARGET:.0f} s"
    )
    return 0 if found["close"] <= TARGET else 1


def _books_of_the_year(coop: Coop) -> tuple[UUID, UUID]:
    """The rules, the year's two tariffs, the period and the treasurer's entries, commanded."""
    trustee, treasurer = accounts(coop)
    for tariff in TARIFFS:
        coop.adopt_rates(
            effective_from=tariff.effective_from,
            charge_pence_per_hour=tariff.charge_pence_per_hour,
            pay_pence_per_hour=tariff.pay_pence_per_hour,
            uplifts=tariff.uplifts,
            minute=f"Board minute {tariff.effective_from:%Y/%m}",
            by=trustee,
        )
    period = coop.open_period(
        name="2025 to 2026", starts=STARTS, ends=ENDS, minute="Board 2025/03", by=trustee
    ).subject
    recorded: dict[UUID, UUID] = {}
    for e in treasurers_year():
        if e.reverses is None:
            recorded[e.entry_id] = coop.record_entry(
                period,
                on=e.on,
                category=e.category,
                amount_pence=e.amount_pence,
                reference=e.reference,
                by=treasurer,
            ).subject
        else:
            coop.reverse_entry(period, recorded[e.reverses], on=e.on, reason=e.reason, by=treasurer)
    return trustee, period
