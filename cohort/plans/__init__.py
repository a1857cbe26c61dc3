"""Maturity frameworks, self-assessment against their hallmarks, and each place's action plan."""
