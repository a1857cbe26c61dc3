"""What needs a person on the board, for the home page and the cohort's overview (see
core/cards.py). A facilitator: the resources proposed for the library, and the feedback
requests nobody has answered for FEEDBACK_WAIT. A participant or team member: others' open
feedback requests they have not answered, and the answers and replies to their own requests
since their last visit to the board. A fixed number of queries for all the person's cohorts;
the evaluator, who does not see the board, is shown nothing of it.

Among the people to talk to: who gave feedback on the person's requests, and who asked for or
gave feedback on work on a hallmark the person's place works on (the request's action item, in
a plan its people share with the cohort). On a member's profile: the threads they started and
the requests they gave feedback on, to those who see the board."""

from datetime import UTC, datetime, timedelta

from flask import url_for
from sqlalchemy import and_, bindparam, func, or_, select, union_all

from cohort.board.models import (
    BoardVisit,
    FeedbackAnswer,
    FeedbackQuestion,
    Post,
    Resource,
    Thread,
)
from cohort.board.permissions import can_view_board
from cohort.board.services.activity import feedback_given, requests_and_givers, threads_started
from cohort.board.services.members import visit_since
from cohort.core.cards import FAIR, LATER, NOW, SOON, WEAK, Part, Reason, Todo
from cohort.core.database import prepared
from cohort.core.timeutil import UTCDateTime, utcnow
from cohort.extensions import db
from cohort.plans.services import hallmark_words, item_hallmarks, shared_places, standings

FEEDBACK_WAIT = timedelta(days=3)  # a request unanswered this long is the facilitators' to-do
MEMBER_ROLES = ("participant", "colleague")
NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # "since the last visit" for a member who has not visited yet


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _requests(cohort_ids):
    """Feedback requests still asking: not resolved, hidden or locked. `cohort_ids` is a list
    or an expanding bound parameter."""
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


@prepared
def _proposed():
    return (select(Resource.cohort_id, func.count())
            .where(Resource.cohort_id.in_(bindparam("cohorts", expanding=True)),
                   Resource.status == "proposed")
            .group_by(Resource.cohort_id))


@prepared
def _unanswered():
    unanswered = ~_answered_by(lambda author: author != Thread.author_id)
    return (select(Thread.cohort_id, func.count())
            .where(*_requests(bindparam("cohorts", expanding=True)),
                   Thread.created_at < bindparam("before"), unanswered)
            .group_by(Thread.cohort_id))


def _facilitator(run: list[int]) -> list[Todo]:
    found = [Todo(cohort_id, "resources_proposed",
                  _plural(count, "resource waits", "resources wait") + " for approval",
                  url_for("board.resources", cohort_id=cohort_id), count, SOON)
             for cohort_id, count in db.session.execute(_proposed(), {"cohorts": run}).all()]
    found += [Todo(cohort_id, "feedback_unanswered",
                   _plural(count, "feedback request has", "feedback requests have")
                   + f" had no answer for {FEEDBACK_WAIT.days} days",
                   _feedback_link(cohort_id), count, NOW)
              for cohort_id, count in db.session.execute(
                  _unanswered(), {"cohorts": run, "before": utcnow() - FEEDBACK_WAIT}).all()]
    return found


@prepared
def _unanswered_by_user():
    user = bindparam("user")
    mine = _answered_by(lambda author: author == user)
    return (select(Thread.cohort_id, func.count())
            .where(*_requests(bindparam("cohorts", expanding=True)),
                   Thread.author_id != user, ~mine)
            .group_by(Thread.cohort_id))


def _to_answer(user, members: list) -> list[Todo]:
    """Others' open requests the person has neither answered nor replied to."""
    return [Todo(cohort_id, "feedback_to_give",
                 _plural(count, "feedback request waits", "feedback requests wait")
                 + " for your answer",
                 _feedback_link(cohort_id), count, LATER)
            for cohort_id, count in db.session.execute(
                _unanswered_by_user(),
                {"cohorts": [m.cohort_id for m in members], "user": user.id}).all()]


@prepared
def _visits():
    return select(BoardVisit).where(
        BoardVisit.membership_id.in_(bindparam("memberships", expanding=True)))


def _answers_to_mine(user, members: list) -> list[Todo]:
    """Answers and replies by others to the person's requests since their last visit (as the
    board will mark them new): the visits in one query, answers and replies in another."""
    visits = {row.membership_id: row for row in db.session.execute(
        _visits(), {"memberships": [m.id for m in members]}).scalars()}
    since = {m.cohort_id: visit_since(visits.get(m.id)) or NEVER for m in members}
    values = {"user": user.id, "cohorts": list(since)}
    for n, (cohort_id, moment) in enumerate(since.items()):
        values |= {f"cohort{n}": cohort_id, f"since{n}": moment}
    counts: dict[int, int] = {}
    for cohort_id, count in db.session.execute(_new_to_mine(len(since)), values).all():
        counts[cohort_id] = counts.get(cohort_id, 0) + count
    return [Todo(cohort_id, "feedback_received",
                 _plural(count, "new answer or reply", "new answers or replies")
                 + " to your feedback requests",
                 _feedback_link(cohort_id), count, SOON)
            for cohort_id, count in counts.items() if count]


