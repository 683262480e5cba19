"""The journal as plain text: CSV rows, and a beancount journal its own checker accepts.

Both are pure functions of the journal, so rebuilding the books from the events gives
the same bytes.
"""

from __future__ import annotations

import csv
import io

from coop.domain.finance.ledger import Journal, Transaction
from coop.domain.finance.money import decimal_pounds

CSV_HEADER = ("date", "transaction", "reference", "narration", "account", "amount_gbp")


def csv_text(journal: Journal) -> str:
    """One row per posting; amounts in pounds with two decimals (income negative).

    What people typed (references, narrations) never reaches a spreadsheet as a formula.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for t in journal.transactions:
        for p in t.postings:
            writer.writerow(
                (
                    t.on.isoformat(),
                    t.id,
                    _cell(t.reference),
                    _cell(t.narration),
                    p.account,
                    decimal_pounds(p.pence),
                )
            )
    return out.getvalue()


def _cell(text: str) -> str:
    """Typed text a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _quoted(text: str) -> str:
    """A beancount string: its quotes and backslashes made harmless, on one line."""
    cleaned = " ".join(text.replace("\\", "/").replace('"', "”").split())
    return f'"{cleaned}"'


def _transaction(t: Transaction) -> list[str]:
    links = "".join(f" ^{link}" for link in t.links)
    lines = [f"{t.on.isoformat()} * {_quoted(t.narration)}{links}", f"  coop-id: {_quoted(t.id)}"]
    if t.reference:
        lines.append(f"  reference: {_quoted(t.reference)}")
    lines += [f"  {p.account}  {decimal_pounds(p.pence)} GBP" for p in t.postings]
    return lines


def beancount_text(journal: Journal, *, title: str) -> str:
    """The journal in beancount's syntax, every account opened on the first day."""
    lines = [f'option "title" {_quoted(title)}', 'option "operating_currency" "GBP"', ""]
    if journal.transactions:
        first = journal.transactions[0].on.isoformat()
        accounts = sorted({p.account for t in journal.transactions for p in t.postings})
        lines += [f"{first} open {account} GBP" for account in accounts]
    for t in journal.transactions:
        lines += ["", *_transaction(t)]
    return "\n".join(lines) + "\n"
