"""Accounts: who can sign in, with which roles (handlers write the table, queries read it)."""
