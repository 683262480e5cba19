"""Infrastructure every context stands on: the database, the event store, sealing of personal data, the audit chain, mail and documents."""
