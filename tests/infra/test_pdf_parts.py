"""A long register laid out in parts and joined: one document, read back with a PDF reader."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from pypdf import PdfReader

from coop.web.membership import register_documents
from tests.infra.test_pdf import COOP, register_pdf, register_rows, text

ROWS = 100


@pytest.fixture(scope="module")
def joined() -> PdfReader:
    """The register of 100 members laid out 40 rows at a time: three parts."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(register_documents, "ROWS_PER_PART", 40)
        return PdfReader(io.BytesIO(register_pdf(ROWS)))


def everything(reader: PdfReader) -> str:
    return " ".join(text(reader, page) for page in range(len(reader.pages)))


def structure(reader: PdfReader) -> Counter[str]:
    """How many of each kind of tag the document's structure tree holds."""
    found: Counter[str] = Counter()

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get") and "/S" in node:
            found[str(node["/S"])] += 1
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def test_the_pages_are_numbered_through_the_whole_document(joined: PdfReader) -> None:
    pages = len(joined.pages)

    for page in range(pages):
        assert f"Page {page + 1} of {pages}" in text(joined, page)


def test_every_page_after_the_first_has_the_running_header(joined: PdfReader) -> None:
    for page in range(1, len(joined.pages)):
        assert f"{COOP} Register of members, as at 23 November 2026" in text(joined, page)
        assert "Generated on 23 November 2026 at 2:05pm" in text(joined, page)


def test_every_row_is_printed_once_under_one_heading_and_one_count(joined: PdfReader) -> None:
    all_text = everything(joined)

    for number, row in enumerate(register_rows(ROWS), start=1):
        assert all_text.count(f" {number} {row[1]} {number} Roundhay Road ") == 1
    assert all_text.count("100 entries") == 1
    assert all_text.count("Entries for people who are no longer members are kept") == 1
    assert "Hélène Dubois-Nowak" in text(joined, len(joined.pages) - 1)


def test_the_joined_document_is_tagged_with_one_heading_and_a_table_on_each_page(
    joined: PdfReader,
) -> None:
    catalog = joined.trailer["/Root"]
    tags = structure(joined)

    assert joined.metadata is not None
    assert joined.metadata.title == (
        "Register of members, as at 23 November 2026 – Mutual Support Care Co-operative"
    )
    assert catalog["/Lang"] == "en-GB"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert tags["/H1"] == 1
    assert tags["/Caption"] == 1
    assert tags["/Table"] == len(joined.pages)  # WeasyPrint tags a table once a page
    assert tags["/TH"] == 8 * len(joined.pages)  # the header row repeats on each
    assert tags["/TD"] == 8 * ROWS


def test_the_columns_line_up_from_one_part_to_the_next() -> None:
    widths = register_documents.column_widths(["Number", "Name"], [["1", "Łukasz Wójcik"]])

    assert widths == [round(100 * 6 / 19, 2), round(100 * 13 / 19, 2)]
