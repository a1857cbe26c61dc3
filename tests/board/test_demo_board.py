"""The demo's boards: the 2021 cohort's threads following the report, a resolved request for
feedback with two versions, and the running cohort's open request, discussions, session
threads and library, all dated in the story and with no mail left to send."""

from datetime import timedelta

from sqlalchemy import func, select

from cohort.accounts.models import User
from cohort.board import services
from cohort.board.models import BoardMember, Post, Resource, Thread
from cohort.cohorts.models import Membership
from cohort.core.models import MailMessage
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.plans.models import ActionItem
from cohort.reminders.models import Delivery
from tests.helpers import DEMO_PASSWORD, sign_in


def _threads(cohort, kind: str | None = None) -> list[Thread]:
    statement = select(Thread).where(Thread.cohort_id == cohort.id).order_by(Thread.id)
    if kind:
        statement = statement.where(Thread.kind == kind)
    return list(db.session.execute(statement).scalars())


def _posts(thread) -> list[Post]:
    return list(db.session.execute(select(Post).where(Post.thread_id == thread.id)
                                   .order_by(Post.number)).scalars())


def _by(thread, email: str) -> bool:
    return thread.author is not None and thread.author.email == email


def _feedback_authors(thread) -> set[int]:
    return {a.author_id for answers in services.answers_of(thread).values() for a in answers}


def test_both_boards_have_every_kind_of_thread_and_everyone_accepted_the_rules(demo_cohorts):
    for cohort in demo_cohorts:
        kinds = {t.kind for t in _threads(cohort)}
        assert kinds == {"discussion", "question", "feedback", "session"}, cohort.title
        assert len(_threads(cohort, "session")) == 6
        people = services.board_people(cohort)
        assert any(m.role == "facilitator" for m in people)
        acknowledged = {m.membership_id: m.acknowledged_at for m in db.session.execute(
            select(BoardMember)).scalars()}
        assert all(acknowledged.get(m.id) is not None for m in people), cohort.title
        for thread in _threads(cohort):
            posts = _posts(thread)
            assert thread.post_count == len(posts) == posts[-1].number
            assert [p.created_at for p in posts] == sorted(p.created_at for p in posts)
            assert thread.last_post_at == posts[-1].created_at
            assert thread.created_at <= posts[0].created_at
            # Dating a post is not an edit: only the post a facilitator hid has changed.
            assert all(p.version == 1 for p in posts if p.hidden_at is None)


def test_the_2021_board_is_dated_in_2021(demo_cohorts):
    reference, _running = demo_cohorts
    for thread in _threads(reference):
        assert thread.created_at.year == thread.last_post_at.year == 2021
        assert all(p.created_at.year == 2021 for p in _posts(thread))
    resources = db.session.execute(select(Resource).where(
        Resource.cohort_id == reference.id)).scalars().all()
    assert all(r.created_at.year == r.approved_at.year == 2021 for r in resources)
    ids = [m.id for m in services.board_people(reference)]
    assert all(m.acknowledged_at.year == 2021 for m in db.session.execute(
        select(BoardMember).where(BoardMember.membership_id.in_(ids))).scalars())


def test_the_running_board_is_dated_in_the_last_weeks(demo_cohorts):
    _reference, running = demo_cohorts
    now = utcnow()
    for thread in _threads(running, "discussion") + _threads(running, "question"):
        assert now - timedelta(weeks=3) < thread.created_at < thread.last_post_at < now
    replies = [p for t in _threads(running, "session") for p in _posts(t)[1:]]
    assert replies and all(now - timedelta(weeks=2) < p.created_at < now for p in replies)


def test_the_2021_request_has_two_versions_answers_and_is_resolved(demo_cohorts):
    reference, _running = demo_cohorts
    [request] = _threads(reference, "feedback")
    assert _by(request, "participant06@example.org")  # Babergh and Mid Suffolk
    assert request.resolved_at is not None and request.resolved_at.year == 2021
    assert request.feedback_by.year == 2021
    second, first = services.versions_of(request)
    assert (first.number, second.number) == (1, 2)
    assert first.text and "wellbeing" in first.text.lower() and first.changes is None
    assert second.changes and second.attachment.content_type == "application/pdf"
    assert first.created_at < second.created_at <= request.resolved_at
    assert len(request.questions) == 3
    answerers = _feedback_authors(request)
    assert len(answerers) >= 2 and request.author_id not in answerers
    item = db.session.get(ActionItem, request.action_item_id)
    assert item.title.startswith("Write the Wellbeing Strategy")


