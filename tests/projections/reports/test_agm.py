"""The AGM pack's figures and files, from a year built on the real event store: members,
trustees, decisions, care and money as worked out by hand, each table in the CSV zip,
the PDF's and the Easy Read summary's text, and the checkpoint that signs them."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from pypdf import PdfReader

from coop.application import Coop
from coop.clock import FixedClock
from coop.config import Settings
from coop.infra.audit_checkpoints import CheckpointError, Verifier, generate_key, parse_note
from coop.projections.reports.agm import NoDataForYear, agm_figures
from coop.projections.reports.queries import CheckpointRow
from coop.web.reports.agm_pack import build_agm_pack, sign_pack
from tests.conftest import SECRET
from tests.projections.reports.agm_world import ENDS, STARTS, Expected, a_year_at_the_coop


def text_of(pdf: bytes) -> str:
    """The PDF's words, as a reader would copy them (as the notice letters' tests read them)."""
    return " ".join(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )


def figures_alt_text(reader: PdfReader) -> list[str]:
    """The alternative text of each figure in the PDF's structure tree (its tags)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt")))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


async def signed(pool: asyncpg.Pool, settings: Settings, clock: FixedClock) -> CheckpointRow:
    return await sign_pack(
        pool,
        2026,
        key_path=settings.audit_key_path,
        secret_key=SECRET,
        directory=settings.checkpoints_dir,
        now=clock.now(),
    )


async def pack_as(
    fmt: str, pool: asyncpg.Pool, settings: Settings, clock: FixedClock, steps: list[str]
) -> bytes:
    async def signature() -> CheckpointRow:
        return await signed(pool, settings, clock)

    return await build_agm_pack(
        pool,
        2026,
        fmt,
        signature=signature,
        coop_name="Mutual Support Care Co-operative",
        generated_at=clock.now(),
        progress=lambda done, total, what: steps.append(f"{done}/{total} {what}"),
    )


