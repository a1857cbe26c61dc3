"""The home module's pages: the home page and a cohort's overview (overview.py), and the
person's notifications (notices.py)."""

from flask import Blueprint

bp = Blueprint("home", __name__)

from cohort.home.views import notices, overview  # noqa: E402, F401  (their routes)
