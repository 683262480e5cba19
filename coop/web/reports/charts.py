"""Bar charts as SVG, for the reports: a title and description for screen readers, and
each bar's figure written beside it; the table next to the chart holds the same data.

Drawn by hand (a few rectangles) rather than by a charting library: the charts
must print in a PDF with nothing fetched and need no script on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

# The chart's own units (its viewBox): it scales to the width it is given.
ROW, LABEL, LONGEST, FIGURE = 30, 190, 330, 120
FONT = 14
INK, BAR, BELOW_ZERO = "#0b0c0c", "#1d70b8", "#d4351c"


@dataclass(frozen=True)
class Bar:
    """One bar: what it is, its value (for its length), and the figure printed by it."""

    label: str
    value: int | Decimal
    figure: str


@dataclass(frozen=True)
class Chart:
    """A chart as a page or a printed pack shows it, beside the table that holds its data."""

    slug: str  # unique on the page; the table it goes with has the same
    title: str
    description: str
    bars: Sequence[Bar]

    @property
    def svg(self) -> Markup:
        return bar_chart(self.slug, self.title, self.description, self.bars)


def bar_chart(slug: str, title: str, description: str, bars: Sequence[Bar]) -> Markup:
    """A horizontal bar for each value, the longest for the largest; a value below zero
    in red (its figure says so too, with its minus sign)."""
    most = max((abs(Decimal(b.value)) for b in bars), default=Decimal(0)) or Decimal(1)
    height = ROW * len(bars) + 4
    width = LABEL + LONGEST + FIGURE
    parts = [
        f'<svg class="coop-chart" viewBox="0 0 {width} {height}" width="100%"'
        f' role="img" aria-labelledby="{slug}-title {slug}-desc" focusable="false">',
        f'<title id="{slug}-title">{escape(title)}</title>',
        f'<desc id="{slug}-desc">{escape(description)}</desc>',
        f'<line x1="{LABEL}" y1="0" x2="{LABEL}" y2="{height}" stroke="{INK}" stroke-width="1"/>',
    ]
    for i, b in enumerate(bars):
        top, length = i * ROW + 4, round(LONGEST * abs(Decimal(b.value)) / most)
        text = top + 18  # the baseline: the text sits level with its bar
        parts += [
            f'<text x="{LABEL - 8}" y="{text}" text-anchor="end" font-size="{FONT}"'
            f' fill="{INK}">{escape(_short(b.label))}</text>',
            f'<rect x="{LABEL}" y="{top + 3}" width="{length}" height="{ROW - 10}"'
            f' fill="{BELOW_ZERO if b.value < 0 else BAR}"/>',
            f'<text x="{LABEL + length + 6}" y="{text}" font-size="{FONT}"'
            f' fill="{INK}">{escape(b.figure)}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  # every text in it escaped above


def _short(label: str, most: int = 24) -> str:
    """A label that fits beside its bar (the table has it in full)."""
    return label if len(label) <= most else label[: most - 1] + "…"
