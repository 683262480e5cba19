"""Outgoing mail: an outbox table in PostgreSQL, and a sender that empties it by SMTP."""
