"""Characters that make text display as something it is not: found, named and shown."""

from __future__ import annotations

import pytest

from coop.domain.membership.csv_cells import Bad
from coop.domain.membership.csv_cells import text as cell_text
from coop.domain.misleading_text import misleading_characters, refusal, with_misleading_shown

RLO = "\u202e"


@pytest.mark.parametrize(
    "name",
    [
        "Amira Hassan",
        "Zoë Ó Súilleabháin",
        "Siobhán Nic Dhonnchadha",
        "محمد الأحمد",  # right-to-left by its letters, not by a control
        "李小龙",
        "Jean-Luc O’Neill",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: a joiner between letters
        "\u0915\u094d\u200d\u0937",  # Devanagari: a joiner between letters
    ],
)
def test_real_names_in_any_script_have_nothing_misleading(name: str) -> None:
    assert misleading_characters(name) == []
    assert refusal("Full name", name) is None
    assert with_misleading_shown(name) == name


@pytest.mark.parametrize(
    ("name", "named"),
    [
        (f"Amira {RLO}nasaH", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("Amira\u2066 Hassan\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("Amira\u200fHassan", "U+200F RIGHT-TO-LEFT MARK"),
        ("Am\u200bira Hassan", "U+200B ZERO WIDTH SPACE"),
        ("Amira\u00adHassan", "U+00AD SOFT HYPHEN"),
        ("\ufeffAmira Hassan", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\u3164", "U+3164 HANGUL FILLER"),
        ("Amira Hassan\u200d", "U+200D ZERO WIDTH JOINER"),  # a joiner next to nothing
        ("Amira\u2028Hassan", "U+2028 LINE SEPARATOR"),
        ("Amira \ue000", "U+E000 unnamed character"),
    ],
)
def test_misleading_characters_are_found_and_named(name: str, named: str) -> None:
    assert misleading_characters(name)[0] == named
    message = refusal("Full name", name)
    assert message is not None
    assert message.startswith("Full name must not contain hidden characters")
    assert named in message


def test_stored_text_shows_each_misleading_character_as_its_code() -> None:
    assert with_misleading_shown(f"Amira {RLO}nasaH\u200b") == "Amira [U+202E]nasaH[U+200B]"


def test_a_spreadsheet_cell_with_a_right_to_left_override_is_refused() -> None:
    with pytest.raises(Bad, match="U\\+202E RIGHT-TO-LEFT OVERRIDE"):
        cell_text(f"Amira {RLO}nasaH", max_length=200)
