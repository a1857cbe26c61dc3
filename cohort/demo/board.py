"""The learning community's board (cohort/demo/story/board.yaml holds what was shared).

In both cohorts everyone on the board confirmed the ground rules after the first workshop, or
when they joined; each has a discussion, a question and a request for feedback, replies on
the threads the programme made for its sessions, and a library tagged with the hallmarks. The
2021 request has two versions and is resolved; the running cohort's is open, with one answer
so far, and a participant's resource waits for the facilitator. Everything goes through the
board services; the timestamps are then moved to the story's dates. The posts queue mail to
the followers, which cohort/demo/__init__.py withdraws after this runs.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update

from cohort.accounts.models import User
from cohort.board import services
from cohort.board.models import (
    BoardMember,
    BoardVisit,
    DraftVersion,
    FeedbackAnswer,
    Post,
    Thread,
)
from cohort.board.permissions import BOARD_ROLES
from cohort.board.services import FileIn, NewThread, ResourceData
from cohort.cohorts.models import Cohort, Membership
from cohort.core.timeutil import utcnow, zone
from cohort.demo import steps
from cohort.demo.board_stories import (
    FACILITATOR,
    READER,
    REFERENCE_NOTIFY,
    REFERENCE_READ,
    REFERENCE_RESOURCES,
    REFERENCE_THREADS,
    RUNNING_NOTIFY,
    RUNNING_READ,
    RUNNING_RESOURCES,
    RUNNING_THREADS,
    ResourceStory,
    Say,
    ThreadStory,
)
from cohort.extensions import db
from cohort.plans.models import ActionItem, ActionPlan
from cohort.programme.models import ProgrammeSession

# The smallest file the upload checks take for a PDF: the draft's version 2 as a file.
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HIDDEN_AFTER = timedelta(minutes=90)  # how long a hidden post was up before the facilitator saw it

When = Callable[[tuple], datetime]


def build(facilitator, reference: Cohort, running: Cohort) -> None:
    """Both cohorts' boards; flushes only. Before the 2021 cohort closes."""
    today = utcnow().astimezone(zone(running.timezone)).date()
    when = _clock(today)
    for cohort, threads, resources, notify, read in (
            (reference, REFERENCE_THREADS, REFERENCE_RESOURCES, REFERENCE_NOTIFY, REFERENCE_READ),
            (running, RUNNING_THREADS, RUNNING_RESOURCES, RUNNING_NOTIFY, RUNNING_READ)):
        people = _people(cohort)
        _acknowledge(cohort, people)
        _date_session_threads(cohort)
        for story in resources:
            _resource(facilitator, cohort, people, story, when)
        for story in threads:
            _thread(facilitator, cohort, people, story, when, today)
        for email, choice in notify.items():
            services.set_notify(people[email], choice)
        _read(cohort, people[READER], when(read))
    db.session.flush()


def _clock(today: date) -> When:
    """A story's moment, (day, "HH:MM") with a date or days from today, as a UTC instant."""
    def when(moment: tuple) -> datetime:
        day, clock = moment
        if isinstance(day, int):
            day = today + timedelta(days=day)
        return steps.local(day, time.fromisoformat(clock))
    return when


def _people(cohort: Cohort) -> dict[str, Membership]:
    """{email: membership} of everyone who has been on the cohort's board, those who have
    since left included (they took part while they were there)."""
    rows = db.session.execute(
        select(Membership, User.email).join(User, User.id == Membership.user_id).where(
            Membership.cohort_id == cohort.id, Membership.role.in_(BOARD_ROLES),
            Membership.approved.is_(True), Membership.status.in_(("active", "left")))
        .order_by(Membership.id)).all()
    return {email: membership for membership, email in rows}


def _sessions(cohort: Cohort) -> list[ProgrammeSession]:
    return list(db.session.execute(select(ProgrammeSession).where(
        ProgrammeSession.cohort_id == cohort.id).order_by(ProgrammeSession.starts_at)).scalars())


def _acknowledge(cohort: Cohort, people: dict[str, Membership]) -> None:
    """The ground rules were agreed at the first workshop: everyone there confirmed them that
    afternoon, a few minutes apart; those who joined later, the day after they joined."""
    first = next(s for s in _sessions(cohort) if s.kind == "workshop")
    for n, membership in enumerate(people.values()):
        services.acknowledge(membership)
        at = first.ends_at + timedelta(minutes=30 + 4 * n)
        if membership.joined_at is not None and membership.joined_at + timedelta(days=1) > at:
            at = membership.joined_at + timedelta(days=1)
        db.session.get(BoardMember, membership.id).acknowledged_at = at


def _date_session_threads(cohort: Cohort) -> None:
    """The programme's threads were made when its sessions were scheduled, as the cohort was
    set up."""
    made = steps.local(cohort.created_at.astimezone(zone(cohort.timezone)).date())
    for session in _sessions(cohort):
        thread = services.session_thread(session)
        thread.created_at = thread.last_post_at = made
        _set_post(_post(thread, 1), created_at=made)


def _post(thread: Thread, number: int) -> Post:
    return db.session.execute(select(Post).where(Post.thread_id == thread.id,
                                                 Post.number == number)).scalar_one()


