"""Finance: rates, pricing the care delivered, the ledger, financial periods and the surplus."""
