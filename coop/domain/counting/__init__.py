"""Counting votes: pure, exact functions over Fractions, with no I/O."""
