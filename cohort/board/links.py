"""The links the board offers on other modules' pages: a session's thread on the session's
page, and feedback requests (and asking for one) on an action item's page."""

from cohort.board.services import session_threads

LINKS = [
    ("programme_session", session_threads.session_links),
    ("action_item", session_threads.item_links),
]
