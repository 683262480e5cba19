"""The AGM pack as files: the figures of a year (``coop.projections.reports.agm``) in
words, tables and charts, as a web page, an HTML or PDF/UA document, a zip of CSV
tables, or an Easy Read summary; signed by the checkpoint made when it was built.

``build_agm_pack`` is the whole of it, from the read models to the bytes, with no
request in sight: the CLI calls it, the pages call it, and a background job can.
"""

from __future__ import annotations

import asyncio
import base64
import io
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import asyncpg
import jinja2
from markupsafe import Markup

from coop.domain.finance.money import pounds
from coop.infra.audit_checkpoints import load_signer, make_checkpoint, parse_note
from coop.infra.audit_seals import seal_key
from coop.infra.documents.csv_files import csv_bytes
from coop.infra.documents.pdf import STATIC, pdf_bytes
from coop.projections.reports.agm import (
    AgmFigures,
    Progress,
    agm_figures,
    pack_signature,
    signing_reason,
)
from coop.projections.reports.queries import CheckpointRow
from coop.web.finance.words import hours as hours_and_minutes
from coop.web.membership.register_documents import uk_date_and_time
from coop.web.reports.care_reports import Table, delivered_table
from coop.web.reports.charts import Bar, Chart
from coop.web.templating import reveal_in
from coop.web.words import class_name, day, in_class_order

# Building a pack: the figures' steps (coop.projections.reports.agm), signing, the file.
STEPS = 7

# Each format: its media type and how its file's name ends.
FORMATS = {
    "html": ("text/html; charset=utf-8", ".html"),
    "pdf": ("application/pdf", ".pdf"),
    "csv": ("application/zip", "-tables.zip"),
    "easy-read": ("application/pdf", "-easy-read.pdf"),
}

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_documents = reveal_in(
    jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
)

# A zip's entries carry a time: a fixed one keeps the same tables the same bytes.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def file_name(year: int, fmt: str) -> str:
    """'agm-pack-2026.pdf', 'agm-pack-2026-tables.zip', …"""
    return f"agm-pack-{year}{FORMATS[fmt][1]}"


@dataclass(frozen=True)
class Signature:
    """The checkpoint that signs a pack, and what a reader needs to check it."""

    number: int
    size: int
    root: str  # base64, as in the note
    made: str
    note: str

    @classmethod
    def of(cls, row: CheckpointRow) -> Signature:
        checkpoint = parse_note(row.note)
        return cls(
            number=row.id,
            size=checkpoint.size,
            root=base64.b64encode(checkpoint.root).decode(),
            made=uk_date_and_time(row.made_at),
            note=row.note,
        )


@dataclass(frozen=True)
class Pack:
    """A year's pack arranged to be read: its tables (each also a CSV file) and charts."""

    year: int
    title: str
    covering: str  # which days, and why those
    tables: dict[str, Table]
    charts: dict[str, Chart]
    easy_read: list[tuple[str, str, str]]  # (picture, its alt text, a short sentence)
    signature: Signature
    generated: str


def _class_counts(f: AgmFigures) -> Table:
    counts = sorted(f.members, key=lambda c: in_class_order(c.member_class))
    start, end = sum(c.at_start for c in counts), sum(c.at_end for c in counts)
    return Table(
        slug="members-by-class",
        caption="Members by class",
        header=("Class", "At the start", "At the end"),
        numeric=(False, True, True),
        cells=[[class_name(c.member_class), f"{c.at_start:,}", f"{c.at_end:,}"] for c in counts],
        csv_header=("class", "at_start", "at_end"),
        csv_rows=[[c.member_class, c.at_start, c.at_end] for c in counts],
        total=f"{start:,} at the start of the year, {end:,} at its end.",
    )


