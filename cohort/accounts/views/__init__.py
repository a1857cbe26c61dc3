"""The accounts module's pages: sign-in, invitations, password reset, a person's account and
settings pages and one-click unsubscribe (people.py), a person's data and its erasure
(data.py), and the site admin's pages (admin.py)."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from cohort.accounts.views import admin, data, people  # noqa: E402, F401  (their routes)
