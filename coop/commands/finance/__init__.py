"""The finance context's commands: rates, periods, the ledger, the surplus and decisions."""
