"""Printed registers: read back with a real PDF reader, page by page."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader

from coop.infra.documents.pdf import STATIC, LocalFilesOnly, ResourceRefused, pdf_bytes
from coop.web.membership.register_documents import render_register_pdf, uk_date_and_time

COOP = "Mutual Support Care Co-operative"
COLUMNS = [
    "Membership number",
    "Name",
    "Postal address",
    "Email",
    "Shares",
    "Amount paid",
    "Date entered",
    "Date ceased",
]
GENERATED_AT = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
FIRST_NAMES = ["Amira", "Dafydd", "Zoë", "Siân", "Olusegun", "Priya", "Mairead", "Tomasz"]
SURNAMES = ["Hassan", "Ŵyn", "Ní Bhriain", "O'Neill", "Adeyemi", "Sharma", "Ó Súilleabháin"]


def register_rows(count: int) -> list[list[str]]:
    """A realistic register: Łukasz first, Hélène Dubois-Nowak last, members between."""
    rows = []
    for number in range(1, count + 1):
        name = f"{FIRST_NAMES[number % 8]} {SURNAMES[number % 7]}"
        if number == 1:
            name = "Łukasz Wójcik"
        if number == count:
            name = "Hélène Dubois-Nowak"
        ceased = "2026-06-30" if number % 11 == 0 else ""
        rows.append(
            [
                str(number),
                name,
                f"{number} Roundhay Road\nLeeds LS8 {number % 9}AB",
                name.lower().replace(" ", ".").replace("'", "") + "@example.org",
                "1",
                f"£{Decimal('1.00')}",
                "2025-04-01",
                ceased,
            ]
        )
    return rows


def register_pdf(count: int) -> bytes:
    return render_register_pdf(
        "Register of members",
        "as at 23 November 2026",
        COLUMNS,
        register_rows(count),
        "Entries for people who are no longer members are kept, as the law requires.",
        COOP,
        generated_at=GENERATED_AT,
        numeric_columns={0, 4, 5},
    )


@pytest.fixture(scope="module")
def register() -> PdfReader:
    """The register of a co-op with 300 members, opened with pypdf."""
    return PdfReader(io.BytesIO(register_pdf(300)))


def text(reader: PdfReader, page: int) -> str:
    """The page's text with runs of spaces and line breaks as single spaces."""
    # pypdf reads a NUL where the font changes inside a word (to Latin Extended
    # for the Ł of Łukasz); the PDF itself is right, as poppler's pdftotext shows.
    return " ".join(reader.pages[page].extract_text().replace("\x00", "").split())


def test_the_first_page_shows_the_co_op_the_title_and_the_date(register: PdfReader) -> None:
    first = text(register, 0)

    assert COOP in first
    assert "Register of members" in first
    assert "as at 23 November 2026" in first
    assert "Generated on 23 November 2026 at 2:05pm" in first
    assert "300 entries" in first


def test_names_with_diacritics_come_out_as_written(register: PdfReader) -> None:
    assert "Łukasz Wójcik" in text(register, 0)
    assert "Mairead Ó Súilleabháin" in text(register, 0)
    assert "Amira Ŵyn" in text(register, 0)  # Ŵ from the fallback font
    assert "Hélène Dubois-Nowak" in text(register, len(register.pages) - 1)


def test_a_long_register_runs_over_pages_numbered_page_x_of_y(register: PdfReader) -> None:
    pages = len(register.pages)

    assert pages > 1
    assert f"Page 1 of {pages}" in text(register, 0)
    assert f"Page {pages} of {pages}" in text(register, pages - 1)


def test_a_later_page_repeats_the_header_the_co_op_and_the_date(register: PdfReader) -> None:
    last = text(register, len(register.pages) - 1)

    assert "Hélène Dubois-Nowak" in last
    assert "300 Roundhay Road" in last
    headings = [
        last.find(heading) for heading in ("Membership number", "Postal address", "Date ceased")
    ]
    assert all(0 <= at < last.find("Hélène Dubois-Nowak") for at in headings)
    assert COOP in last
    assert "Register of members, as at 23 November 2026" in last
    assert "Entries for people who are no longer members are kept" in last


