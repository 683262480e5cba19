"""The demo co-op's care: a year of visits delivered through the real commands, and next
week's rota, part filled, with open requests waiting for a PA.

Each user has a regular week (the same days and times, a regular PA and a
second PA who covers). From the first AGM in coop (day 365) their visits are
asked for at the start of each week, accepted by the PA, and on the day the PA
checks in and out (now and then late, with a reason), writes a note on some,
and the visit is completed. A few are cancelled late (chargeable), one is
missed, and Ewan's fortnight of leave goes to Joseph. People who leave the
co-op stop having visits. Joy, the office's coordinator, records skills.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from uuid import UUID

import msgspec

from coop.application import Coop
from coop.clock import UK, FixedClock
from coop.demo.days import Days
from coop.domain.accounts import Role
from coop.domain.care.availability import ExceptionKind, WeeklyPattern, Window
from coop.domain.care.plans import Place, SupportPlan
from coop.domain.care.tasks import Task

# name: (skills, works Saturday mornings too)
PAS: dict[str, tuple[tuple[str, ...], bool]] = {
    "Ewan McAllister": (("personal_care", "medication"), False),
    "Marcus Boateng": (("personal_care", "medication", "hoist"), False),
    "Aisha Begum": (("driving",), False),
    "Callum Fraser": (("personal_care", "medication", "hoist"), False),
    "Joseph Adeyemi": (("personal_care", "medication"), False),
    "Laura Jenkins": (("personal_care", "medication"), False),
    "Nadia Kowalski": (("personal_care",), False),
    "Kieran Doyle": (("driving",), False),
    "Bethany Shaw": (("personal_care", "medication", "hoist"), False),
    "Olivia Turner": (("personal_care", "driving"), True),
    "Zoe Marsden": (("personal_care", "medication"), True),
}


class Slot(msgspec.Struct, frozen=True):
    """A regular visit: weekday (0 is Monday), start, minutes."""

    weekday: int
    start: time
    minutes: int


class Care(msgspec.Struct, frozen=True):
    """A user's regular week: tasks, their PA and the PA who covers, who books."""

    tasks: tuple[str, ...]
    pa: str
    cover: str
    slots: tuple[Slot, ...]
    booker: str | None = None  # a carer the user consents to; else the user


def _slots(days: tuple[int, ...], hh: int, mm: int, minutes: int) -> tuple[Slot, ...]:
    return tuple(Slot(d, time(hh, mm), minutes) for d in days)


USERS: dict[str, Care] = {
    "Grace Okafor": Care(
        ("personal_care", "medication"),
        "Ewan McAllister",
        "Joseph Adeyemi",
        _slots((0, 2, 4), 9, 0, 60),
    ),
    "Tom Whitfield": Care(
        ("personal_care", "meals"), "Ewan McAllister", "Joseph Adeyemi", _slots((1, 3), 9, 0, 90)
    ),
    "Siobhan Kelly": Care(
        ("personal_care", "meals"),
        "Marcus Boateng",
        "Laura Jenkins",
        _slots((0, 3), 10, 30, 60),
        "Priya Raman",
    ),
    "Daniel Novak": Care(
        ("companionship", "shopping"), "Marcus Boateng", "Laura Jenkins", _slots((1, 4), 14, 0, 120)
    ),
    "Robert Clarke": Care(
        ("driving", "shopping"), "Aisha Begum", "Olivia Turner", _slots((2,), 11, 0, 180)
    ),
    "Margaret Holt": Care(
        ("personal_care", "medication", "hoist"),
        "Callum Fraser",
        "Bethany Shaw",
        _slots((0, 2, 4), 13, 0, 60),
        "Hannah Lewis",
    ),
    "Imran Hussain": Care(
        ("meals", "companionship"), "Nadia Kowalski", "Olivia Turner", _slots((1, 3), 11, 0, 60)
    ),
    "Peter Walsh": Care(
        ("domestic", "shopping"), "Kieran Doyle", "Zoe Marsden", _slots((0, 3), 15, 0, 60)
    ),
    "Ruth Ogunleye": Care(
        ("personal_care",), "Laura Jenkins", "Zoe Marsden", _slots((1, 4), 9, 30, 60)
    ),
    "Yusuf Ali": Care(
        ("companionship",), "Olivia Turner", "Bethany Shaw", _slots((2, 5), 10, 0, 90)
    ),
    "Graham Pickles": Care(
        ("meals", "medication"), "Bethany Shaw", "Zoe Marsden", _slots((0, 2), 16, 30, 60)
    ),
    "Arthur Needham": Care(
        ("personal_care", "medication"),
        "Zoe Marsden",
        "Joseph Adeyemi",
        _slots((1, 3, 5), 12, 0, 60),
    ),
}
# Who stops having (or giving) visits from a day on: a PA who became a carer,
# members who left (their leaving is recorded in the story before later visits).
LEAVES = {"Callum Fraser": 500, "Nadia Kowalski": 560, "Kieran Doyle": 560, "Arthur Needham": 560}
EWANS_LEAVE = (540, 554)  # days of the story: a fortnight in the summer
MISSED = ("Peter Walsh", 640)  # his first visit from this day on is missed: nobody comes
# Not an argon2 hash, so it matches no password: the demo's people sign in only
# once they set one (a password reset), except the demo trustee.
NO_PASSWORD = "!"  # noqa: S105
NOTES = (
    "All well; lunch prepared and left in the fridge.",
    "Tablets taken on time. In good spirits.",
    "A little tired today; we took it slowly.",
    "Went to the shops together; receipts on the table.",
)


