"""Governance: the rules, meetings, ballots, votes, reserved seats and members' proposals."""
