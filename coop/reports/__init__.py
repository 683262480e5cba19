"""Exports of the legal registers and other reports: CSV and printable PDF."""
