"""Loading care's aggregates for a command: visits, diaries and their pages, and the people."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from coop.commands.care.people import People
from coop.domain.care.books import PaBook, UserBook
from coop.domain.care.diaries import NoPlan, PaDiary, UserDiary, pa_diary_id, user_diary_id
from coop.domain.care.errors import VisitNotFound
from coop.domain.care.times import Interval
from coop.domain.care.visits import Visit
from coop.domain.care.weeks import Pages, Week, mondays, week_id


class CareLoads(People):
    """The people, and care's aggregates; forged or unknown ids are refused as not found."""

    def visit(self, visit_id: UUID) -> Visit:
        visit = self._get(Visit, visit_id)
        if visit is None:
            raise VisitNotFound()
        return visit

    def user_diary(self, user_id: UUID, user: str) -> UserBook:
        """The user's diary: it exists once they have a plan, and visits need one."""
        diary = self._get(UserDiary, user_diary_id(user_id))
        if diary is None or diary.plan is None:
            raise NoPlan(user)
        return UserBook(diary, self._pages(user_id))

    def pa_diary(self, pa_id: UUID) -> PaBook:
        """The PA's diary, or a new empty one (saved only if something is recorded in it)."""
        diary = self._get(PaDiary, pa_diary_id(pa_id)) or PaDiary(pa_id=pa_id)
        return PaBook(diary, self._pages(pa_id))

    def pa_diary_of(self, visit: Visit) -> PaBook | None:
        """The diary of the visit's PA, if it has one."""
        return None if visit.pa_id is None else self.pa_diary(visit.pa_id)

    def prefetch_diaries(
        self,
        *intervals: Interval,
        user_id: UUID,
        pa_id: UUID | None = None,
        buffer_minutes: int = 0,
    ) -> None:
        """At once, what a step on a visit at these times reads: the user's and the PA's
        names, diaries and the pages near the times (more are read if needed)."""
        gap = timedelta(minutes=buffer_minutes)
        ids = [user_id, user_diary_id(user_id)]
        ids += [week_id(user_id, m) for i in intervals for m in mondays(i)]
        if pa_id is not None:
            ids += [pa_id, pa_diary_id(pa_id)]
            ids += [week_id(pa_id, m) for i in intervals for m in mondays(i, gap)]
        self.prefetch(*dict.fromkeys(ids))

    def _pages(self, owner_id: UUID) -> Pages:
        return Pages(owner_id, lambda page_id: self._get(Week, page_id))