def _moves(slug: str, caption: str, when: str, f: AgmFigures, leaving: bool) -> Table:
    moves = f.leavers if leaving else f.joiners
    how = ["How"] if leaving else []
    return Table(
        slug=slug,
        caption=caption,
        header=("Name", "Number", "Class", when, *how),
        numeric=(False, True, False, False, *[False] * len(how)),
        cells=[
            [
                m.name,
                str(m.number),
                class_name(m.member_class),
                day(m.happened_on),
                *([(m.how or "").capitalize()] if leaving else []),
            ]
            for m in moves
        ],
        csv_header=("name", "membership_number", "class", "on", *(["how"] if leaving else [])),
        csv_rows=[
            [m.name, m.number, m.member_class, m.happened_on, *([m.how] if leaving else [])]
            for m in moves
        ],
        total=f"{len(moves):,} in all.",
    )


def _terms(slug: str, caption: str, when: str, f: AgmFigures, leaving: bool) -> Table:
    terms = f.trustees_out if leaving else f.trustees_in
    return Table(
        slug=slug,
        caption=caption,
        header=("Name", "Number", "Office", when, "Reference"),
        numeric=(False, True, False, False, False),
        cells=[
            [t.name, str(t.number), t.office.capitalize(), day(t.happened_on), t.reference]
            for t in terms
        ],
        csv_header=("name", "membership_number", "office", "on", "reference"),
        csv_rows=[[t.name, t.number, t.office, t.happened_on, t.reference] for t in terms],
        total=f"{len(terms):,} in all.",
    )


def _decisions(f: AgmFigures) -> Table:
    """Every decision in the CSV file; in the document, all but the admissions, which the
    members who joined already list (a large co-op admits thousands in a year)."""
    found = f.decisions
    shown = [d for d in found if d.kind != "admission"]
    admitted = len(found) - len(shown)
    return Table(
        slug="decisions",
        caption="Decisions",
        header=("Decided", "Kind", "Decision", "Outcome", "Reference", "Entry"),
        numeric=(False, False, False, False, False, True),
        cells=[
            [
                day(d.decided_on) if d.decided_on else "",
                d.kind.capitalize(),
                d.title,
                d.outcome,
                d.reference,
                str(d.position),
            ]
            for d in shown
        ],
        csv_header=(
            "decided_on",
            "kind",
            "title",
            "outcome",
            "reference",
            "position",
            "checkpoint",
        ),
        csv_rows=[
            [d.decided_on, d.kind, d.title, d.outcome, d.reference, d.position, d.checkpoint]
            for d in found
        ],
        total=f"{len(found):,} in all, in the order they were taken; each is in the governance"
        " record with how it was reached."
        + (
            f" The {_plural(admitted, 'admission', 'admissions')} are listed under Members"
            " who joined, and in the decisions' table file."
            if admitted
            else ""
        ),
    )


def _money(f: AgmFigures) -> Table:
    def amount(pence: int | None) -> str:
        return "Not closed yet" if pence is None else pounds(pence)

    return Table(
        slug="money",
        caption="Money",
        header=(
            "Financial period",
            "Revenue",
            "Pay for PAs",
            "Other costs",
            "Surplus",
            "Declared for reinvestment",
        ),
        numeric=(False, True, True, True, True, True),
        cells=[
            [
                m.period,
                amount(m.revenue_pence),
                amount(m.pay_pence),
                amount(m.other_costs_pence),
                amount(m.surplus_pence),
                "None" if m.distributable_pence is None else pounds(m.distributable_pence),
            ]
            for m in f.money
        ],
        csv_header=(
            "period",
            "starts",
            "ends",
            "closed",
            "revenue_pence",
            "pa_pay_pence",
            "other_costs_pence",
            "surplus_pence",
            "distributable_pence",
        ),
        csv_rows=[
            [
                m.period,
                m.starts,
                m.ends,
                "yes" if m.closed else "no",
                m.revenue_pence,
                m.pay_pence,
                m.other_costs_pence,
                m.surplus_pence,
                m.distributable_pence,
            ]
            for m in f.money
        ],
        total="From the books as each period's close recorded them."
        if f.money
        else "No financial period ends in this year.",
    )


