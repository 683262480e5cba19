"""Characters that make text display as something it is not.

A right-to-left override (U+202E) shows "Amira" followed by reversed letters, so a
name can read as another's; a zero-width space makes two names that look the same
differ; a soft hyphen or a Hangul filler is there but cannot be seen. None of them
belongs in a name or in other text people read, so they are refused where text is
entered, and shown as codes, like "[U+202E]", where text already stored is displayed.

The joiners U+200C and U+200D are the exception between two letters: Persian, Hindi
and other scripts need them to spell words (and they change nothing's direction).
"""

from __future__ import annotations

import unicodedata

# Unicode categories of characters that are invisible or reorder the text around them:
# format (Cf: bidi controls, zero-width spaces, soft hyphen, tags), private use (Co),
# surrogates (Cs), and line and paragraph separators (Zl, Zp) inside a line of text.
_MISLEADING_CATEGORIES = frozenset({"Cf", "Co", "Cs", "Zl", "Zp"})
# Letters and marks that draw nothing (Hangul fillers, braille blank, the combining
# grapheme joiner), used to fake a blank name or hide a difference.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180e")
_JOINERS = frozenset("\u200c\u200d")


def _is_letter(c: str) -> bool:
    return unicodedata.category(c)[0] in "LM"


def _misleading_at(value: str, i: int) -> bool:
    c = value[i]
    if c in _JOINERS:
        return not (
            0 < i < len(value) - 1 and _is_letter(value[i - 1]) and _is_letter(value[i + 1])
        )
    return c in _BLANK_LOOKING or unicodedata.category(c) in _MISLEADING_CATEGORIES


def misleading_characters(value: str) -> list[str]:
    """Each misleading character in ``value``, once, as "U+202E RIGHT-TO-LEFT OVERRIDE"."""
    if value.isascii():  # the usual case, and ASCII has none
        return []
    found = dict.fromkeys(
        f"U+{ord(value[i]):04X} {unicodedata.name(value[i], 'unnamed character')}"
        for i in range(len(value))
        if _misleading_at(value, i)
    )
    return list(found)


def with_misleading_shown(value: str) -> str:
    """``value`` with each misleading character replaced by its code, like "[U+202E]"."""
    if value.isascii():
        return value
    return "".join(
        f"[U+{ord(c):04X}]" if _misleading_at(value, i) else c for i, c in enumerate(value)
    )


def refusal(label: str, value: str) -> str | None:
    """What to tell someone whose ``label`` has misleading characters (None if it has none)."""
    found = misleading_characters(value)
    if not found:
        return None
    named = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
    return (
        f"{label} must not contain hidden characters that change how text is shown "
        f"({named}): type it again without them"
    )
