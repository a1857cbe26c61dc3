"""Cohorts, organisations and memberships (applications, waitlist and handover build on these)."""
