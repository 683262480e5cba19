"""Governance pages: ballots and voting, meetings, proposals, the rules."""
