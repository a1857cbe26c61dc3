"""Survey instruments and their analysis (no Flask import): definitions, validation, scoring,
statistics and charts."""
