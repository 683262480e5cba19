"""Money: rates, financial periods, the ledger and the surplus (to come)."""
