"""Accounts: signing in and out, invitations and password resets, staff roles, the outbox."""
