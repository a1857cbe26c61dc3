"""The cohort module's pages: opening a cohort, its settings, staff, the member directory and
the admin's invitation page (cohorts.py); the audit log, the site admin's and each cohort's
(audit.py); the site admin's list of cohorts and import of people (admin.py)."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)

from cohort.cohorts.views import admin, audit, cohorts  # noqa: E402, F401  (their routes)
