"""``coop count``: recount a published ballot file, STV from BLT or Equal Shares from pabulib."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from coop.domain.counting.ballot_file import MalformedFile
from coop.domain.counting.blt import read_blt
from coop.domain.counting.equal_shares import MesResult, equal_shares
from coop.domain.counting.pabulib import read_pabulib
from coop.domain.counting.stv import StvResult, count_sheet_rows, count_stv


class RecountError(ValueError):
    """The file cannot be recounted; the message says why (and names the line)."""


def recount_stv(
    data: bytes,
    name: str,
    *,
    as_json: bool,
    seed: str = "",
    reserved: Mapping[str, int] | None = None,
) -> str:
    """The count sheet of a BLT file (or, as JSON, who was elected, when, and the stages)."""
    election = read_blt(data)
    candidates, ballots = election.count_input()
    try:
        result = count_stv(candidates, ballots, election.seats, reserved or {}, lot_seed=seed)
    except ValueError as e:
        raise RecountError(str(e)) from e
    if as_json:
        return json.dumps(_stv_json(result), indent=2)
    return _stv_sheet(election.title or name, result)


def recount_mes(data: bytes, name: str, *, as_json: bool) -> str:
    """Equal Shares with Add1 and greedy completion on a pabulib file."""
    election = read_pabulib(data)
    try:
        result = equal_shares(
            election.projects,
            election.voters,
            election.approvals,
            election.budget,
            election.weights,
        )
    except ValueError as e:
        raise RecountError(str(e)) from e
    if as_json:
        return json.dumps(_mes_json(result), indent=2)
    return _mes_steps(election.meta.get("description") or name, election.currency, result)


def _stv_json(result: StvResult) -> dict[str, object]:
    stage_of = {cid: s.number for s in result.stages for cid in s.elected}
    return {
        "elected": [int(cid) for cid in result.elected],
        "elected_at_stage": [stage_of[cid] for cid in result.elected],
        "stages": len(result.stages),
        "quota": result.quota,
        "valid": result.valid,
        "invalid": result.invalid,
    }


def _stv_sheet(title: str, result: StvResult) -> str:
    rows = count_sheet_rows(result)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        title,
        f"{result.seats} seat(s); {result.valid} valid papers ({result.invalid} invalid); "
        f"quota {result.quota}.",
        "",
    ]
    for row in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    lines.append("")
    for stage in result.stages:
        lines.append(f"Stage {stage.number}: {stage.description}")
        lines.extend(f"  {note}" for note in stage.notes)
    names = {c.id: c.name for c in result.candidates}
    lines.append("Elected: " + ", ".join(names[c] for c in result.elected))
    return "\n".join(lines)


def _mes_json(result: MesResult) -> dict[str, object]:
    return {
        "selected": [p.id for p in result.selected],
        "total_cost": float(Decimal(result.total_cost) / 100),
        "add1_rounds": result.add1_rounds,
    }


def _mes_steps(title: str, currency: str, result: MesResult) -> str:
    lines = [
        title,
        f"Budget {_units(result.budget)} {currency}".rstrip()
        + f"; the shares were raised {result.add1_rounds} time(s) by Add1, "
        f"to {_units(result.raised_budget)} in all.",
        "",
    ]
    for n, step in enumerate(s for s in result.steps if s.project is not None):
        p = step.project
        assert p is not None
        how = "equal shares" if step.kind == "mes" else "greedy"
        price = f", rho = {_decimal(step.rho)}" if step.rho is not None else ""
        lines.append(f"{n + 1}. {how}: {p.id} {p.title!r}, cost {_units(p.cost)}{price}")
    lines.append("")
    lines.append(
        f"Selected {len(result.selected)} project(s) costing {_units(result.total_cost)}; "
        f"{_units(result.leftover)} left over."
    )
    return "\n".join(lines)


def _units(hundredths: int | Fraction) -> str:
    """Hundredths as currency units: 75732773 -> '757327.73' (a fraction: to two places)."""
    value = Fraction(hundredths)
    whole = round(value)
    sign = "-" if whole < 0 else ""
    units, part = divmod(abs(whole), 100)
    text = f"{sign}{units}.{part:02d}"
    return text if value == whole else f"{text}…"


def _decimal(x: Fraction) -> str:
    return f"{float(x):.6f}"


__all__ = ["MalformedFile", "RecountError", "recount_mes", "recount_stv"]
