"""What the ballot file readers share: decoding the bytes, and refusing a malformed file."""

from __future__ import annotations


class MalformedFile(ValueError):
    """A ballot file that cannot be read; the message names the line (``line 12: …``)."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}" if line else problem)
        self.line = line


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark dropped), else Latin-1, as older files are."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")
