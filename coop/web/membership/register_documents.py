"""The registers (of members, of trustees) as printable documents."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

import jinja2

from coop.clock import UK
from coop.infra.documents.pdf import STATIC, pdf_in_parts
from coop.web.templating import reveal_in

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

_templates = reveal_in(
    jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
)


ROWS_PER_PART = 250  # WeasyPrint lays out a few hundred rows fast, ten thousand slowly
WIDEST = 28  # characters: a column of longer lines wraps them rather than crowd the others


class Progress(Protocol):
    """Told after each part of a document is laid out: how many parts, of how many."""

    def __call__(self, done: int, of: int) -> None: ...


def render_register_pdf(
    title: str,
    subtitle: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    note: str,
    coop_name: str,
    *,
    generated_at: datetime,
    numeric_columns: Collection[int] = (),
    progress: Progress | None = None,
) -> bytes:
    """A register as an A4 landscape PDF/UA document, headed with the co-op's name.

    A long register is laid out ``ROWS_PER_PART`` rows at a time, and
    ``progress`` is told after each part.
    """
    parts = register_html_parts(
        title,
        subtitle,
        columns,
        rows,
        note,
        coop_name,
        generated_at=generated_at,
        numeric_columns=numeric_columns,
    )
    tell = progress or (lambda done, of: None)
    return pdf_in_parts(parts, lambda n: tell(n, len(parts)), STATIC, numbered=True)


def register_html_parts(
    title: str,
    subtitle: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    note: str,
    coop_name: str,
    *,
    generated_at: datetime,
    numeric_columns: Collection[int] = (),
) -> list[str]:
    """The print HTML that render_register_pdf lays out, a part at a time."""
    if any(len(row) != len(columns) for row in rows):
        raise ValueError("every row needs one value for each column")
    template = _templates.get_template("membership/registers/documents/register_pdf.html")
    starts = range(0, len(rows), ROWS_PER_PART) or range(1)  # an empty register: one part
    return [
        template.render(
            title=title,
            subtitle=subtitle,
            columns=columns,
            widths=column_widths(columns, rows),
            rows=rows[start : start + ROWS_PER_PART],
            entries=len(rows),
            first=start == 0,
            last=start == starts[-1],
            note=note,
            coop_name=coop_name,
            generated_at=generated_at,
            generated=uk_date_and_time(generated_at),
            numeric=frozenset(numeric_columns),
        )
        for start in starts
    ]


def column_widths(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[float]:
    """Each column's share of the width in per cent, by the longest line in it (up to a
    point), worked out once so that every part of a long table lines up."""
    longest = [max((len(word) for word in heading.split()), default=1) for heading in columns]
    for row in rows:
        for i, value in enumerate(row):
            for line in value.splitlines():
                longest[i] = max(longest[i], min(len(line), WIDEST))
    total = sum(longest)
    return [round(100 * n / total, 2) for n in longest]


def uk_date_and_time(at: datetime) -> str:
    """'23 November 2026 at 2:05pm', in UK time (GOV.UK style)."""
    local = at.astimezone(UK)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
