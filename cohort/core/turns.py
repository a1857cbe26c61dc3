"""A scheduler job's work, one piece at a time, each committed on its own.

A job that queues mail for many people (each reminder due, each digest, each weekly summary)
hands its pieces to `in_turns`. Each piece is its own short transaction: on SQLite the sweep
holds the write lock for one piece at a time, so people's posts and answers go on between
(a job written as one transaction held it for all of them: a second and a half for the large
data set's thousand digests, and more than SQLite's busy timeout at a national programme's
twenty thousand); a crash repeats no piece and loses none; one piece that fails is logged and
rolled back, and the others go on. A job with `seconds` stops after that long (always after a
whole piece, and never before the first), leaving the rest to the next sweep, so a Monday
morning's summaries never hold up the reminders of the sweeps after it.
"""

import time
from collections.abc import Callable, Iterable

from flask import current_app

from cohort.core.database import commit, end_read
from cohort.extensions import db

__all__ = ["in_turns"]


def in_turns(pieces: Iterable[Callable[[], object]], what: str,
             seconds: float | None = None) -> int:
    """Do each piece in turn, committing each, until `seconds` have passed since the first
    (None: all of them); returns the sum of what they returned (True counts 1, None 0)."""
    deadline = None if seconds is None else time.monotonic() + seconds
    done = 0
    end_read()  # the read that found the pieces: each piece begins its own transaction
    for piece in pieces:
        try:
            done += int(piece() or 0)
            commit()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("%s failed (%s)", what,
                                         ", ".join(map(str, getattr(piece, "args", ()))))
        if deadline is not None and time.monotonic() >= deadline:
            break
    return done
