"""The finance context's routes, grouped by who may use them (each rule said once)."""

from __future__ import annotations

from litestar import Router

# The finance context's routes, for ``create_app``.
router = Router(path="/", route_handlers=[])
