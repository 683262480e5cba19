"""Finding a PA for a request, and filling a week without breaking any rule."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from uuid import UUID, uuid4

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from coop.domain.care.availability import (
    Availability,
    ExceptionKind,
    WeeklyPattern,
    Window,
    is_available,
)
from coop.domain.care.matching import OpenRequest, PaProfile, WeekPlan, fill_week, rank
from coop.domain.care.rota import Booked, pa_clash
from coop.domain.care.tasks import Task, missing_skills
from coop.domain.care.times import Interval

from .leeds import (
    AISHA,
    ARTHUR,
    EWAN,
    GRACE,
    MARCUS,
    MONDAY,
    SAM,
    SIOBHAN,
    TUESDAY,
    available,
    away,
    visit,
)

CARE = frozenset({Task.PERSONAL_CARE, Task.MEDICATION})


def pa(pa_id: UUID, name: str, *, skills: frozenset[Task] = CARE, held: tuple[Interval, ...] = (),
       availability: Availability | None = None) -> PaProfile:  # fmt: skip
    return PaProfile(
        pa_id=pa_id,
        name=name,
        skills=skills,
        availability=availability or available(),
        held=tuple(Booked(uuid4(), i) for i in held),
    )


def graces(
    interval: Interval, tasks: tuple[Task, ...] = (Task.PERSONAL_CARE,), **kw: object
) -> OpenRequest:
    fields: dict[str, object] = {
        "visit_id": uuid4(),
        "user_id": GRACE,
        "user": "Grace",
        "interval": interval,
        "tasks": tasks,
        "preferred": (AISHA,),
        "not_wanted": frozenset({MARCUS}),
        "known": {EWAN: 12},
    }
    fields.update(kw)
    return OpenRequest(**fields)  # type: ignore[arg-type]


LEEDS_PAS = [
    pa(SAM, "Sam", held=(visit(TUESDAY, 9), visit(MONDAY, 9, 0, 240))),
    pa(EWAN, "Ewan"),
    pa(MARCUS, "Marcus"),
    pa(AISHA, "Aisha", held=(visit(TUESDAY, 11, 10),)),
    pa(uuid4(), "Tom", skills=frozenset({Task.DRIVING})),
    pa(
        uuid4(),
        "Beth",
        availability=available(exceptions=(away(ExceptionKind.LEAVE, TUESDAY, 0, 24),)),
    ),
]


def test_the_pas_who_could_take_a_request_come_best_first_with_their_reasons() -> None:
    ranking = rank(graces(visit(TUESDAY, 13)), LEEDS_PAS, buffer_minutes=15)
    assert [c.name for c in ranking.candidates] == ["Aisha", "Ewan", "Sam"]
    aisha, ewan, sam = ranking.candidates
    assert aisha.reasons == (
        "One of Grace's preferred PAs",
        "Has the skills: personal care",
        "Free from 13:00 to 14:00 on Tuesday 3 March 2026",
        "1 hour booked this week",
    )
    assert ewan.reasons[0] == "Knows Grace: 12 visits before"
    assert sam.reasons[-1] == "5 hours booked this week"
    assert {x.name: x.reason for x in ranking.excluded} == {
        "Beth": "Beth is not available from 13:00 to 14:00 on Tuesday 3 March 2026: they are on leave.",
        "Marcus": "Grace has asked not to have visits from Marcus.",
        "Tom": "Tom is not trained for personal care, which this visit needs.",
    }


def test_a_pa_within_the_travel_buffer_is_left_out_saying_so() -> None:
    ranking = rank(graces(visit(TUESDAY, 10, 10)), LEEDS_PAS, buffer_minutes=15)
    excluded = {x.name: x.reason for x in ranking.excluded}
    assert excluded["Sam"] == (
        "Sam already has a visit from 09:00 to 10:00, and needs 15 minutes to travel between visits."
    )
    assert excluded["Aisha"] == (
        "Aisha already has a visit from 11:10 to 12:10, and needs 15 minutes to travel between visits."
    )
    assert [c.name for c in ranking.candidates] == ["Ewan"]


def test_the_pa_the_user_named_comes_first_and_the_fewest_hours_break_ties() -> None:
    ranking = rank(
        graces(visit(TUESDAY, 14), named_pa=SAM, preferred=(), known={}),
        LEEDS_PAS,
        buffer_minutes=15,
    )
    assert [c.name for c in ranking.candidates] == ["Sam", "Ewan", "Aisha"]
    assert ranking.candidates[0].reasons[0] == "Grace asked for Sam"


def test_tasks_that_need_no_training_can_go_to_any_free_pa() -> None:
    ranking = rank(graces(visit(TUESDAY, 14), tasks=(Task.SHOPPING,)), LEEDS_PAS, buffer_minutes=15)
    assert "Tom" in [c.name for c in ranking.candidates]
    assert "No special skills needed" in ranking.candidates[0].reasons


def test_filling_a_week_prefers_preferred_pas_then_continuity_and_leaves_the_impossible_unfilled() -> (
    None
):
    requests = [
        graces(visit(TUESDAY, 13)),
        graces(visit(TUESDAY, 13, 30), user_id=SIOBHAN, user="Siobhan", preferred=(), known={}),
        graces(visit(date(2026, 3, 4), 10), preferred=(), known={}),
        graces(visit(date(2026, 3, 5), 10), preferred=(), known={}),
        graces(visit(TUESDAY, 20), user_id=ARTHUR, user="Arthur"),  # nobody works evenings
    ]
    plan = fill_week(requests, LEEDS_PAS, buffer_minutes=15)
    by_visit = {a.visit_id: a.pa_id for a in plan.assignments}
    assert by_visit[requests[0].visit_id] == AISHA
    assert by_visit[requests[1].visit_id] not in (AISHA, MARCUS)
    # Wednesday and Thursday go to the same PA: whoever Grace got first, she keeps.
    assert by_visit[requests[2].visit_id] == by_visit[requests[3].visit_id]
    assert [u.visit_id for u in plan.unfilled] == [requests[4].visit_id]
    assert "No PA has the skills and the hours" in plan.unfilled[0].reason
    assert broken(plan, requests, LEEDS_PAS, 15) == []


def test_filling_spreads_hours_when_nothing_else_decides() -> None:
    pas = [pa(uuid4(), name) for name in ("Ade", "Bea", "Cal")]
    requests = [
        graces(
            visit(MONDAY + timedelta(days=d), h),
            user_id=uuid4(),
            preferred=(),
            known={},
            not_wanted=frozenset(),
        )
        for d in range(5)
        for h in (9, 12, 15)
    ]
    plan = fill_week(requests, pas, buffer_minutes=15)
    counts = [sum(a.pa_id == p.pa_id for a in plan.assignments) for p in pas]
    assert sorted(counts) == [5, 5, 5]


# An independent check of every invariant, by brute force -----------------------------


def broken(
    plan: WeekPlan, requests: list[OpenRequest], pas: list[PaProfile], buffer: int
) -> list[str]:
    """Every rule a proposed plan breaks, in words (none, we hope)."""
    problems = []
    by_id = {r.visit_id: r for r in requests}
    profiles = {p.pa_id: p for p in pas}
    assigned = [a.visit_id for a in plan.assignments] + [u.visit_id for u in plan.unfilled]
    if sorted(assigned) != sorted(by_id):
        problems.append("not every request is either assigned or unfilled, once")
    diaries: dict[UUID, list[Booked]] = {p.pa_id: list(p.held) for p in pas}
    for a in plan.assignments:
        r, p = by_id[a.visit_id], profiles[a.pa_id]
        if a.pa_id in r.not_wanted:
            problems.append(f"{p.name} is not wanted by {r.user}")
        if missing_skills(r.tasks, p.skills):
            problems.append(f"{p.name} lacks skills")
        if not is_available(p.availability, r.interval):
            problems.append(f"{p.name} is not available")
        diaries[a.pa_id].append(Booked(a.visit_id, r.interval))
    for pa_id, diary in diaries.items():
        for x, y in itertools.combinations(diary, 2):
            if pa_clash([x], y.interval, buffer) is not None:
                problems.append(f"{profiles[pa_id].name} has two visits within the buffer")
    return problems


START = MONDAY + timedelta(days=7)


@st.composite
def weeks(draw: st.DrawFn) -> tuple[list[OpenRequest], list[PaProfile], int]:
    skills = st.frozensets(st.sampled_from([Task.PERSONAL_CARE, Task.HOIST, Task.DRIVING]))
    pas = []
    for n in range(draw(st.integers(1, 6))):
        windows = tuple(
            Window(d, s * 30, s * 30 + length * 30)
            for d, s, length in draw(
                st.lists(
                    st.tuples(st.integers(0, 6), st.integers(0, 44), st.integers(1, 30)), max_size=8
                )
            )
        )
        leave = tuple(
            away(ExceptionKind.LEAVE, START + timedelta(days=d), 0, 24)
            for d in draw(st.sets(st.integers(0, 6), max_size=2))
        )
        availability = Availability(
            patterns=(WeeklyPattern(starts_on=MONDAY, windows=windows),), exceptions=leave
        )
        pas.append(
            PaProfile(
                pa_id=UUID(int=n + 1),
                name=f"PA {n}",
                skills=draw(skills),
                availability=availability,
            )
        )
    ids = [p.pa_id for p in pas]
    requests = []
    for _ in range(draw(st.integers(0, 30))):
        day = START + timedelta(days=draw(st.integers(0, 6)))
        interval = visit(day, draw(st.integers(6, 21)), draw(st.sampled_from([0, 15, 30, 45])),
                         draw(st.sampled_from([30, 45, 60, 90, 120])))  # fmt: skip
        requests.append(
            OpenRequest(
                visit_id=uuid4(),
                user_id=UUID(int=100 + draw(st.integers(0, 5))),
                user="Someone",
                interval=interval,
                tasks=(*sorted(draw(skills)), Task.MEALS),
                preferred=tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))),
                not_wanted=frozenset(draw(st.sets(st.sampled_from(ids), max_size=1))),
            )
        )
    return requests, pas, draw(st.sampled_from([0, 15, 30]))


@settings(max_examples=150, deadline=None)
@given(weeks())
def test_filling_a_random_week_never_breaks_an_invariant(
    week: tuple[list[OpenRequest], list[PaProfile], int],
) -> None:
    requests, pas, buffer = week
    assert broken(fill_week(requests, pas, buffer_minutes=buffer), requests, pas, buffer) == []


def _could_take(request: OpenRequest, p: PaProfile, buffer: int) -> bool:
    return (
        p.pa_id not in request.not_wanted
        and not missing_skills(request.tasks, p.skills)
        and is_available(p.availability, request.interval)
        and pa_clash(p.held, request.interval, buffer) is None
    )


@settings(max_examples=100, deadline=None)
@given(weeks())
def test_a_ranking_lists_exactly_the_pas_who_could_take_the_request(
    week: tuple[list[OpenRequest], list[PaProfile], int],
) -> None:
    requests, pas, buffer = week
    plan = fill_week(requests, pas, buffer_minutes=buffer)
    placed = {a.visit_id: a.pa_id for a in plan.assignments}
    busy = [  # the same PAs, holding what the fill gave them
        msgspec.structs.replace(
            p,
            held=tuple(
                Booked(r.visit_id, r.interval)
                for r in requests
                if placed.get(r.visit_id) == p.pa_id
            ),
        )
        for p in pas
    ]
    for request in requests[:6]:
        if request.visit_id in placed:
            continue
        ranking = rank(request, busy, buffer_minutes=buffer)
        assert len(ranking.candidates) + len(ranking.excluded) == len(pas)
        assert all(
            _could_take(request, p, buffer)
            for p in busy
            if p.pa_id in {c.pa_id for c in ranking.candidates}
        )
        assert not any(
            _could_take(request, p, buffer)
            for p in busy
            if p.pa_id in {x.pa_id for x in ranking.excluded}
        )
