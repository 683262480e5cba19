"""Finance pages: the ledger, periods, the surplus (to come)."""