async def test_the_pack_counts_the_financial_year_the_books_define(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    await a_year_at_the_coop(coop, clock, pool)
    f = await agm_figures(pool, 2026)
    assert f.year.financial and (f.year.days.first, f.year.days.last) == (STARTS, ENDS)
    assert f.year.periods == ("2025 to 2026",)
    assert sorted((c.member_class, c.at_start, c.at_end) for c in f.members) == sorted(
        Expected.members
    )
    assert [(j.name, j.happened_on) for j in f.joiners] == Expected.joiners
    assert [(j.name, j.happened_on, j.how) for j in f.leavers] == Expected.leavers
    assert [(t.name, t.happened_on, t.reference) for t in f.trustees_in] == Expected.trustees_in
    assert [(t.name, t.happened_on, t.reference) for t in f.trustees_out] == Expected.trustees_out
    for c in f.members:  # the members at the start, with the joiners, less the leavers
        joined = sum(j.member_class == c.member_class for j in f.joiners)
        left = sum(j.member_class == c.member_class for j in f.leavers)
        assert c.at_start + joined - left == c.at_end, c
    assert [d.kind for d in f.decisions] == Expected.decisions
    months = {d.key: (d.visits, d.minutes) for d in f.hours_by_month}
    assert len(months) == 12 and months["2025-06"] == Expected.june
    assert months["2025-11"] == Expected.november and months["2026-03"] == (0, 0)
    assert "2026-04" not in months  # the visit after the year is not in its pack
    assert [(d.name, d.visits, d.minutes) for d in f.hours_by_pa] == Expected.by_pa
    [money] = f.money
    assert money.closed and money.period == "2025 to 2026"
    assert (money.revenue_pence, money.pay_pence, money.other_costs_pence) == (
        Expected.revenue,
        Expected.pay,
        Expected.other_costs,
    )
    assert money.surplus_pence == Expected.surplus == 441_140
    assert money.distributable_pence == 300_000
    assert [(r.title, r.cost_pence, r.benefits) for r in f.reinvested] == Expected.reinvested


async def test_a_year_without_a_period_ending_in_it_is_the_calendar_year(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    await a_year_at_the_coop(coop, clock, pool, share_out=False)
    f = await agm_figures(pool, 2025)
    assert not f.year.financial
    assert (f.year.days.first, f.year.days.last) == (date(2025, 1, 1), date(2025, 12, 31))
    assert sorted((c.member_class, c.at_start, c.at_end) for c in f.members) == [
        ("carer", 0, 0),
        ("pa", 0, 3),
        ("user", 0, 3),
    ]
    assert len(f.joiners) == 7 and f.money == [] and f.reinvested == []


async def test_a_year_with_nothing_in_it_is_refused_saying_so(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    await a_year_at_the_coop(coop, clock, pool, share_out=False)
    with pytest.raises(NoDataForYear, match="coop has nothing for 2019"):
        await agm_figures(pool, 2019)


async def test_the_csv_zip_holds_each_table_with_stable_column_names(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, settings: Settings
) -> None:
    await a_year_at_the_coop(coop, clock, pool)
    generate_key(settings.audit_key_path, "testserver.local/coop")
    steps: list[str] = []
    body = await pack_as("csv", pool, settings, clock, steps)
    assert steps[-2:] == ["6/7 signed by checkpoint 1", "7/7 made the csv file"]
    z = zipfile.ZipFile(io.BytesIO(body))

    def table(name: str) -> list[list[str]]:
        text = z.read(f"agm-2026/{name}.csv").decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    assert sorted(z.namelist()) == sorted(
        f"agm-2026/{n}"
        for n in [
            "members-by-class.csv",
            "joiners.csv",
            "leavers.csv",
            "trustees-elected.csv",
            "trustees-standing-down.csv",
            "decisions.csv",
            "care-by-month.csv",
            "care-by-pa.csv",
            "money.csv",
            "money-by-month.csv",
            "reinvested.csv",
            "checkpoint.txt",
        ]
    )
    assert table("members-by-class") == [
        ["class", "at_start", "at_end"],
        ["user", "2", "3"],
        ["carer", "1", "0"],
        ["pa", "1", "3"],
    ]
    assert [r[1] for r in table("decisions")[1:]] == ["admission"] * 3 + ["refusal"]
    assert table("joiners")[0] == ["name", "membership_number", "class", "on"]
    assert [r[0] for r in table("joiners")[1:]] == ["Dev Patel", "Siobhan Kelly", "Joseph Byrne"]
    assert table("leavers")[1][::2] == ["Priya Raman", "carer", "withdrawal"]
    assert table("trustees-elected")[1] == [
        "Ewan McAllister", "4", "trustee", "2025-06-01", "AGM 2025 election",
    ]  # fmt: skip
    assert table("care-by-pa") == [
        ["PA", "Visits", "Minutes", "Hours"],
        ["Dev", "2", "150", "2.50"],
        ["Siobhan", "1", "120", "2.00"],
    ]
    assert table("money") == [
        [
            "period", "starts", "ends", "closed", "revenue_pence", "pa_pay_pence",
            "other_costs_pence", "surplus_pence", "distributable_pence",
        ],
        ["2025 to 2026", "2025-04-01", "2026-03-31", "yes", "513000", "6860", "65000", "441140",
         "300000"],
    ]  # fmt: skip
    assert table("reinvested")[1:] == [
        ["2025 to 2026", "50p an hour more for PAs", "225", "pas"],
        ["2025 to 2026", "Respite breaks for carers", "200000", "carers"],
    ]
    note = z.read("agm-2026/checkpoint.txt").decode()
    checkpoint = parse_note(note)
    assert checkpoint.reason == "AGM pack 2026"
    public = Path(f"{settings.audit_key_path}.pub")
    verifier = Verifier.parse(await asyncio.to_thread(public.read_text))
    assert checkpoint.is_signed_by(verifier)
    # The same tables make the same bytes (a fixed time on every entry).
    assert z.read("agm-2026/money.csv") == zipfile.ZipFile(
        io.BytesIO(await pack_as("csv", pool, settings, clock, []))
    ).read("agm-2026/money.csv")


async def test_the_pdf_html_and_easy_read_summary_say_the_year_and_name_their_checkpoint(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, settings: Settings
) -> None:
    await a_year_at_the_coop(coop, clock, pool)
    generate_key(settings.audit_key_path, "testserver.local/coop")
    pdf = await pack_as("pdf", pool, settings, clock, [])
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]  # tagged, titled and in English: PDF/UA-1
    assert reader.metadata is not None
    assert reader.metadata.title == "AGM pack 2026 – Mutual Support Care Co-operative"
    assert catalog["/Lang"] == "en-GB" and "/StructTreeRoot" in catalog
    # Each chart is a tagged figure whose alternative text is the chart's title.
    assert figures_alt_text(reader) == [
        "Members by class at the start and end of the year to 31 March 2026",
        "Hours of care by month, the year to 31 March 2026",
        "Hours of care by PA, the year to 31 March 2026",
        "Revenue, pay, other costs and surplus, the year to 31 March 2026",
    ]
    text = text_of(pdf)
    assert "AGM pack 2026" in text
    assert "the financial year 2025 to 2026 (1 April 2025 to 31 March 2026)" in text
    for words in [
        "Members who joined",
        "Joseph Byrne",
        "Trustees standing down",
        "4 in all",
        "The 3 admissions are listed under Members who joined",
        "Refusal An application for membership refused Refused BM-2025-08",
        "Nia Campbell",
        "Hours of care by PA",
        "£4,411.40",  # the surplus
        "Respite breaks for carers",
        "checkpoint 1",
        "coop audit verify --checkpoint checkpoint.txt",
    ]:
        assert words in text, words
    root = parse_note((settings.checkpoints_dir / "latest.txt").read_text()).root
    assert base64.b64encode(root).decode() in text.replace(" ", "")

    html = (await pack_as("html", pool, settings, clock, [])).decode()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "<style>" in html and 'rel="stylesheet"' not in html  # readable wherever saved
    assert html.count('role="img"') == 4 and "Members who joined" in html

    easy = text_of(await pack_as("easy-read", pool, settings, clock, []))
    for sentence in [
        "At the end of the year we had 6 members.",
        "3 people joined us.",
        "1 person left us.",
        "Our PAs gave 4 hours 30 minutes of care.",
        "We had £4,411 left over.",
        "Members chose to spend £2,000 on: Respite breaks for carers.",
    ]:
        assert sentence in easy, sentence


async def test_without_a_signing_key_the_pack_is_not_built(
    coop: Coop, clock: FixedClock, pool: asyncpg.Pool, settings: Settings
) -> None:
    await a_year_at_the_coop(coop, clock, pool, share_out=False)
    with pytest.raises(CheckpointError, match="no signing key"):
        await pack_as("pdf", pool, settings, clock, [])
