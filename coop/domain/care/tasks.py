"""What a visit is for, and the skills some of it needs."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from coop.domain.errors import InvalidInput


class Task(StrEnum):
    """Something a PA does on a visit; a PA's skills are the skilled tasks they may do."""

    PERSONAL_CARE = "personal_care"
    MEDICATION = "medication"
    HOIST = "hoist"
    DRIVING = "driving"
    NIGHT_SUPPORT = "night_support"
    MEALS = "meals"
    DOMESTIC = "domestic"
    SHOPPING = "shopping"
    COMPANIONSHIP = "companionship"

    @property
    def words(self) -> str:
        return self.value.replace("_", " ")


# Tasks a PA must be trained for; any PA may do the rest.
SKILLED = frozenset(
    {Task.PERSONAL_CARE, Task.MEDICATION, Task.HOIST, Task.DRIVING, Task.NIGHT_SUPPORT}
)


class UnknownTask(InvalidInput):
    def __init__(self, name: str) -> None:
        known = ", ".join(t.words for t in Task)
        super().__init__(f"“{name}” is not a task coop knows. Choose from: {known}.", "tasks")


def parse_tasks(names: Iterable[str]) -> tuple[Task, ...]:
    """Tasks from their names, each once, in a stable order; an unknown one is refused."""
    tasks: set[Task] = set()
    for name in names:
        try:
            tasks.add(Task(name))
        except ValueError:
            raise UnknownTask(name) from None
    return tuple(sorted(tasks))


def skills_needed(tasks: Iterable[Task]) -> frozenset[Task]:
    return frozenset(tasks) & SKILLED


def missing_skills(tasks: Iterable[Task], skills: Iterable[Task]) -> tuple[Task, ...]:
    """The skilled tasks a PA with ``skills`` could not do, in order."""
    return tuple(sorted(skills_needed(tasks) - frozenset(skills)))


def listed(tasks: Iterable[Task]) -> str:
    """personal care, medication and hoist."""
    words = [t.words for t in tasks]
    if not words:
        return "nothing"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
