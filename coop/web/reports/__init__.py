"""Reports pages: the governance record and the AGM pack (to come)."""
