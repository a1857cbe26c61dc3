"""The cohort itself: Cohort, its memberships, roles and places; who may see a cohort and the
loader that answers 404 for another cohort's object. Every feature module builds on it."""
