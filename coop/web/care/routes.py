"""The care context's routes, grouped by who may use them (each rule said once).

Which visit, plan or diary a person may touch is decided on the write side
(``coop.commands.care.access``) and, for reads, by the page that shows it; the
groups here only say who may reach the route at all.
"""

from __future__ import annotations

from litestar import Router

from coop.web import api as json_api
from coop.web.auth import ANYONE, allow
from coop.web.care import (
    api,
    booking,
    feeds,
    my_visits,
    notes,
    office_board,
    office_booking,
    office_fill,
    office_skills,
    office_visit,
    pa_availability,
    pa_rota,
    pa_visit,
    plans,
)

# Users and carers: booking, upcoming visits, changing and cancelling, notes, plans.
_users_and_carers: list[Router] = [
    Router(
        path="/",
        opt=allow("user", "carer"),
        route_handlers=[
            booking.book_form,
            booking.book_easy_read,
            booking.book,
            my_visits.my_visits,
            my_visits.my_visits_easy_read,
            my_visits.visit_page,
            my_visits.change_form,
            my_visits.change,
            my_visits.cancel_form,
            my_visits.cancel,
            notes.visit_notes,
            notes.notes_read,
            plans.plan_page,
            plans.plan_form,
            plans.change_plan,
        ],
    )
]

# Personal Assistants: the week's rota, requests, availability, on the day, notes.
_pas: list[Router] = [
    Router(
        path="/",
        opt=allow("pa"),
        route_handlers=[
            pa_rota.rota,
            pa_rota.requests,
            pa_rota.accept,
            pa_rota.decline,
            pa_availability.availability,
            pa_availability.set_pattern,
            pa_availability.add_exception,
            pa_availability.withdraw_exception,
            pa_visit.visit_page,
            pa_visit.check_in,
            pa_visit.check_out,
            pa_visit.write_note,
        ],
    )
]

# Coordinators: the day board, booking for anyone, reassigning, filling next week.
_office: list[Router] = [
    Router(
        path="/",
        opt=allow("coordinator"),
        route_handlers=[
            office_board.board,
            office_booking.booking_form,
            office_booking.book,
            office_visit.visit_page,
            office_visit.offer,
            office_visit.confirm,
            office_visit.reassign,
            office_fill.proposal,
            office_fill.confirm_all,
            office_skills.pas,
            office_skills.skills_form,
            office_skills.set_skills,
        ],
    )
]

# The care part of the JSON API, grouped as the pages are.
_api = Router(
    path=f"{json_api.PATH}/care",
    tags=("care",),
    route_handlers=[
        # Anyone in care: a visit and its notes (which one is theirs: decided per visit).
        Router(
            path="/",
            opt=allow("user", "carer", "pa", "coordinator"),
            route_handlers=[api.one_visit, api.read_notes],
        ),
        # Users, their carers and the office: booking, moving, cancelling, plans.
        Router(
            path="/",
            opt=allow("user", "carer", "coordinator"),
            route_handlers=[
                api.request_visit,
                api.reschedule,
                api.cancel,
                api.set_plan,
                api.upcoming,
                api.who_read_notes,
            ],
        ),
        # PAs answer their offers.
        Router(path="/", opt=allow("pa"), route_handlers=[api.accept, api.decline]),
        # PAs (or the office for them): on the day, notes, availability, the week.
        Router(
            path="/",
            opt=allow("pa", "coordinator"),
            route_handlers=[
                api.check_in,
                api.check_out,
                api.complete,
                api.write_note,
                api.availability,
                api.set_availability,
                api.add_exception,
                api.withdraw_exception,
                api.week,
            ],
        ),
        # The office: offering, confirming, reassigning, skills, the day board, matching.
        Router(
            path="/",
            opt=allow("coordinator"),
            route_handlers=[
                api.offer,
                api.confirm,
                api.reassign,
                api.set_skills,
                api.board,
                api.candidates,
            ],
        ),
    ],
)

# Calendar feeds (a secret URL each) and the care part of the JSON API.
_feeds_and_api: list[Router] = [
    # The feed's secret is its key; its owner (a user or a PA) gets, renews or stops it.
    Router(path="/", opt=allow(ANYONE), route_handlers=[feeds.feed]),
    Router(
        path="/",
        opt=allow("user", "pa"),
        route_handlers=[feeds.my_calendar, feeds.renew, feeds.revoke],
    ),
    _api,
]

# The care context's routes, for ``create_app``.
router = Router(path="/", route_handlers=[*_users_and_carers, *_pas, *_office, *_feeds_and_api])
