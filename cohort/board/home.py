"""What needs a person on the board, for the home page and the cohort's overview (see
core/cards.py). A facilitator: the resources proposed for the library, and the feedback
requests nobody has answered for FEEDBACK_WAIT. A participant or team member: others' open
feedback requests they have not answered, and the answers and replies to their own requests
since their last visit to the board. A fixed number of queries for all the person's cohorts;
the evaluator, who does not see the board, is shown nothing of it."""

from datetime import UTC, datetime, timedelta

from flask import url_for
from sqlalchemy import and_, func, or_, select

from cohort.board.models import (
    BoardVisit,
    FeedbackAnswer,
    FeedbackQuestion,
    Post,
    Resource,
    Thread,
)
from cohort.board.services.members import visit_since
from cohort.core.cards import LATER, NOW, SOON, Todo
from cohort.core.timeutil import utcnow
from cohort.extensions import db

FEEDBACK_WAIT = timedelta(days=3)  # a request unanswered this long is the facilitators' to-do
MEMBER_ROLES = ("participant", "colleague")
NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # "since the last visit" for a member who has not visited yet


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _requests(cohort_ids: list[int]):
    """Feedback requests still asking: not resolved, hidden or locked."""
    return (Thread.kind == "feedback", Thread.cohort_id.in_(cohort_ids),
            Thread.resolved_at.is_(None), Thread.hidden_at.is_(None),
            Thread.locked_at.is_(None))


def _answered_by(who):
    """The thread has an answer or a reply (not deleted) from `who` (an expression or id)."""
    answered = select(FeedbackAnswer.id).join(FeedbackQuestion).where(
        FeedbackQuestion.thread_id == Thread.id, who(FeedbackAnswer.author_id)).exists()
    replied = select(Post.id).where(
        Post.thread_id == Thread.id, Post.number > 1, Post.deleted_at.is_(None),
        who(Post.author_id)).exists()
    return answered | replied


def _feedback_link(cohort_id: int) -> str:
    return url_for("board.index", cohort_id=cohort_id, kind="feedback")


def _facilitator(run: list[int]) -> list[Todo]:
    found = [Todo(cohort_id, "resources_proposed",
                  _plural(count, "resource waits", "resources wait") + " for approval",
                  url_for("board.resources", cohort_id=cohort_id), count, SOON)
             for cohort_id, count in db.session.execute(
                 select(Resource.cohort_id, func.count())
                 .where(Resource.cohort_id.in_(run), Resource.status == "proposed")
                 .group_by(Resource.cohort_id)).all()]
    unanswered = ~_answered_by(lambda author: author != Thread.author_id)
    found += [Todo(cohort_id, "feedback_unanswered",
                   _plural(count, "feedback request has", "feedback requests have")
                   + f" had no answer for {FEEDBACK_WAIT.days} days",
                   _feedback_link(cohort_id), count, NOW)
              for cohort_id, count in db.session.execute(
                  select(Thread.cohort_id, func.count())
                  .where(*_requests(run), Thread.created_at < utcnow() - FEEDBACK_WAIT,
                         unanswered)
                  .group_by(Thread.cohort_id)).all()]
    return found


def _to_answer(user, members: list) -> list[Todo]:
    """Others' open requests the person has neither answered nor replied to."""
    mine = _answered_by(lambda author: author == user.id)
    return [Todo(cohort_id, "feedback_to_give",
                 _plural(count, "feedback request waits", "feedback requests wait")
                 + " for your answer",
                 _feedback_link(cohort_id), count, LATER)
            for cohort_id, count in db.session.execute(
                select(Thread.cohort_id, func.count())
                .where(*_requests([m.cohort_id for m in members]),
                       Thread.author_id != user.id, ~mine)
                .group_by(Thread.cohort_id)).all()]


def _answers_to_mine(user, members: list) -> list[Todo]:
    """Answers and replies by others to the person's requests since their last visit (as the
    board will mark them new): the visits in one query, answers and replies in one each."""
    visits = {row.membership_id: row for row in db.session.execute(select(BoardVisit).where(
        BoardVisit.membership_id.in_([m.id for m in members]))).scalars()}
    since = {m.cohort_id: visit_since(visits.get(m.id)) or NEVER for m in members}

    def newer(at):
        return or_(*(and_(Thread.cohort_id == cohort_id, at > moment)
                     for cohort_id, moment in since.items()))

    own = (Thread.kind == "feedback", Thread.author_id == user.id,
           Thread.cohort_id.in_(list(since)))
    counts: dict[int, int] = {}
    for statement in (
            select(Thread.cohort_id, func.count()).select_from(FeedbackAnswer)
            .join(FeedbackQuestion).join(Thread, Thread.id == FeedbackQuestion.thread_id)
            .where(*own, FeedbackAnswer.author_id != user.id, newer(
                func.coalesce(FeedbackAnswer.updated_at, FeedbackAnswer.created_at))),
            select(Thread.cohort_id, func.count()).select_from(Post)
            .join(Thread, Thread.id == Post.thread_id)
            .where(*own, Post.number > 1, Post.deleted_at.is_(None),
                   Post.hidden_at.is_(None), Post.author_id != user.id,
                   newer(Post.created_at))):
        for cohort_id, count in db.session.execute(
                statement.group_by(Thread.cohort_id)).all():
            counts[cohort_id] = counts.get(cohort_id, 0) + count
    return [Todo(cohort_id, "feedback_received",
                 _plural(count, "new answer or reply", "new answers or replies")
                 + " to your feedback requests",
                 _feedback_link(cohort_id), count, SOON)
            for cohort_id, count in counts.items() if count]


def todos(user, memberships: list) -> list[Todo]:
    current = [m for m in memberships if m.is_current]
    run = [m.cohort_id for m in current if m.role == "facilitator"]
    members = [m for m in current if m.role in MEMBER_ROLES]
    found = _facilitator(run) if run else []
    if members:
        found += _to_answer(user, members) + _answers_to_mine(user, members)
    return found
