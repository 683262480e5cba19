"""What the JSON API's handlers share (they live in their contexts: accounts/api.py,
membership/api.py, each mounted under /api by its context's router).

Authentication is by bearer token only (POST /api/tokens), never by cookie,
so a browser cannot be tricked into acting through it.
"""

from __future__ import annotations

from collections.abc import Sequence

from coop.web.forms import Checked
from coop.web.problems import Problem

PATH = "/api"
TAGS: Sequence[str] = ("coop",)


def checked_or_problem(checked: Checked) -> None:
    """Refuse what was sent, field by field, unless it checked out."""
    if not checked.ok:
        raise Problem(422, "Check the details you sent", checked.errors)
