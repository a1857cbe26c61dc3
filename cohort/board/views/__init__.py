"""The board's pages: the thread list, search and settings (board.py), a thread with its
posts, feedback and moderation (thread.py), and the resource library (resources.py)."""

from flask import Blueprint

bp = Blueprint("board", __name__)

from cohort.board.views import board, resources, thread  # noqa: E402, F401  (their routes)


@bp.after_request
def _not_for_search_engines(response):
    """The board is private: no page or file of it is to be indexed."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
