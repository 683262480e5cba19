"""The demo's calendar: days counted from two years ago, on the co-op's own clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from coop.clock import FixedClock


class Days:
    """Moves the demo's clock to day N of its two years."""

    def __init__(self, clock: FixedClock, start: datetime) -> None:
        self.clock = clock
        self.start = start

    def go_to(self, day: int) -> None:
        self.clock.set(self.start + timedelta(days=day))

    def today(self) -> date:
        return self.clock.now().date()

    def minute(self, item: int) -> str:
        """The board minute of this month's meeting, item ``item``."""
        return f"Board meeting {self.clock.now():%B %Y}, item {item}"
