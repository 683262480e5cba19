"""The event store: msgspec codec and group commit on the eventsourcing library."""
