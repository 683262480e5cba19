"""Membership: applying, admission, a member's life, carers' links, the registers, old records."""
