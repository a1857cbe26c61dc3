"""The home module's pages: the home page and a cohort's overview (overview.py), the member
list and each member's profile (people.py)."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from cohort.home.views import overview, people  # noqa: E402, F401  (their routes)
