"""Reports: the governance record, signed checkpoints and the AGM pack (to come)."""
