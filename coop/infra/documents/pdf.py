"""HTML to a tagged, accessible PDF (PDF/UA-1) with WeasyPrint, never touching the network."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML, URLFetcher
from weasyprint.urls import FatalURLFetchingError, URLFetcherResponse

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


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
    parts: Iterable[str], done: Callable[[int], None], base_url: Path = STATIC
) -> bytes:
    """One PDF/UA-1 document from several HTML documents, calling ``done(n)`` after each.

    A long batch (a letter for each of hundreds of members) is laid out a part at a
    time so that whoever waits for it can be told how far it has got.
    """
    url = base_url.resolve().as_uri() + "/"
    documents = []
    try:
        for n, html in enumerate(parts, 1):
            documents.append(HTML(string=html, base_url=url, url_fetcher=LocalFilesOnly()).render())
            done(n)
        if not documents:
            raise ValueError("a document needs at least one part")
        pages = [page for document in documents for page in document.pages]
        pdf: bytes = documents[0].copy(pages).write_pdf(pdf_variant="pdf/ua-1")
    except FatalURLFetchingError as error:
        raise ResourceRefused(str(error.__cause__ or error)) from error
    return pdf
