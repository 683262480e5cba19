"""The finance context's routes, grouped by who may use them (each rule said once)."""

from __future__ import annotations

from litestar import Router

from coop.web import api as json_api
from coop.web.auth import TRUSTEES, allow
from coop.web.finance import (
    api,
    api_ledger,
    commitments,
    ledger,
    pay,
    periods,
    rates,
    surplus,
)

# Who keeps and oversees the books: the treasurer and the trustees.
BOOKKEEPERS = ("treasurer", "trustee", "secretary")

# The treasurer (a coordinator with the duty): recording entries and reversing them.
_treasurer = Router(
    path="/",
    opt=allow("treasurer"),
    route_handlers=[
        ledger.entry_form,
        ledger.record_entry,
        ledger.reverse_form,
        ledger.reverse_entry,
        ledger.late_fix_form,
        ledger.record_late_fix,
        commitments.spend_form,
        commitments.spend,
    ],
)

# The trustees: opening and closing periods, declaring the surplus, adopting rates.
_trustees = Router(
    path="/",
    opt=TRUSTEES,
    route_handlers=[
        periods.open_form,
        periods.open_period,
        periods.close_form,
        periods.close_period,
        periods.declare_form,
        periods.declare,
        rates.adopt_form,
        rates.adopt_rates,
    ],
)

# The treasurer and the trustees: the periods' books, the ledger and the exports.
_bookkeepers = Router(
    path="/",
    opt=allow(*BOOKKEEPERS),
    route_handlers=[
        periods.periods_page,
        periods.period_page,
        periods.journal_csv_file,
        periods.journal_beancount_file,
        ledger.ledger_page,
        commitments.commitments_page,
    ],
)

# Members (and the bookkeepers): the rates, and each closed period's surplus.
_members = Router(
    path="/",
    opt=allow("member", *BOOKKEEPERS),
    route_handlers=[
        rates.rates_page,
        surplus.surplus_list,
        surplus.surplus_page,
        surplus.surplus_easy_read,
    ],
)

# A PA's own pay statement (the handler refuses another PA's); the bookkeepers any PA's.
_pay = Router(path="/", opt=allow("pa", *BOOKKEEPERS), route_handlers=[pay.pay_page])
_pas = Router(path="/", opt=allow("pa"), route_handlers=[pay.my_pay])

_api = Router(
    path=json_api.PATH,
    tags=json_api.TAGS,
    route_handlers=[
        Router(
            path="/",
            opt=allow("treasurer"),
            route_handlers=[
                api_ledger.record_entry,
                api_ledger.reverse_entry,
                api_ledger.record_late_fix,
                api_ledger.spend_commitment,
            ],
        ),
        Router(
            path="/",
            opt=TRUSTEES,
            route_handlers=[api.adopt_rates, api.open_period, api.close_period, api.declare],
        ),
        Router(
            path="/",
            opt=allow(*BOOKKEEPERS),
            route_handlers=[
                api.periods_list,
                api.one_period,
                api.journal_as_csv,
                api.journal_as_beancount,
                api_ledger.ledger_lines,
                api_ledger.commitments_list,
            ],
        ),
        Router(
            path="/",
            opt=allow("member", *BOOKKEEPERS),
            route_handlers=[api.rates_list, api.summary, api.surplus_list, api.surplus],
        ),
        Router(path="/", opt=allow("pa", *BOOKKEEPERS), route_handlers=[api.pay]),
        Router(path="/", opt=allow("pa"), route_handlers=[api.my_pay]),
    ],
)

# The finance context's routes, for ``create_app``.
router = Router(
    path="/", route_handlers=[_treasurer, _trustees, _bookkeepers, _members, _pay, _pas, _api]
)
