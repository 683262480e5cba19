"""The accounts context's routes, grouped by who may use them (each rule said once).

Signing in and out, invitations and password resets, staff roles, the office's
outbox, and the API's bearer tokens.
"""

from __future__ import annotations

from litestar import Router

from coop.web import api as json_api
from coop.web.accounts import api, invitations, outbox, password_resets, signing_in, staff_roles
from coop.web.auth import ANYONE, SIGNED_IN, TRUSTEES, allow

router = Router(
    path="/",
    route_handlers=[
        Router(
            path="/",
            opt=allow(ANYONE),
            route_handlers=[
                signing_in.sign_in_form,
                signing_in.sign_in,
                invitations.invitation_form,
                invitations.accept_invitation,
                password_resets.password_reset_form,
                password_resets.password_reset,
                password_resets.new_password_form,
                password_resets.new_password,
            ],
        ),
        Router(path="/", opt=allow(SIGNED_IN), route_handlers=[signing_in.sign_out]),
        Router(
            path="/",
            opt=TRUSTEES,
            route_handlers=[invitations.invite, staff_roles.roles_form, staff_roles.change_roles],
        ),
        Router(
            path="/",
            opt=allow("coordinator", "trustee", "secretary"),
            route_handlers=[outbox.outbox_page, outbox.outbox_message],
        ),
        Router(
            path=json_api.PATH,
            tags=json_api.TAGS,
            route_handlers=[
                Router(path="/", opt=allow(ANYONE), route_handlers=[api.token]),
                Router(path="/", opt=allow(SIGNED_IN), route_handlers=[api.revoke]),
            ],
        ),
    ],
)
