"""What the JSON API's handlers share (they live in their contexts: accounts/api.py,
membership/api.py, each mounted under /api by its context's router).

Authentication is by bearer token only (POST /api/tokens), never by cookie,
so a browser cannot be tricked into acting through it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated

from litestar.params import QueryParameter

from coop.web.forms import Checked
from coop.web.problems import Problem

PATH = "/api"
TAGS: Sequence[str] = ("coop",)


def checked_or_problem(checked: Checked) -> None:
    """Refuse what was sent, field by field, unless it checked out."""
    if not checked.ok:
        raise Problem(422, "Check the details you sent", checked.errors)


# A date asked for in the query, as the OpenAPI document says it: taken as text and
# checked here, not by Litestar, so the refusal is ours (specific wording, the same
# problem document as the rest of the API); only the documented form is taken.
DateQuery = Annotated[
    str | None,
    QueryParameter(
        description="A date like 2026-11-23 (default today).",
        schema_extra={"format": "date"},
    ),
]
MonthQuery = Annotated[
    str | None,
    QueryParameter(
        description="A month like 2026-11 (default this month).",
        schema_extra={"pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
    ),
]
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_asked(name: str, given: str | None, today: date) -> date:
    """The date asked for in query parameter ``name`` (``today`` if none), or a problem
    naming the format."""
    if given is None:
        return today
    try:
        if not _ISO_DATE.fullmatch(given):
            raise ValueError(given)
        return date.fromisoformat(given)
    except ValueError:
        message = f"{name} must be a date like {today.isoformat()}, not “{given[:40]}”"
        raise Problem(400, "Check the date", {name: message}) from None
