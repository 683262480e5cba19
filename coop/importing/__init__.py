"""Bringing a co-op's existing members in from its old records (a spreadsheet)."""