def _money_by_month(f: AgmFigures) -> Table:
    months = [line for m in f.money for line in m.months]
    return Table(
        slug="money-by-month",
        caption="Money by month",
        header=("Month", "Revenue", "Costs", "Surplus"),
        numeric=(False, True, True, True),
        cells=[
            [
                _month(line.month),
                pounds(line.revenue_pence),
                pounds(line.costs_pence),
                pounds(line.surplus_pence),
            ]
            for line in months
        ],
        csv_header=("month", "revenue_pence", "costs_pence", "surplus_pence"),
        csv_rows=[
            [line.month, line.revenue_pence, line.costs_pence, line.surplus_pence]
            for line in months
        ],
    )


def _reinvested(f: AgmFigures) -> Table:
    return Table(
        slug="reinvested",
        caption="What the surplus was reinvested in",
        header=("Financial period", "Option the members funded", "Cost", "Who benefits"),
        numeric=(False, False, True, False),
        cells=[
            [r.period, r.title, pounds(r.cost_pence), _benefits(r.benefits)] for r in f.reinvested
        ],
        csv_header=("period", "option", "cost_pence", "benefits"),
        csv_rows=[[r.period, r.title, r.cost_pence, r.benefits] for r in f.reinvested],
        total=f"{pounds(sum(r.cost_pence for r in f.reinvested))} in all."
        if f.reinvested
        else "The members have not yet decided how to reinvest this year's surplus.",
    )


def _benefits(who: str) -> str:
    return {"pas": "PAs", "": "Not said"}.get(who, who.capitalize())


def _month(month: str) -> str:
    year, number = month.split("-")
    return f"{datetime(int(year), int(number), 1):%B %Y}"


def tables(f: AgmFigures) -> list[Table]:
    """The pack's tables in the order it shows them; the CSV zip has each as a file."""
    return [
        _class_counts(f),
        _moves("joiners", "Members who joined", "Joined", f, leaving=False),
        _moves("leavers", "Members who left", "Left", f, leaving=True),
        _terms("trustees-elected", "Trustees elected or appointed", "From", f, leaving=False),
        _terms("trustees-standing-down", "Trustees standing down", "Until", f, leaving=True),
        _decisions(f),
        delivered_table("care-by-month", "Hours of care by month", "Month", f.hours_by_month),
        delivered_table("care-by-pa", "Hours of care by PA", "PA", f.hours_by_pa),
        _money(f),
        _money_by_month(f),
        _reinvested(f),
    ]


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def charts(f: AgmFigures, covering: str) -> list[Chart]:
    """The pack's charts, each beside the table that holds its figures (the same slug)."""
    counts = sorted(f.members, key=lambda c: in_class_order(c.member_class))
    totals = [m for m in f.money if m.closed]

    def total(field: str) -> int:
        return sum(getattr(m, field) or 0 for m in totals)

    found = [
        Chart(
            "members-by-class",
            f"Members by class at the start and end of {covering}",
            "Two bars for each class: its members at the start of the year, then at its end."
            ' The figures are in the table "Members by class".',
            [
                Bar(f"{class_name(c.member_class)}, {when}", n, f"{n:,}")
                for c in counts
                for when, n in (("start", c.at_start), ("end", c.at_end))
            ],
        ),
        Chart(
            "care-by-month",
            f"Hours of care by month, {covering}",
            "A bar for each month, as long as the hours of care delivered in it."
            ' The figures are in the table "Hours of care by month".',
            [
                Bar(_month(d.key), _hours(d.minutes), f"{_hours(d.minutes):,}")
                for d in f.hours_by_month
            ],
        ),
        Chart(
            "care-by-pa",
            f"Hours of care by PA, {covering}",
            "A bar for each PA, as long as the hours of care they gave, the most first."
            ' The figures are in the table "Hours of care by PA".',
            [Bar(d.name, _hours(d.minutes), f"{_hours(d.minutes):,}") for d in f.hours_by_pa],
        ),
    ]
    if totals:
        found.append(
            Chart(
                "money",
                f"Revenue, pay, other costs and surplus, {covering}",
                "A bar for each: the money that came in, the pay for PAs, the other costs"
                ' and what was left (the surplus). The figures are in the table "Money".',
                [
                    Bar(label, total(field), pounds(total(field)))
                    for label, field in (
                        ("Revenue", "revenue_pence"),
                        ("Pay for PAs", "pay_pence"),
                        ("Other costs", "other_costs_pence"),
                        ("Surplus", "surplus_pence"),
                    )
                ],
            )
        )
    return [c for c in found if c.bars]


