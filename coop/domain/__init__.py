"""The co-op's rules as aggregates and pure functions: no I/O here."""
