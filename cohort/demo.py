"""Demo data (being written)."""