def _covering(f: AgmFigures) -> str:
    y = f.year
    days = f"{day(y.days.first)} to {day(y.days.last)}"
    if y.financial:
        return f"the financial year {' and '.join(y.periods)} ({days})"
    return f"the calendar year {y.year} ({days}: no financial period ends in {y.year})"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def easy_read(f: AgmFigures) -> list[tuple[str, str, str]]:
    """The pack in short sentences, one idea each, with a picture for each."""
    members = sum(c.at_end for c in f.members)
    minutes = sum(d.minutes for d in f.hours_by_month)
    ideas = [
        ("calendar", "A calendar", f"This is about our year to {day(f.year.days.last)}."),
        (
            "person",
            "A person",
            f"At the end of the year we had {_plural(members, 'member', 'members')}.",
        ),
        ("person", "A person", f"{_plural(len(f.joiners), 'person', 'people')} joined us."),
        ("person", "A person", f"{_plural(len(f.leavers), 'person', 'people')} left us."),
        (
            "ballot-box",
            "A ballot box",
            f"{_plural(len(f.trustees_in), 'new trustee', 'new trustees')} started this year.",
        ),
        (
            "ballot-box",
            "A ballot box",
            f"{_plural(len(f.trustees_out), 'trustee', 'trustees')} stopped this year.",
        ),
        ("tick", "A tick", f"We made {_plural(len(f.decisions), 'decision', 'decisions')}."),
        ("clock", "A clock", f"Our PAs gave {hours_and_minutes(minutes)} of care."),
    ]
    for m in f.money:
        if m.revenue_pence is None or m.surplus_pence is None:
            ideas.append(("pencil", "A pencil", f"The money for {m.period} is not counted yet."))
            continue
        ideas.append(("pencil", "A pencil", f"We took in {_whole(m.revenue_pence)}."))
        spent = m.revenue_pence - m.surplus_pence
        ideas.append(("pencil", "A pencil", f"We spent {_whole(spent)}."))
        if m.surplus_pence >= 0:
            ideas.append(("tick", "A tick", f"We had {_whole(m.surplus_pence)} left over."))
        else:
            ideas.append(
                (
                    "question",
                    "A question mark",
                    f"We spent {_whole(-m.surplus_pence)} more than we took in.",
                )
            )
    for r in f.reinvested:
        ideas.append(
            ("tick", "A tick", f"Members chose to spend {_whole(r.cost_pence)} on: {r.title}.")
        )
    ideas.append(("lock", "A lock", "This pack is signed. Anyone can check it was not changed."))
    return ideas


def _whole(pence: int) -> str:
    """£1,234 (pence dropped: Easy Read keeps numbers short)."""
    return pounds(pence - pence % 100).removesuffix(".00")


