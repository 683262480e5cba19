"""Reports read models: the governance record (to come)."""