class DemoCare:
    """The office's coordinator, everyone's accounts, and the year as it goes."""

    def __init__(self, coop: Coop, days: Days, by_name: dict[str, UUID], accounts: dict[str, UUID]):
        self.coop, self.days, self.by_name, self.accounts = coop, days, by_name, accounts
        self.clock = days.clock
        assert isinstance(self.clock, FixedClock)
        self.joy = coop.open_account(
            name="Joy Adeyemi",
            email="joy.adeyemi@example.org",
            password_hash=NO_PASSWORD,
            roles=(Role.COORDINATOR,),
        ).subject
        self.done_until = 365
        self.visits: dict[str, int] = {}  # each user's visits so far
        self.rngs: dict[str, random.Random] = {}
        self.missed: set[str] = set()

    def account(self, name: str) -> UUID:
        """The person's sign-in, opened the first time it is needed (password unset)."""
        if name not in self.accounts:
            self.accounts[name] = self.coop.open_account(
                name=name,
                email=name.lower().replace(" ", ".") + "@example.org",
                password_hash=NO_PASSWORD,
                roles=(),
                member_id=self.by_name[name],
            ).subject
        return self.accounts[name]

    # Day 365: care moves into coop --------------------------------------------------

    def begin(self) -> None:
        """The PAs' weeks and skills, the users' plans; Ewan books his summer leave."""
        for name in (*PAS, *USERS, "Priya Raman", "Hannah Lewis"):
            self.account(name)
        today = self.days.today()
        for name, (skills, saturdays) in PAS.items():
            self.coop.set_skills(self.by_name[name], skills, by=self.joy)
            windows = [Window(d, 8 * 60, 18 * 60) for d in range(5)]
            windows += [Window(5, 9 * 60, 14 * 60)] if saturdays else []
            pattern = WeeklyPattern(starts_on=today, windows=tuple(windows))
            self.coop.set_availability(self.by_name[name], pattern, by=self.account(name))
        first, last = (self._day(d) for d in EWANS_LEAVE)
        self.coop.add_availability_exception(
            self.by_name["Ewan McAllister"],
            ExceptionKind.LEAVE,
            datetime.combine(first, time(), tzinfo=UK),
            datetime.combine(last, time(), tzinfo=UK),
            by=self.account("Ewan McAllister"),
        )
        for n, (name, care) in enumerate(USERS.items()):
            weekly = sum(s.minutes for s in care.slots)
            plan = SupportPlan(
                funded_minutes_a_week=weekly + 60,
                tasks=tuple(Task(t) for t in care.tasks),
                preferred=(self.by_name[care.pa], self.by_name[care.cover]),
                not_wanted=(self.by_name["Kieran Doyle"],) if name == "Siobhan Kelly" else (),
            )
            place = Place(address=f"{20 + n} Chapel Street\nLeeds", postcode="LS8 2AB")
            self.coop.set_support_plan(
                self.by_name[name], plan, place, by=self.account(care.booker or name)
            )

    # Week by week -----------------------------------------------------------------------

    def deliver(self, until: int) -> None:
        """Every visit from where care left off up to day ``until`` of the story.

        Each user's weeks run in a thread of their own, on their own time, as
        an office's many phones would: their saves then share commits (the
        group commit), which keeps a year of visits to seconds.
        """
        first, end, stop = self._day(self.done_until), self._day(until), self._instant(until)
        clock = ThreadClock(self.clock)
        self.coop.clock = clock
        try:
            with ThreadPoolExecutor(len(USERS)) as threads:
                list(threads.map(lambda name: self._weeks(name, first, end, stop, clock), USERS))
        finally:
            self.coop.clock = self.clock
        self.done_until = until

    def _weeks(self, name: str, day: date, end: date, stop: datetime, clock: ThreadClock) -> None:
        """The user's visits in [day, end): asked for each Monday, accepted, then the days."""
        while day < end:
            chunk_end = min(day + timedelta(days=7 - day.weekday()), end)
            clock.set(datetime.combine(day, time(0, 5), tzinfo=UK))
            visits = [self._book(name, d, slot) for d, slot in self._due(name, day, chunk_end)]
            steps = [step for visit in visits for step in self._on_the_day(name, visit)]
            for when, _, _, act in sorted(steps, key=lambda step: step[:3]):
                if when >= stop:
                    return
                clock.set(when)
                act()
            day = chunk_end

    def _due(self, name: str, first: date, end: date) -> Iterator[tuple[date, Slot]]:
        """The user's regular visits on the days of [first, end) while they are a member."""
        day = first
        while day < end and self._current(name, day):
            for slot in USERS[name].slots:
                if slot.weekday == day.weekday():
                    yield day, slot
            day += timedelta(days=1)

    def _book(self, name: str, day: date, slot: Slot) -> BookedVisit:
        """The user (or their carer) asks for the visit from their PA, who accepts."""
        care = USERS[name]
        pa = care.pa if self._works(care.pa, day) else care.cover
        visit = self.coop.request_visit(
            self.by_name[name],
            day=day,
            start=slot.start,
            minutes=slot.minutes,
            tasks=care.tasks,
            pa_id=self.by_name[pa],
            by=self.account(care.booker or name),
        ).subject
        self.coop.accept_visit(visit, by=self.account(pa))
        start = datetime.combine(day, slot.start, tzinfo=UK)
        return BookedVisit(
            visit, self.account(care.booker or name), self.account(pa), start, slot.minutes
        )

    def _on_the_day(self, name: str, visit: BookedVisit) -> list[Step]:
        """What happens to one visit, as (when, order, visit, action)."""
        coop, v, by, start = self.coop, visit.visit_id, visit.pa, visit.start
        n = self.visits[name] = self.visits.get(name, 0) + 1
        if n % 97 == 50:  # unwell on the day: a late, chargeable cancellation
            return [(start - timedelta(hours=3), 0, v, lambda: coop.cancel_visit(v, reason="Unwell today", by=visit.booker))]  # fmt: skip
        if name == MISSED[0] and start >= self._instant(MISSED[1]) and name not in self.missed:
            self.missed.add(name)  # nobody comes, and the scheduler notices
            return [(start + timedelta(minutes=31), 0, v, lambda: coop.mark_missed(v))]
        rng = self.rngs.setdefault(name, random.Random(name))
        late = n % 23 == 0
        arrive = start + timedelta(minutes=25 if late else rng.randint(-5, 10))
        leave = start + timedelta(minutes=visit.minutes + rng.randint(-5, 5))
        reason = "Traffic on the ring road" if late else ""
        steps: list[Step] = [
            (arrive, 1, v, lambda: coop.check_in(v, reason=reason, by=by)),
            (leave, 3, v, lambda: coop.check_out(v, by=by)),
            (leave, 4, v, lambda: coop.complete_visit(v, by=by)),
        ]
        if n % 3 == 0:
            note = NOTES[n % len(NOTES)]
            steps.append((leave, 2, v, lambda: coop.write_visit_note(v, note, by=by)))
        return steps

    # Next week: the rota ahead, part filled ---------------------------------------------

    def rota_ahead(self) -> None:
        """Now: the rest of this week booked, and next week asked for, part filled and part open."""
        today = self.days.today()
        monday = today + timedelta(days=7 - today.weekday())
        ahead = [
            (day, slot.start, name, slot)
            for name in USERS
            for day, slot in self._due(name, today + timedelta(days=1), monday + timedelta(days=7))
        ]
        for n, (day, _, name, slot) in enumerate(sorted(ahead)):
            care = USERS[name]
            if day < monday or n % 3:
                self._book(name, day, slot)
                continue
            visit = self.coop.request_visit(
                self.by_name[name], day=day, start=slot.start, minutes=slot.minutes,
                tasks=care.tasks, by=self.account(care.booker or name),
            ).subject  # fmt: skip
            pas = [self.by_name[p] for p in (care.pa, care.cover) if self._works(p, day)]
            if pas:
                self.coop.offer_visit(visit, pas, by=self.joy)

    # The calendar ---------------------------------------------------------------------------

    def _instant(self, day: int) -> datetime:
        return self.days.start + timedelta(days=day)

    def _day(self, day: int) -> date:
        return self._instant(day).astimezone(UK).date()

    def _current(self, name: str, day: date) -> bool:
        return name not in LEAVES or day < self._day(LEAVES[name])

    def _works(self, pa: str, day: date) -> bool:
        first, last = (self._day(d) for d in EWANS_LEAVE)
        on_leave = pa == "Ewan McAllister" and first <= day < last
        return self._current(pa, day) and not on_leave


class BookedVisit(msgspec.Struct, frozen=True):
    """A visit booked this week: who booked it, its PA's account, when."""

    visit_id: UUID
    booker: UUID
    pa: UUID
    start: datetime
    minutes: int


Step = tuple[datetime, int, UUID, Callable[[], object]]


class ThreadClock:
    """Each thread's own time, else the demo's: users' weeks are delivered side by side."""

    def __init__(self, base: FixedClock) -> None:
        self.base = base
        self.local = threading.local()

    def now(self) -> datetime:
        at: datetime | None = getattr(self.local, "at", None)
        return at or self.base.now()

    def set(self, at: datetime) -> None:
        self.local.at = at
