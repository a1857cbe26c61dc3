"""Each session has its thread on the board: made when the session is scheduled, renamed and
re-dated when it changes, locked when it is cancelled, and made by the sweep for sessions
that have none."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort.board import services
from cohort.board.models import Post, Thread
from cohort.board.services import BoardError
from cohort.core.database import commit
from cohort.core.mail import external_url
from cohort.core.timeutil import format_date
from cohort.extensions import db
from cohort.programme import services as programme

from .conftest import reply_as


def _thread(session) -> Thread:
    db.session.expire_all()
    return services.session_thread(session)


def _opening(thread) -> Post:
    return services.posts_page(thread, None).items[0]


def _update(board, session, **changes):
    session = programme.get_session(board.cohort, session.id)  # with its objectives
    data = programme.SessionData(title=session.title, kind=session.kind,
                                 starts_at=session.starts_at,
                                 duration_minutes=session.duration_minutes,
                                 timezone=session.timezone)
    for name, value in changes.items():
        setattr(data, name, value)
    programme.update_session(board.fay.user, session, data, session.version)
    commit()


def test_scheduling_a_session_opens_its_thread(board, make_session):
    session = make_session(board.cohort, "Workshop 1: measuring wellbeing")
    thread = _thread(session)
    assert (thread.kind, thread.title, thread.post_count, thread.locked_at) == (
        "session", "Workshop 1: measuring wellbeing", 1, None)
    opening = _opening(thread)
    assert format_date(session.starts_at, session.timezone) in opening.body
    link = external_url("programme.session", cohort_id=board.cohort.id, session_id=session.id)
    assert f'href="{link}"' in opening.html
    rows, _ = services.threads_page(board.cohort, board.cy.user, None, kind="session")
    assert [row.thread.id for row in rows] == [thread.id]


def test_members_ask_their_questions_in_the_sessions_thread(board, make_session):
    thread = _thread(make_session(board.cohort))
    assert reply_as(board.cy, thread, "Will there be slides?").number == 2


def test_renaming_a_session_renames_its_thread_everywhere_it_is_shown(board, make_session):
    session = make_session(board.cohort, "Workshop 1")
    thread = _thread(session)
    reply_as(board.cy, thread, "Will the kestrel data be covered?")
    _update(board, session, title="Workshop 1: the kestrel data")
    assert _thread(session).title == "Workshop 1: the kestrel data"
    hits, _more, _limited = services.search([board.cohort.id], "kestrel")
    assert {h.title for h in hits} == {"Workshop 1: the kestrel data"}
    assert {h.kind for h in hits} == {"thread", "post"}


def test_moving_a_session_gives_its_thread_the_new_date(board, make_session):
    session = make_session(board.cohort, starts_in=timedelta(days=7))
    before = format_date(session.starts_at, session.timezone)
    _update(board, session, starts_at=session.starts_at + timedelta(days=14))
    opening = _opening(_thread(session))
    after = format_date(session.starts_at, session.timezone)
    assert after in opening.body and before not in opening.body
    assert after in opening.html


def test_an_opening_post_its_author_edited_is_left_alone(board, make_session):
    session = programme.add_session(board.fay.user, board.cohort, "Workshop 2", kind="workshop",
                                    starts_at=board.cohort.created_at + timedelta(days=30),
                                    duration_minutes=90, outside_dates_ok=True)
    commit()
    opening = _opening(_thread(session))
    services.edit_post(board.fay.user, opening, "Bring your survey results.", opening.version)
    commit()
    _update(board, session, starts_at=session.starts_at + timedelta(days=1))
    assert _opening(_thread(session)).body == "Bring your survey results."


def test_cancelling_a_session_locks_its_thread(board, make_session):
    session = make_session(board.cohort)
    programme.cancel_session(board.fay.user, session)
    commit()
    thread = _thread(session)
    assert thread.locked_at is not None
    with pytest.raises(BoardError, match="This thread is locked"):
        reply_as(board.cy, thread)


def test_the_sweep_makes_the_threads_sessions_lack(board, make_session):
    kept = make_session(board.cohort, "Has its thread")
    lacking = make_session(board.cohort, "Scheduled before the board")
    cancelled = make_session(board.cohort, "Called off")
    for session in (lacking, cancelled):
        db.session.delete(_thread(session))
    commit()
    programme.cancel_session(None, cancelled)
    db.session.delete(_thread(cancelled))
    commit()
    assert services.ensure_session_threads() == 1
    commit()
    assert _thread(lacking).title == "Scheduled before the board"
    assert _thread(cancelled) is None
    assert services.ensure_session_threads() == 0
    assert len(db.session.execute(select(Thread).where(
        Thread.session_id == kept.id)).scalars().all()) == 1