@prepared
def _new_to_mine(cohorts: int):
    """The counts, by cohort, of the answers and of the replies by others to the person's
    feedback requests newer than `since<n>` in `cohort<n>` (a cohort's row for each, in one
    statement): built once for each number of cohorts a person is in."""

    def newer(at):
        return or_(*(and_(Thread.cohort_id == bindparam(f"cohort{n}"),
                          at > bindparam(f"since{n}", type_=UTCDateTime))
                     for n in range(cohorts)))

    own = (Thread.kind == "feedback", Thread.author_id == bindparam("user"),
           Thread.cohort_id.in_(bindparam("cohorts", expanding=True)))
    answers = (select(Thread.cohort_id, func.count()).select_from(FeedbackAnswer)
               .join(FeedbackQuestion).join(Thread, Thread.id == FeedbackQuestion.thread_id)
               .where(*own, FeedbackAnswer.author_id != bindparam("user"), newer(
                   func.coalesce(FeedbackAnswer.updated_at, FeedbackAnswer.created_at))))
    replies = (select(Thread.cohort_id, func.count()).select_from(Post)
               .join(Thread, Thread.id == Post.thread_id)
               .where(*own, Post.number > 1, Post.deleted_at.is_(None),
                      Post.hidden_at.is_(None), Post.author_id != bindparam("user"),
                      newer(Post.created_at)))
    return union_all(answers.group_by(Thread.cohort_id), replies.group_by(Thread.cohort_id))


def todos(user, memberships: list) -> list[Todo]:
    current = [m for m in memberships if m.is_current]
    run = [m.cohort_id for m in current if m.role == "facilitator"]
    members = [m for m in current if m.role in MEMBER_ROLES]
    found = _facilitator(run) if run else []
    if members:
        found += _to_answer(user, members) + _answers_to_mine(user, members)
    return found


def _hallmarks_worked_on(members: list, rows: list) -> tuple[dict, dict]:
    """The hallmarks of each request's action item, for the requests whose plan the person may
    see in outline (their own place's, or one its people share), and the hallmarks each of the
    person's places works on (four queries, none when no request comes from an item)."""
    items = item_hallmarks({thread.action_item_id for thread, _giver in rows})
    if not items:
        return {}, {}
    own = {m.cohort_id: m.place_id for m in members if m.place_id is not None}
    seen = shared_places(list(own)) | set(own.values())
    works_on = {place_id: [key for key, standing in found.items() if standing.works_on]
                for place_id, found in standings(own.values()).items()}
    return ({item_id: keys for item_id, (place_id, keys) in items.items() if place_id in seen},
            {cohort_id: works_on.get(place_id, []) for cohort_id, place_id in own.items()})


def reasons(user, memberships: list, others: list) -> list[Reason]:
    """Who gave feedback on the person's requests (FAIR); who asked for feedback on work on a
    hallmark their place works on (FAIR), or gave some on it (WEAK). Hidden requests, and
    hidden or deleted replies, count for nothing."""
    members = [m for m in memberships if m.is_current and m.role in MEMBER_ROLES]
    by_user = {(o.cohort_id, o.user_id): o for o in others}
    if not members or not by_user:
        return []
    rows = requests_and_givers([m.cohort_id for m in members], user.id)
    item_keys, place_keys = _hallmarks_worked_on(members, rows)
    found: dict[tuple[int, str], Reason] = {}

    def add(cohort_id, user_id, text, strength):
        other = by_user.get((cohort_id, user_id))
        if other is not None and user_id != user.id:
            found.setdefault((other.id, text), Reason(other.id, text, strength))

    for thread, giver in rows:
        if thread.author_id == user.id:
            add(thread.cohort_id, giver, f"Gave feedback on your request “{thread.title}”", FAIR)
            continue
        common = [key for key in item_keys.get(thread.action_item_id, ())
                  if key in place_keys.get(thread.cohort_id, ())]
        if common:
            on = f"“{thread.title}”, on {hallmark_words(common)}, which your place works on too"
            add(thread.cohort_id, thread.author_id, f"Asked for feedback on {on}", FAIR)
            add(thread.cohort_id, giver, f"Gave feedback on {on}", WEAK)
    return list(found.values())


def profile(user, cohort, member) -> list[Part]:
    """The threads the member started and the requests they gave feedback on, the latest
    first, to those who see the board (two queries)."""
    if not can_view_board(user, cohort):
        return []
    return [Part("board/_profile.html", {"threads": threads_started(member),
                                         "feedback": feedback_given(member)})]