def test_the_2021_discussion_and_question_follow_the_report(demo_cohorts):
    reference, _running = demo_cohorts
    [kirklees] = _threads(reference, "discussion")
    assert _by(kirklees, "participant10@example.org")
    posts = _posts(kirklees)
    assert any("wrote:\n\n>" in p.body for p in posts)  # a reply quotes an earlier post
    for words in ("lonely", "influence decisions", "trust each other", "ONS4"):
        assert words in posts[0].body
    [westminster] = _threads(reference, "question")
    assert _by(westminster, "participant08@example.org")
    assert "three pillars" in westminster.title
    posts = _posts(westminster)
    assert any(p.author.email == "facilitator@example.org" and "@priya-shah" in p.body
               for p in posts)
    hits, _more, _limited = services.search([reference.id], "household survey")
    assert kirklees.id in {hit.thread_id for hit in hits}


def test_the_running_request_is_open_with_one_answer(demo_cohorts):
    _reference, running = demo_cohorts
    [request] = _threads(running, "feedback")
    assert _by(request, "workplace02@example.org")
    assert request.resolved_at is None
    assert request.feedback_by > services.local_today(running)
    assert len(services.versions_of(request)) == 1
    answers = [a for rows in services.answers_of(request).values() for a in rows]
    assert len(answers) == 1
    item = db.session.get(ActionItem, request.action_item_id)
    assert item.title.startswith("Test the first draft of the strategy")


def test_participant01_replied_but_started_no_thread_in_the_running_cohort(demo_cohorts):
    _reference, running = demo_cohorts
    user = db.session.execute(select(User).where(
        User.email == "participant01@example.org")).scalar_one()
    threads = _threads(running)
    assert not [t for t in threads if t.author_id == user.id]
    replies = [p for t in threads for p in _posts(t) if p.author_id == user.id]
    assert len(replies) == 1 and replies[0].number > 1
    [discussion] = _threads(running, "discussion")
    assert replies[0].thread_id == discussion.id
    hidden = [p for p in _posts(discussion) if p.hidden_at is not None]
    assert len(hidden) == 1 and hidden[0].hidden_reason


def test_a_past_session_thread_has_the_slides_and_follow_up(demo_cohorts):
    _reference, running = demo_cohorts
    followed_up = [t for t in _threads(running, "session")
                   if any("Slides and follow-up" in p.body for p in _posts(t))]
    assert len(followed_up) == 1
    [reply] = [p for p in _posts(followed_up[0]) if "Slides and follow-up" in p.body]
    assert reply.author.email == "facilitator@example.org" and reply.created_at < utcnow()


def test_both_libraries_have_resources_tagged_with_hallmarks(demo_cohorts):
    reference, running = demo_cohorts
    for cohort in demo_cohorts:
        resources = db.session.execute(select(Resource).where(
            Resource.cohort_id == cohort.id)).scalars().all()
        assert len(resources) >= 5
        assert all(r.hallmark_ids for r in resources)
        assert {"Measuring wellbeing", "Workplace wellbeing", "Evidence of what works"} <= {
            r.topic for r in resources}
        assert any(r.url == "https://measure.whatworkswellbeing.org/measures-bank/"
                   for r in resources)
        proposed = [r for r in resources if r.status == "proposed"]
        if cohort is running:
            assert len(proposed) == 1 and proposed[0].approved_at is None
            assert proposed[0].added_by.email.startswith("workplace")
        else:
            assert not proposed
        facilitators = [r for r in resources if r.added_by.email == "facilitator@example.org"]
        assert facilitators and all(r.status == "approved" for r in facilitators)


def test_no_board_mail_is_left_queued(demo_cohorts):
    statuses = dict(db.session.execute(select(MailMessage.status, func.count()).group_by(
        MailMessage.status)).all())
    assert statuses.keys() == {"sent", "failed"}
    reminded = db.session.execute(select(func.count(Delivery.message_id.distinct()))).scalar_one()
    assert reminded == sum(statuses.values())


def test_the_boards_show_to_the_demo_accounts(demo_cohorts, client):
    reference, running = demo_cohorts
    sign_in(client, "participant01@example.org", DEMO_PASSWORD)
    for cohort in demo_cohorts:
        page = client.get(f"/cohorts/{cohort.id}/board").get_data(as_text=True)
        for thread in _threads(cohort, "discussion"):
            assert thread.title.replace("'", "&#39;") in page
    [request] = _threads(reference, "feedback")
    response = client.get(f"/cohorts/{reference.id}/board/threads/{request.id}")
    assert response.status_code == 200
    membership = db.session.execute(select(Membership).where(
        Membership.cohort_id == running.id,
        Membership.user.has(email="participant01@example.org"))).scalar_one()
    assert db.session.get(BoardMember, membership.id).acknowledged_at is not None
