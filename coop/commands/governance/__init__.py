"""Governance commands: the rules, meetings, ballots, voting and proposals."""
