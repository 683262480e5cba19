"""Membership pages: applying, the trustees' member administration, members' own pages, the registers."""
