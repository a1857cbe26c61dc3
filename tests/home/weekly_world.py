"""A world for the weekly summary's tests (tests/home/test_weekly*.py), built by their fixtures.

Wellbeing 2026 runs: Fay facilitates, Ada and Cy hold places (Ada since long ago, Cy too), Ben
is on Ada's team, Eve evaluates. This week Nia took a place and Tom asked to join Cy's team
(not yet approved); Olga took hers a month ago. On the board, Cy and Ben wrote in "Measuring
wellbeing" (3 posts) and "Sharing our survey" (1 post); a thread Fay hid had 5 new posts;
"Last month" had its posts weeks ago; "Ada thinking aloud" has only Ada's own posts. Ada
also left "Left 2025" (busy, with a newcomer) and is in "Finished 2024" (finished, busy).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from cohort.board import services as board
from cohort.board.models import Post, Thread
from cohort.board.services import NewThread
from cohort.core.database import commit
from cohort.core.timeutil import utcnow
from cohort.extensions import db

LONG_AGO = timedelta(days=200)


@dataclass
class World:
    cohort: Any
    fay: Any
    ada: Any
    ben: Any
    cy: Any
    eve: Any
    nia: Any
    tom: Any
    olga: Any
    left: Any  # the cohort Ada left
    finished: Any  # the finished cohort Ada is still in


def _thread(membership, title: str, posts: int = 0, by=None, kind: str = "discussion"):
    """A thread `membership` starts, then `posts` replies by `by` (committed)."""
    thread = board.create_thread(membership.user, membership, membership.cohort,
                                 NewThread(kind=kind, title=title, body="Let us talk."))
    for n in range(posts):
        board.reply(by.user, by, thread, f"Reply {n + 1}.")
    commit()
    return thread


def _age(thread, days: int) -> None:
    """Move every post of the thread `days` into the past."""
    db.session.execute(update(Post).where(Post.thread_id == thread.id)
                       .values(created_at=utcnow() - timedelta(days=days)))
    commit()


def _busy_cohort(title: str, make_cohort, make_member, make_holder, make_user, ada_user,
                 status: str, **ada_fields):
    cohort = make_cohort(title, status="running")
    ada = make_member(cohort, "participant", user=ada_user, **ada_fields)
    pat = make_holder(cohort, user=make_user(name=f"Pat of {title}"), since=LONG_AGO)
    for membership in (ada, pat):
        board.acknowledge(membership)
    commit()
    _thread(pat, f"Busy thread of {title}", 4, by=pat)
    make_holder(cohort, user=make_user(name=f"Newcomer of {title}"), since=timedelta(days=1))
    cohort.status = status
    if status == "finished":
        ada.status = "active"
    else:
        ada.status, ada.left_at = "left", utcnow()
    commit()
    return cohort


def build(make_cohort, make_member, make_holder, make_user) -> World:
    cohort = make_cohort("Wellbeing 2026")
    ada = make_holder(cohort, user=make_user("ada@example.org", "Ada Lovelace"),
                      organisation="Anytown Council", since=LONG_AGO)
    cy = make_holder(cohort, user=make_user("cy@example.org", "Cy Young"),
                     organisation="Othertown Council", since=LONG_AGO)
    ben = make_member(cohort, "colleague", user=make_user("ben@example.org", "Ben Byron"),
                      place=ada.place)
    fay = make_member(cohort, "facilitator", user=make_user("fay@example.org", "Fay Fairweather"))
    eve = make_member(cohort, "evaluator", user=make_user("eve@example.org", "Eve Evans"))
    for membership in (ben, fay, eve):
        membership.joined_at = utcnow() - LONG_AGO
    for membership in (ada, ben, cy, fay):
        board.acknowledge(membership)
    commit()
    nia = make_holder(cohort, user=make_user("nia@example.org", "Nia Newton"),
                      organisation="Newtown Council", since=timedelta(days=2))
    olga = make_holder(cohort, user=make_user("olga@example.org", "Olga Older"),
                       organisation="Oldtown Council", since=timedelta(days=30))
    tom = make_member(cohort, "colleague", user=make_user("tom@example.org", "Tom Waiting"),
                      place=cy.place, approved=False)

    _thread(cy, "Measuring wellbeing", 2, by=ben)  # Cy's opening post and Ben's 2 replies
    _thread(ben, "Sharing our survey")
    hidden = _thread(cy, "A thread Fay hid", 4, by=cy)
    last_month = _thread(cy, "Last month", 6, by=cy)
    _age(last_month, 20)
    _thread(ada, "Ada thinking aloud", 3, by=ada)
    db.session.execute(update(Thread).where(Thread.id == hidden.id).values(hidden_at=utcnow()))
    commit()

    left = _busy_cohort("Left 2025", make_cohort, make_member, make_holder, make_user,
                        ada.user, "running")
    finished = _busy_cohort("Finished 2024", make_cohort, make_member, make_holder, make_user,
                            ada.user, "finished")
    return World(cohort, fay, ada, ben, cy, eve, nia, tom, olga, left, finished)
