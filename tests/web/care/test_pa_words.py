"""Refusals about a PA, as the PA reads them on their own pages."""

from __future__ import annotations

from coop.web.care.staff_words import to_the_pa


def test_a_refusal_about_the_pa_is_said_to_them() -> None:
    assert (
        to_the_pa(
            "Sam already has a visit from 10:00 to 11:00, and needs 15 minutes to travel between visits.",
            "Sam",
        )
        == "You already have a visit from 10:00 to 11:00, and need 15 minutes to travel between visits."
    )
    assert (
        to_the_pa(
            "Sam is not available from 18:00 to 19:00 on Tuesday 24 November 2026: they work 09:00 to 17:00 on Tuesdays.",
            "Sam",
        )
        == "You are not available from 18:00 to 19:00 on Tuesday 24 November 2026: you work 09:00 to 17:00 on Tuesdays."
    )
    assert to_the_pa("Sam is not trained for hoist, which this visit needs.", "Sam") == (
        "You are not trained for hoist, which this visit needs."
    )


def test_other_refusals_are_left_as_they_are() -> None:
    assert to_the_pa("This visit has not been offered to you.", "Sam") == (
        "This visit has not been offered to you."
    )
    assert (
        to_the_pa("Samira already has a visit then.", "Sam") == "Samira already has a visit then."
    )
    assert to_the_pa("Sam has asked not to have visits from Sam.", "Sam") == (
        "Sam has asked not to have visits from Sam."
    )