def pack(f: AgmFigures, signed_by: CheckpointRow, generated_at: datetime) -> Pack:
    """The year's pack, ready for any format."""
    covering = _covering(f)
    return Pack(
        year=f.year.year,
        title=f"AGM pack {f.year.year}",
        covering=covering,
        tables={t.slug: t for t in tables(f)},
        charts={c.slug: c for c in charts(f, f"the year to {day(f.year.days.last)}")},
        easy_read=easy_read(f),
        signature=Signature.of(signed_by),
        generated=uk_date_and_time(generated_at),
    )


def csv_zip(p: Pack) -> bytes:
    """Every table as a CSV file of its own, named by the table, in one zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for t in p.tables.values():
            entry = zipfile.ZipInfo(f"agm-{p.year}/{t.slug}.csv", _ZIP_TIME)
            z.writestr(entry, csv_bytes(t.csv_header, t.csv_rows), zipfile.ZIP_DEFLATED)
        entry = zipfile.ZipInfo(f"agm-{p.year}/checkpoint.txt", _ZIP_TIME)
        z.writestr(entry, p.signature.note, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def document_html(
    p: Pack, coop_name: str, template: str = "document.html", *, on_its_own: bool = False
) -> str:
    """The pack as one printable HTML document (the PDF's source too); ``on_its_own``:
    with its styles written in, to be read wherever the file is saved."""
    css = "\n".join(_css(name) for name in _STYLES) if on_its_own else ""
    return _documents.get_template(f"reports/agm/{template}").render(
        p=p,
        coop_name=coop_name,
        css=Markup(css),  # noqa: S704  # our own static files
    )


_STYLES = ("print.css", "agm.css")


@cache
def _css(name: str) -> str:
    return (STATIC / "reports" / name).read_text(encoding="utf-8")


def pack_bytes(p: Pack, fmt: str, coop_name: str) -> bytes:
    """The pack in one of ``FORMATS``."""
    if fmt == "html":
        return document_html(p, coop_name, on_its_own=True).encode()
    if fmt == "pdf":
        return pdf_bytes(document_html(p, coop_name), STATIC)
    if fmt == "csv":
        return csv_zip(p)
    if fmt == "easy-read":
        return pdf_bytes(document_html(p, coop_name, "easy_read.html"), STATIC)
    raise ValueError(f"no such format as {fmt!r}: choose one of {', '.join(FORMATS)}")


async def build_agm_pack(
    pool: asyncpg.Pool,
    year: int,
    fmt: str,
    *,
    signature: Callable[[], Awaitable[CheckpointRow]],
    coop_name: str,
    generated_at: datetime,
    progress: Progress | None = None,
) -> bytes:
    """The AGM pack for ``year`` as ``fmt``, from the read models (NoDataForYear if there
    is nothing to report), signed by the checkpoint ``signature`` gives once the figures
    are in (``sign_pack`` makes one); ``progress`` hears of each step."""
    if fmt not in FORMATS:
        raise ValueError(f"no such format as {fmt!r}: choose one of {', '.join(FORMATS)}")
    told = progress or (lambda done, steps, what: None)
    figures = await agm_figures(pool, year, lambda done, _, what: told(done, STEPS, what))
    signed = await signature()
    told(STEPS - 1, STEPS, f"signed by checkpoint {signed.id}")
    the_pack = pack(figures, signed, generated_at)
    body = await asyncio.to_thread(pack_bytes, the_pack, fmt, coop_name)
    told(STEPS, STEPS, f"made the {fmt} file")
    return body


async def sign_pack(
    pool: asyncpg.Pool,
    year: int,
    *,
    key_path: Path,
    secret_key: str,
    directory: Path,
    now: datetime,
) -> CheckpointRow:
    """A checkpoint of the log made now, for ``year``'s pack (CheckpointError if there is
    no signing key, or the log does not verify)."""
    signer = await asyncio.to_thread(load_signer, key_path)
    async with pool.acquire() as conn:
        await make_checkpoint(
            conn, signer, seal_key(secret_key), signing_reason(year), now, directory
        )
    made = await pack_signature(pool, year)
    assert made is not None
    return made
