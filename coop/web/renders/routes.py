"""The routes of documents made in the background: anyone signed in reaches them, and
each job is shown only to the readers of its kind (coop/web/renders/asking.py)."""

from __future__ import annotations

from litestar import Router

from coop.web.auth import SIGNED_IN, allow
from coop.web.renders import pages

router = Router(path="/", opt=allow(SIGNED_IN), route_handlers=[pages.progress, pages.download])
