"""Membership commands: applying, deciding, a member's life, carers' links, importing."""
