"""Every kind of document the background makes, by name (see coop/web/renders/kinds.py)."""

from __future__ import annotations

from coop.web.membership.register_renders import REGISTER_OF_MEMBERS, REGISTER_OF_TRUSTEES
from coop.web.renders.kinds import RenderKind
from coop.web.reports.agm_renders import AGM_PACK

KINDS: dict[str, RenderKind] = {
    kind.name: kind for kind in (REGISTER_OF_MEMBERS, REGISTER_OF_TRUSTEES, AGM_PACK)
}
