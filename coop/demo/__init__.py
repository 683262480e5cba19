"""The demo co-op: two years of a care co-op's life, made through the real commands."""
