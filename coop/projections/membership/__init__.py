"""Membership read models: applicants and members, the registers, carers' links."""