def test_every_row_is_printed_once(register: PdfReader) -> None:
    everything = " ".join(text(register, page) for page in range(len(register.pages)))

    for number, row in enumerate(register_rows(300), start=1):
        assert everything.count(f" {number} {row[1]} {number} Roundhay Road ") == 1


def test_the_pdf_is_tagged_with_a_title_and_the_language(register: PdfReader) -> None:
    catalog = register.trailer["/Root"]

    assert register.metadata is not None
    assert register.metadata.title == (
        "Register of members, as at 23 November 2026 – Mutual Support Care Co-operative"
    )
    assert register.metadata.author == COOP
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert "/StructTreeRoot" in catalog


def test_the_text_is_set_in_atkinson_hyperlegible_and_every_font_is_embedded(
    register: PdfReader,
) -> None:
    fonts = [font.get_object() for font in register.pages[0]["/Resources"]["/Font"].values()]
    names = {str(font["/BaseFont"]).split("+", 1)[1] for font in fonts}

    assert {
        "Atkinson-Hyperlegible",
        "Atkinson-Hyperlegible-Bold",
        "Atkinson-Hyperlegible-Latin-Extended",
    } <= names
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor


def test_an_empty_register_says_so() -> None:
    reader = PdfReader(
        io.BytesIO(
            render_register_pdf(
                "Register of trustees",
                "as at 1 April 2025",
                ["Name", "Date appointed"],
                [],
                "",
                COOP,
                generated_at=GENERATED_AT,
            )
        )
    )

    assert len(reader.pages) == 1
    assert "There are no entries." in text(reader, 0)


def test_a_row_with_the_wrong_number_of_cells_is_refused() -> None:
    with pytest.raises(ValueError, match="one value for each column"):
        render_register_pdf(
            "Register of trustees",
            "",
            ["Name", "Date appointed"],
            [["Amira Hassan"]],
            "",
            COOP,
            generated_at=GENERATED_AT,
        )


def test_markup_in_a_name_is_printed_as_text_not_obeyed() -> None:
    reader = PdfReader(
        io.BytesIO(
            render_register_pdf(
                "Register of trustees",
                "",
                ["Name"],
                [['<img src="https://evil.example/t.png">']],
                "",
                COOP,
                generated_at=GENERATED_AT,
            )
        )
    )

    assert '<img src="https://evil.example/t.png">' in text(reader, 0)


@pytest.mark.parametrize(
    "url",
    [
        "https://fonts.example/atkinson.woff2",
        "http://127.0.0.1:8000/static/coop.css",
        "file:///etc/passwd",
        (STATIC / "reports" / ".." / ".." / "templates" / "base.html").as_uri(),
        "file://fileserver.example/share/print.css",
        "data:text/css,body{color:red}",
    ],
)
def test_rendering_fetches_nothing_but_the_static_files(url: str) -> None:
    with pytest.raises(ResourceRefused):
        LocalFilesOnly().fetch(url)


def test_the_print_stylesheet_is_fetched_from_the_static_folder() -> None:
    response = LocalFilesOnly().fetch((STATIC / "reports" / "print.css").as_uri())

    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_a_document_that_asks_for_a_remote_stylesheet_is_not_rendered() -> None:
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>Leaky</title>'
        '<link rel="stylesheet" href="https://fonts.example/css?family=Leaky"></head>'
        "<body><p>Łukasz Wójcik</p></body></html>"
    )

    with pytest.raises(ResourceRefused, match="not a local file"):
        pdf_bytes(html, STATIC)


def test_a_thousand_row_register_renders_in_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.perf_counter()
    pdf = register_pdf(1000)
    seconds = time.perf_counter() - started

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    with capsys.disabled():
        print(f"\n1,000-row register: {pages} pages, {len(pdf):,} bytes in {seconds:.1f} s")
    # Generous, for a busy CI machine; locally it is a few seconds.
    assert seconds < 60


def test_the_generated_line_is_in_uk_time() -> None:
    assert uk_date_and_time(datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == "1 July 2026 at 12:00pm"
    assert uk_date_and_time(datetime(2026, 1, 5, 0, 30, tzinfo=UTC)) == "5 January 2026 at 12:30am"
