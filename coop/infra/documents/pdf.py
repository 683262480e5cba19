"""HTML to a tagged, accessible PDF (PDF/UA-1) with WeasyPrint, never touching the network."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
from weasyprint import HTML, URLFetcher
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcherResponse

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
# The margin box that says "Page X of Y" (reports/print.css).
PAGE_NUMBER_BOX = "@bottom-right"


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """Every page's reference, listed again only when a page has been added."""
    kids = pdf.pages["Kids"]
    count: int
    references: tuple[bytes, ...]
    count, references = pdf.__dict__.get("_coop_page_references", (-1, ()))
    if count != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        pdf.__dict__["_coop_page_references"] = (len(kids), references)
    return references


# pydyf lists every page's reference afresh each time a tagged element names its
# page, which makes a tagged PDF quadratic in its pages: about a minute of a
# 1,000-page register's writing went there. Same answer, listed once.
pydyf.PDF.page_references = property(_page_references)


class ResourceRefused(ValueError):
    """The document asked for something other than a file under the static folder."""


class LocalFilesOnly(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type hints
    """Fetches ``file:`` URLs under one folder, and refuses everything else.

    A PDF holds members' personal data, so rendering one must never reach out
    to the network (tracking pixels, remote fonts) or read other local files.
    """

    def __init__(self, root: Path = STATIC) -> None:
        # fail_on_errors: a refused or missing resource stops the rendering
        # instead of quietly producing a PDF without its fonts or styles.
        super().__init__(allowed_protocols=["file"], fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"not a local file: {url}")
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ResourceRefused(f"not a file under {self.root}: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})


def pdf_bytes(html: str, base_url: Path | str = STATIC) -> bytes:
    """The HTML as a PDF/UA-1 document: tagged, with its title and language.

    The title comes from the HTML's ``<title>``, the language from
    ``<html lang>``; relative URLs resolve against ``base_url`` and only files
    under the static folder can be loaded.
    """
    if isinstance(base_url, Path):
        base_url = base_url.resolve().as_uri() + ("/" if base_url.is_dir() else "")
    document = HTML(string=html, base_url=base_url, url_fetcher=LocalFilesOnly())
    try:
        pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    except FatalURLFetchingError as error:
        # WeasyPrint's error is a BaseException, which web frameworks do not catch.
        raise ResourceRefused(str(error.__cause__ or error)) from error
    return pdf


def pdf_in_parts(
    parts: Iterable[str],
    done: Callable[[int], None],
    base_url: Path = STATIC,
    *,
    numbered: bool = False,
) -> bytes:
    """One PDF/UA-1 document from several HTML documents, calling ``done(n)`` after each.

    A long batch (a letter for each of hundreds of members) is laid out a part at a
    time so that whoever waits for it can be told how far it has got; and
    WeasyPrint lays out one huge table in time that grows faster than its rows,
    so a long register is laid out a few hundred rows at a time. ``numbered``:
    the parts' "Page X of Y" boxes count the whole document's pages, not each part's.
    The joined document keeps the first part's title and language, and each
    part's tags in order.
    """
    url = base_url.resolve().as_uri() + "/"
    fonts = FontConfiguration()  # the fonts are loaded once, not once a part
    documents: list[Document] = []
    try:
        for n, html in enumerate(parts, 1):
            documents.append(
                HTML(string=html, base_url=url, url_fetcher=LocalFilesOnly()).render(
                    font_config=fonts
                )
            )
            done(n)
        if not documents:
            raise ValueError("a document needs at least one part")
        pages = [page for document in documents for page in document.pages]
        if numbered and len(documents) > 1:
            _number_pages(pages, url, fonts)
        pdf: bytes = documents[0].copy(pages).write_pdf(pdf_variant="pdf/ua-1")
    except FatalURLFetchingError as error:
        raise ResourceRefused(str(error.__cause__ or error)) from error
    return pdf


_BLANK_PAGES = (
    '<!DOCTYPE html><html lang="en-GB"><head><title>Pages</title>'
    '<link rel="stylesheet" href="reports/print.css"></head><body>{}</body></html>'
)


def _number_pages(pages: list[Any], url: str, fonts: FontConfiguration) -> None:
    """Put on each page the "Page X of Y" box of a blank document as long as all of them.

    Each part numbered its own pages; the total is known only once every part
    is laid out, and laying blank pages out takes a moment where laying the
    parts out again would take as long as the first time. Margin boxes are
    artefacts outside the tags, so the swap leaves the structure as it was.
    """
    blank = HTML(
        string=_BLANK_PAGES.format('<div style="break-after: page"></div>' * len(pages)),
        base_url=url,
        url_fetcher=LocalFilesOnly(),
    ).render(font_config=fonts)
    for page, numbered in zip(pages, blank.pages, strict=True):
        (number,) = (b for b in numbered._page_box.children if _is_page_number(b))
        page._page_box.children = tuple(
            number if _is_page_number(box) else box for box in page._page_box.children
        )


def _is_page_number(box: Any) -> bool:
    return getattr(box, "at_keyword", None) == PAGE_NUMBER_BOX
