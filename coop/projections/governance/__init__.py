"""Governance read models: ballots, meetings, advocacy and the rules."""
