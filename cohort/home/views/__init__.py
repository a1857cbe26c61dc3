"""The home module's pages: the home page and a cohort's overview (overview.py), the member
list and each member's profile (people.py), and the person's notifications (notices.py)."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from cohort.home.views import notices, overview, people  # noqa: E402, F401  (their routes)
