"""Documents for people to keep: CSV files and accessible PDFs."""
