"""Finance read models: the ledger, periods and the surplus (to come)."""
