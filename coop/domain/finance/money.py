"""Money as whole pence: read from what people type, shown as pounds, rounded only on purpose."""

from __future__ import annotations

import re
from collections.abc import Sequence

from coop.domain.errors import CoopError, InvalidInput

_POUNDS = re.compile(r"(\d+)(?:\.(\d+))?")


class FinanceError(CoopError):
    """Base of finance refusals."""


def pence_from_pounds(text: str, field: str = "amount") -> int:
    """The pence in an amount typed as pounds ("14.80", "£1,250"), refusing part of a penny."""
    cleaned = text.strip().removeprefix("£").replace(",", "").strip()
    if cleaned.startswith("-"):
        raise InvalidInput("The amount can't be negative.", field)
    match = _POUNDS.fullmatch(cleaned)
    if match is None:
        raise InvalidInput("Give the amount in pounds and pence, for example 14.80.", field)
    whole, fraction = match.group(1), (match.group(2) or "").rstrip("0")
    if len(fraction) > 2:
        raise InvalidInput(
            f"£{cleaned} is not a whole number of pence: give at most two figures after the point.",
            field,
        )
    return int(whole) * 100 + int(fraction.ljust(2, "0"))


def pounds(pence: int) -> str:
    """Pence as people read them: £1,234.50, or -£3.00."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def decimal_pounds(pence: int) -> str:
    """Pence as a plain decimal number of pounds (exports): 1234.50, -3.00."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest whole number, halves away from zero."""
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    if numerator < 0:
        return -round_half_up(-numerator, denominator)
    return (2 * numerator + denominator) // (2 * denominator)


def share_out(total: int, numerators: Sequence[int], denominator: int) -> list[int]:
    """Split ``total`` pence into parts as near as can be to numerators[i] / denominator.

    Each part is its exact amount rounded down, and the pence left over go one each to
    the parts that lost most in rounding (the earlier part on a tie), so the parts
    always add up to ``total`` exactly: a split never loses or invents a penny.
    """
    floors = [n // denominator for n in numerators]
    left = total - sum(floors)
    if not 0 <= left <= len(numerators):
        raise ValueError("the total must be the parts' exact sum, rounded")
    by_loss = sorted(range(len(numerators)), key=lambda i: -(numerators[i] % denominator))
    for i in by_loss[:left]:
        floors[i] += 1
    return floors