def _set_post(post: Post, **values) -> None:
    """Date a post in the table itself: an ORM change would count as an edit of the post
    (its version goes up)."""
    table = Post.__table__
    db.session.execute(update(table).where(table.c.id == post.id).values(**values))
    db.session.expire(post, list(values))


def _item_id(cohort: Cohort, begins: str | None) -> int | None:
    if begins is None:
        return None
    return db.session.execute(select(ActionItem.id).join(
        ActionPlan, ActionPlan.id == ActionItem.plan_id).where(
        ActionPlan.cohort_id == cohort.id, ActionItem.title.startswith(begins))).scalar_one()


def _thread(facilitator, cohort: Cohort, people: dict[str, Membership], story: ThreadStory,
            when: When, today: date) -> None:
    if story.kind == "session":
        thread = services.session_thread(next(
            s for s in _sessions(cohort) if s.title == story.title))
        replies = story.posts
    else:
        opening, *replies = story.posts
        thread = _start(cohort, people[opening.who], story, today)
        thread.created_at = when(opening.at)
        _set_post(_post(thread, 1), created_at=thread.created_at)
    posts = list(db.session.execute(select(Post).where(Post.thread_id == thread.id)
                                    .order_by(Post.number)).scalars())
    for say in replies:
        posts.append(_reply(facilitator, people[say.who], thread, say, posts, when))
    _feedback(people, thread, story, when)
    if story.pinned:
        services.set_pinned(facilitator, thread, True)
    thread.last_post_at = max(post.created_at for post in posts)


def _start(cohort: Cohort, author: Membership, story: ThreadStory, today: date) -> Thread:
    opening = story.posts[0]
    feedback_by = story.feedback_by
    if isinstance(feedback_by, int):
        feedback_by = today + timedelta(days=feedback_by)
    # A date already past is refused, as it would be to anyone asking today: set it after.
    thread = services.create_thread(author.user, author, cohort, NewThread(
        kind=story.kind, title=story.title, body=opening.body, questions=list(story.questions),
        feedback_by=feedback_by if feedback_by and feedback_by >= today else None,
        draft_text=story.draft, action_item_id=_item_id(cohort, story.item)))
    thread.feedback_by = feedback_by
    return thread


def _reply(facilitator, member: Membership, thread: Thread, say: Say, posts: list[Post],
           when: When) -> Post:
    body = say.body
    if say.quotes is not None:
        quoted = posts[say.quotes - 1]
        body = services.quote(quoted.author.name, quoted.body) + body
    post = services.reply(member.user, member, thread, body)
    at = when(say.at)
    if say.hidden:
        services.hide_post(facilitator, post, say.hidden)
        _set_post(post, created_at=at, hidden_at=at + HIDDEN_AFTER)
    else:
        _set_post(post, created_at=at)
    return post


def _feedback(people: dict[str, Membership], thread: Thread, story: ThreadStory,
              when: When) -> None:
    """The answers, the later versions and the resolution of a request for feedback."""
    if story.kind != "feedback":
        return
    author = people[story.posts[0].who]
    first = db.session.execute(select(DraftVersion).where(
        DraftVersion.thread_id == thread.id, DraftVersion.number == 1)).scalar_one()
    first.created_at = thread.created_at
    questions = {q.id: q for q in thread.questions}
    for given in story.answers:
        member = people[given.who]
        services.answer(member.user, member, thread, {
            q.id: text for q, text in zip(thread.questions, given.answers, strict=True) if text})
        for row in db.session.execute(select(FeedbackAnswer).where(
                FeedbackAnswer.question_id.in_(list(questions)),
                FeedbackAnswer.author_id == member.user_id)).scalars():
            row.created_at = row.updated_at = when(given.at)
    for version in story.versions:
        upload = FileIn(version.pdf, PDF) if version.pdf else None
        row = services.add_version(author.user, thread, version.text, upload, version.changes)
        row.created_at = when(version.at)
        if row.attachment is not None:
            row.attachment.created_at = row.created_at
    if story.resolved is not None:
        services.resolve(author.user, thread)
        thread.resolved_at = when(story.resolved)


def _resource(facilitator, cohort: Cohort, people: dict[str, Membership], story: ResourceStory,
              when: When) -> None:
    """A facilitator's resource is in the library at once; a participant's waits for one."""
    by_facilitator = story.who == FACILITATOR
    resource = services.add_resource(people[story.who].user, cohort, ResourceData(
        title=story.title, topic=story.topic, description=story.description, url=story.url,
        hallmarks=story.hallmarks.split()), approved=by_facilitator)
    resource.created_at = when(story.at)
    if by_facilitator:
        resource.approved_at = resource.created_at
    elif story.approved is not None:
        services.approve_resource(facilitator, resource)
        resource.approved_at = when(story.approved)
    db.session.flush()


def _read(cohort: Cohort, member: Membership, moment: datetime) -> None:
    """The member read every thread as it stood at `moment`, and last visited the board then."""
    db.session.flush()
    counts = db.session.execute(
        select(Post.thread_id, func.count(Post.id)).join(Thread, Post.thread_id == Thread.id)
        .where(Thread.cohort_id == cohort.id, Post.created_at <= moment)
        .group_by(Post.thread_id)).all()
    for thread_id, seen in counts:
        services.mark_read(member.user, db.session.get(Thread, thread_id), seen)
    services.note_visit(member)
    db.session.get(BoardVisit, member.id).last_visit_at = moment
