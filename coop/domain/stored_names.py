"""Events keep the names they were stored under, wherever their classes live now.

A stored event names its class by topic ("module:Aggregate.Event"). Those names
are part of the log: the audit chain hashes them and the projections select by
them. So when a module of aggregates moves, it declares where it was first
stored, and its aggregates and events go on being written, and read, under
their old names.
"""

from __future__ import annotations

import sys

from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.utils import register_topic


def stored_under(module_name: str, first_module: str) -> None:
    """Name every aggregate of ``module_name`` and its events as ``first_module`` did."""
    module = sys.modules[module_name]
    for aggregate in list(vars(module).values()):
        if not (
            isinstance(aggregate, type)
            and issubclass(aggregate, Aggregate)
            and aggregate.__module__ == module_name
        ):
            continue
        events = [
            cls
            for cls in vars(aggregate).values()
            if isinstance(cls, type) and issubclass(cls, CanMutateAggregate)
        ]
        for cls in (aggregate, *events):
            topic = f"{first_module}:{cls.__qualname__}"
            # The library names a class by its TOPIC attribute when it has one.
            type.__setattr__(cls, "TOPIC", topic)
            register_topic(topic, cls)
