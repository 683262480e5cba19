"""Notice of a general meeting or a ballot: how each member is to be given theirs."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class NoticeMethod(StrEnum):
    """How a notice reaches a member: by e-mail, or a posted letter in their format."""

    EMAIL = "email"
    LETTER = "letter"
    LARGE_PRINT = "large_print"
    EASY_READ = "easy_read"

    @property
    def posted(self) -> bool:
        """True for letters the office prints and posts."""
        return self is not NoticeMethod.EMAIL


# Printed formats first: a member who asked for Easy Read or large print needs
# the notice in that format, even if they also gave an e-mail address.
_BY_PREFERENCE = (NoticeMethod.EASY_READ, NoticeMethod.LARGE_PRINT)


def notice_method(contact_methods: Iterable[str], email: str) -> NoticeMethod:
    """The way this member asked to be told, falling back to a letter.

    Notice must be in writing: a member who chose only the phone or BSL still gets
    a letter (the office can phone or arrange BSL as well), and so does a member who
    chose e-mail but has no address on record.
    """
    chosen = set(contact_methods)
    for method in _BY_PREFERENCE:
        if method in chosen:
            return method
    if "email" in chosen and email.strip():
        return NoticeMethod.EMAIL
    return NoticeMethod.LETTER


METHOD_NAMES = {
    NoticeMethod.EMAIL: "Email",
    NoticeMethod.LETTER: "Letter",
    NoticeMethod.LARGE_PRINT: "Large print letter",
    NoticeMethod.EASY_READ: "Easy Read letter",
}
