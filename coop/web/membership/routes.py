"""The membership context's routes, grouped by who may use them (each rule said once).

Applying; the trustees' applications, members administration, importing and
registers; members' own pages and carer links; and the API's membership part.
"""

from __future__ import annotations

from litestar import Router

from coop.web import api as json_api
from coop.web.auth import ANYONE, SIGNED_IN, TRUSTEES, allow
from coop.web.membership import (
    api,
    applications,
    applying,
    importing,
    member_changes,
    member_records,
    my_carers,
    my_membership,
    register_renders,
    registers,
)

_for_anyone = Router(
    path="/",
    opt=allow(ANYONE),
    route_handlers=[applying.apply_form, applying.apply, applying.received],
)

# Anyone signed in, former members too: their own data, and the page after leaving.
_for_anyone_signed_in = Router(
    path="/",
    opt=allow(SIGNED_IN),
    route_handlers=[
        my_membership.membership,
        my_membership.data_page,
        my_membership.data_download,
        my_membership.left,
    ],
)

_for_members = Router(
    path="/",
    opt=allow("member"),  # current members only
    route_handlers=[
        my_membership.details_form,
        my_membership.update_details,
        my_membership.share,
        my_membership.leave_form,
        my_membership.leave,
    ],
)

_carer_links = Router(
    path="/",
    route_handlers=[
        Router(path="/", opt=allow("user", "carer"), route_handlers=[my_carers.carers]),
        Router(path="/", opt=allow("carer"), route_handlers=[my_carers.ask, my_carers.ask_again]),
        Router(
            path="/",
            opt=allow("user"),
            route_handlers=[my_carers.consent, my_carers.decline, my_carers.withdraw],
        ),
    ],
)

_for_trustees = Router(
    path="/",
    opt=TRUSTEES,
    route_handlers=[
        applications.applications,
        applications.admit,
        applications.refuse_form,
        applications.refuse,
        member_records.members,
        member_records.record,
        member_changes.class_form,
        member_changes.change_class,
        member_changes.property_form,
        member_changes.record_property,
        member_changes.end_form,
        member_changes.end_membership,
        member_changes.share_form,
        member_changes.settle_share,
        member_changes.office_form,
        member_changes.take_office,
        member_changes.stand_down_form,
        member_changes.stand_down,
        member_changes.erase_form,
        member_changes.erase,
        importing.import_form,
        importing.import_members,
    ],
)

# The registers, as the law allows: the trustees keep them and the auditor reads them.
_register_readers = Router(
    path="/",
    opt=allow(*registers.READERS),
    route_handlers=[
        registers.register,
        registers.register_csv,
        register_renders.register_pdf,
        registers.trustees_register,
        registers.trustees_register_csv,
        register_renders.trustees_register_pdf,
    ],
)

_api = Router(
    path=json_api.PATH,
    tags=json_api.TAGS,
    route_handlers=[
        Router(path="/", opt=allow(ANYONE), route_handlers=[api.apply]),
        Router(
            path="/",
            opt=TRUSTEES,
            route_handlers=[
                api.awaiting,
                api.one,
                api.admit,
                api.refuse,
                api.register,
                api.trustees_register,
            ],
        ),
    ],
)

router = Router(
    path="/",
    route_handlers=[
        _for_anyone,
        _for_anyone_signed_in,
        _for_members,
        _carer_links,
        _for_trustees,
        _register_readers,
        _api,
    ],
)
