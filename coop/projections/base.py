"""What a projection is: a name, its tables, and a handler per event class."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from eventsourcing.utils import get_topic

# SQL with {table} placeholders, and its arguments.
Statement = tuple[str, tuple[Any, ...]]
Handler = Callable[[Any, int], Iterable[Statement]]


@dataclass
class Projection:
    """A read model. Handlers turn (event, position) into SQL statements."""

    name: str
    tables: tuple[str, ...]
    handlers: dict[str, Handler] = field(default_factory=dict)

    def on(self, *event_classes: type) -> Callable[[Handler], Handler]:
        """Decorator: the function handles these event classes."""

        def register(handler: Handler) -> Handler:
            for cls in event_classes:
                self.handlers[get_topic(cls)] = handler
            return handler

        return register

    def sql(self, template: str, tables: Mapping[str, str]) -> str:
        """The statement with real table names (fresh ones during a rebuild)."""
        return _format(template, tuple(sorted(tables.items())))


@cache
def _format(template: str, tables: tuple[tuple[str, str], ...]) -> str:
    return template.format(**dict(tables))
