"""Who may reach the home module's routes: declared on the routes (cohort/core/guard.py)."""
