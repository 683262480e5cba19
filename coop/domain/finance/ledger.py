"""The co-op's books as a double-entry journal, derived from events, never edited.

Every transaction is a set of postings (account, pence) that adds up to nothing: what
one account gains another gives. Care comes from the priced visits (the user owes the
charge, the co-op owes the PA their pay); everything else is the treasurer's entries,
each with a category, a date and a reference. A mistake is put right by a reversing
entry (the same postings the other way round, saying why), never by an edit.

Account names follow the plain-text accounting convention (Assets, Liabilities, Income,
Expenses): income is posted as a negative amount and costs as positive ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from uuid import UUID

import msgspec

from coop.domain.errors import InvalidInput
from coop.domain.finance.pricing import Outcome, PricedVisit

BANK = "Assets:Bank"
USERS_OWE = "Assets:Receivable:Users"
PAS_OWED = "Liabilities:PAs"
CARE = "Income:Care"
CANCELLATIONS = "Income:Care:Cancellations"
PA_PAY = "Expenses:PA-Pay"


class Category(StrEnum):
    """What a treasurer's entry is for; each has its account and its direction."""

    GRANT = "grant"
    DONATION = "donation"
    OTHER_INCOME = "other_income"
    RENT = "rent"
    INSURANCE = "insurance"
    TRAINING = "training"
    OTHER_COST = "other_cost"
    USERS_PAID = "users_paid"  # money in from users for the care they were charged
    PAS_PAID = "pas_paid"  # wages paid out to PAs

    @property
    def account(self) -> str:
        return _ACCOUNTS[self]

    @property
    def money_in(self) -> bool:
        """Whether the entry brings money into the bank (else it pays money out)."""
        return self in (
            Category.GRANT,
            Category.DONATION,
            Category.OTHER_INCOME,
            Category.USERS_PAID,
        )


def category_of(value: str) -> Category:
    """The category named ``value``, or a refusal saying to choose one."""
    try:
        return Category(value)
    except ValueError:
        raise InvalidInput("Choose what the entry is for.", "category") from None


_ACCOUNTS = {
    Category.GRANT: "Income:Grants",
    Category.DONATION: "Income:Donations",
    Category.OTHER_INCOME: "Income:Other",
    Category.RENT: "Expenses:Rent",
    Category.INSURANCE: "Expenses:Insurance",
    Category.TRAINING: "Expenses:Training",
    Category.OTHER_COST: "Expenses:Other",
    Category.USERS_PAID: USERS_OWE,
    Category.PAS_PAID: PAS_OWED,
}


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """Something the treasurer records: income, a cost, or money in or out for care."""

    entry_id: UUID
    on: date
    category: Category
    amount_pence: int
    reference: str  # the invoice, receipt or grant letter
    description: str = ""
    reverses: UUID | None = None  # the entry this one puts right
    adjusts: str = ""  # the closed period a late fix belongs to
    reason: str = ""  # why, for a reversal or a late fix
    commitment: UUID | None = None  # the commitment from an earlier surplus this spends


def check_entry(entry: Entry) -> None:
    """Refuse an entry that can't go in the books, saying what to fix."""
    if not isinstance(entry.amount_pence, int) or isinstance(entry.amount_pence, bool):
        raise InvalidInput("The amount must be a whole number of pence.", "amount")
    if entry.amount_pence <= 0:
        raise InvalidInput("The amount must be more than £0.", "amount")
    if entry.amount_pence > 100_000_000_00:
        raise InvalidInput("The amount can't be more than £100,000,000.", "amount")
    if not entry.reference.strip():
        raise InvalidInput("Give a reference, such as the invoice or receipt number.", "reference")
    if len(entry.reference) > 100 or len(entry.description) > 500:
        raise InvalidInput(
            "Keep the reference under 100 characters and the description under 500.", "reference"
        )
    if (entry.reverses or entry.adjusts) and not entry.reason.strip():
        raise InvalidInput("Say why this entry puts another right.", "reason")


class Posting(msgspec.Struct, frozen=True, gc=False):
    account: str
    pence: int


class Transaction(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A dated set of postings that adds up to nothing."""

    source: str  # "visit" or "entry": where it came from
    source_id: UUID
    on: date
    narration: str
    postings: tuple[Posting, ...]
    reference: str = ""
    links: tuple[str, ...] = ()  # e.g. the entry a reversal puts right

    @property
    def id(self) -> str:
        """Where the transaction came from, as exports name it: "visit:<uuid>"."""
        return f"{self.source}:{self.source_id}"

    @property
    def total(self) -> int:
        return sum(p.pence for p in self.postings)


def visit_transaction(visit: PricedVisit) -> Transaction | None:
    """A priced visit's charge and pay, or None when it moved no money (a missed visit)."""
    income = CANCELLATIONS if visit.outcome is Outcome.LATE_CANCELLED else CARE
    postings = []
    if visit.charge_pence:
        postings += [Posting(USERS_OWE, visit.charge_pence), Posting(income, -visit.charge_pence)]
    if visit.pay_pence:
        postings += [Posting(PA_PAY, visit.pay_pence), Posting(PAS_OWED, -visit.pay_pence)]
    if not postings:
        return None
    what = "Late cancellation" if visit.outcome is Outcome.LATE_CANCELLED else "Care visit"
    return Transaction(
        source="visit",
        source_id=visit.visit_id,
        on=visit.on,
        narration=f"{what}, {visit.minutes} minutes" if visit.minutes else what,
        postings=tuple(postings),
    )


def entry_transaction(entry: Entry) -> Transaction:
    """A treasurer's entry as postings; a reversal posts the same the other way round."""
    amount = entry.amount_pence if entry.category.money_in else -entry.amount_pence
    if entry.reverses is not None:
        amount = -amount
    narration = entry.description or entry.category.value.replace("_", " ").capitalize()
    if entry.reverses is not None:
        narration = f"Reversal: {entry.reason}"
    elif entry.adjusts:
        narration = f"Adjustment to {entry.adjusts}: {entry.reason}"
    return Transaction(
        source="entry",
        source_id=entry.entry_id,
        on=entry.on,
        narration=narration,
        postings=(Posting(BANK, amount), Posting(entry.category.account, -amount)),
        reference=entry.reference,
        links=_links(entry),
    )


def _links(entry: Entry) -> tuple[str, ...]:
    links = (f"entry-{entry.reverses}",) if entry.reverses else ()
    return (*links, f"commitment-{entry.commitment}") if entry.commitment else links


class Journal(msgspec.Struct, frozen=True):
    """Every transaction, in date order (then by source, so the order never depends on arrival)."""

    transactions: tuple[Transaction, ...]

    def unbalanced(self) -> list[Transaction]:
        return [t for t in self.transactions if t.total != 0]

    def balances(self) -> dict[str, int]:
        """Each account's balance in pence, by account name."""
        found: dict[str, int] = defaultdict(int)
        for t in self.transactions:
            for p in t.postings:
                found[p.account] += p.pence
        return dict(sorted(found.items()))


def journal(visits: Iterable[PricedVisit], entries: Iterable[Entry]) -> Journal:
    """The books from the priced visits and the treasurer's entries."""
    found = [t for v in visits if (t := visit_transaction(v)) is not None]
    found += [entry_transaction(e) for e in entries]
    found.sort(key=lambda t: (t.on, t.source, t.source_id.int))
    return Journal(tuple(found))
