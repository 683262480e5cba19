"""The registers (of members, of trustees) as printable documents."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path

import jinja2

from coop.clock import UK
from coop.infra.documents.pdf import STATIC, pdf_bytes
from coop.web.templating import reveal_in

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

_templates = reveal_in(
    jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
)


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
) -> bytes:
    """A register as an A4 landscape PDF/UA document, headed with the co-op's name."""
    html = register_html(
        title,
        subtitle,
        columns,
        rows,
        note,
        coop_name,
        generated_at=generated_at,
        numeric_columns=numeric_columns,
    )
    return pdf_bytes(html, STATIC)


def register_html(
    title: str,
    subtitle: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    note: str,
    coop_name: str,
    *,
    generated_at: datetime,
    numeric_columns: Collection[int] = (),
) -> str:
    """The print HTML that render_register_pdf turns into a PDF."""
    if any(len(row) != len(columns) for row in rows):
        raise ValueError("every row needs one value for each column")
    return _templates.get_template("membership/registers/documents/register_pdf.html").render(
        title=title,
        subtitle=subtitle,
        columns=columns,
        rows=rows,
        note=note,
        coop_name=coop_name,
        generated_at=generated_at,
        generated=uk_date_and_time(generated_at),
        numeric=frozenset(numeric_columns),
    )


def uk_date_and_time(at: datetime) -> str:
    """'23 November 2026 at 2:05pm', in UK time (GOV.UK style)."""
    local = at.astimezone(UK)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"
