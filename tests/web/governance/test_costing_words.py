"""How a rate change's cost is put into words for members: a sum they can check."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

from coop.projections.governance.queries import ProposalView
from coop.web.governance.proposal_forms import costing_text


def a_rise(cost_pence: int) -> ProposalView:
    """50p an hour more for PAs over 240 hours of care, costing ``cost_pence``."""
    return ProposalView(
        proposal_id=uuid4(),
        member_id=uuid4(),
        member_class="pa",
        proposer="Ewan McAllister",
        membership_number=4,
        title="50p an hour more for PAs",
        description="",
        benefits="pas",
        cost_pence=cost_pence,
        rate="pa_pay",
        pence_per_hour=50,
        hours=Decimal(240),
        state="proposed",
        on_ballot=False,
        reason="",
        proposed_at=datetime(2026, 11, 23, tzinfo=UTC),
    )


def test_a_rise_on_plain_daytime_hours_is_the_product_of_the_rise_and_the_hours() -> None:
    assert costing_text(a_rise(12_000), "2025 to 2026") == (
        "50p an hour more for PAs × 240 hours of care delivered in 2025 to 2026 = £120.00"
    )


def test_a_rise_whose_hours_carry_uplifts_does_not_show_a_sum_that_does_not_add_up() -> None:
    words = costing_text(a_rise(13_050), "2025 to 2026")
    assert "= £130.50" not in words
    assert words == (
        "50p an hour more for PAs × 240 hours of care delivered in 2025 to 2026, counting"
        " the rules' extra for nights, weekends and bank holidays: £130.50"
    )
