"""The signals the board acts on: each session's thread follows the session (made when it is
scheduled, renamed when it changes, locked when it is cancelled)."""

from cohort.board.services import session_threads
from cohort.programme import signals

RECEIVERS = [
    (signals.session_scheduled, session_threads.on_session_scheduled),
    (signals.session_changed, session_threads.on_session_changed),
    (signals.session_cancelled, session_threads.on_session_cancelled),
]
