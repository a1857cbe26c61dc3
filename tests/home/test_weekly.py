"""The weekly summary through the scheduler's sweep and the outbox's dispatcher, to a real SMTP
server on loopback (aiosmtpd): sent once at the chosen time, however many sweeps or schedulers
run that week; nothing when there is nothing to say; stopped by the one-click unsubscribe link
it carries."""

import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from cohort.accounts.services import read_unsubscribe, unsubscribe_token
from cohort.core.database import commit
from cohort.core.scheduler import sweep
from cohort.core.timeutil import to_local, utcnow
from cohort.extensions import db
from cohort.home import services
from cohort.home.models import WeeklyChoice, WeeklySummary
from cohort.home.services import summary
from tests.core.test_dispatcher import Sink
from tests.helpers import sqlite_write_lock_free
from tests.home import weekly_world

AUCKLAND = "Pacific/Auckland"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server():
    """An SMTP server on loopback keeping what it receives: (its sink, the settings that send
    mail to it through the dispatcher alone)."""
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                 "MAIL_SEND_AFTER_COMMIT": False, "MAIL_RETRY_SECONDS": 0}
    controller.stop()


@pytest.fixture
def smtp_app(app, mail_server, monkeypatch):
    """The test app sending through the loopback server; its sink."""
    sink, settings = mail_server
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    return sink


@pytest.fixture
def world(make_cohort, make_member, make_holder, make_user):
    return weekly_world.build(make_cohort, make_member, make_holder, make_user)


def _due_now(user, tz: str = AUCKLAND) -> None:
    """The person's summary chosen for this very hour of their zone, a while ago."""
    user.timezone = tz
    local = to_local(utcnow(), tz)
    services.set_weekly(user, True, local.weekday(), local.hour,
                        now=utcnow() - timedelta(days=8))
    commit()


def _summaries(sink) -> list:
    return [m for m in sink.received if m["Subject"].startswith("Your week in")]


def test_a_due_summary_is_sent_once_however_many_sweeps(world, smtp_app):
    _due_now(world.ada.user)
    assert "send_weekly_summaries_job: 1" in sweep()
    assert "send_weekly_summaries_job: 0" in sweep()  # the same week: considered already
    (summary,) = _summaries(smtp_app)
    assert summary["To"] == "ada@example.org"
    assert summary["Subject"] == "Your week in Wellbeing 2026"
    body = summary.get_content()
    assert "- Measuring wellbeing: 3 new posts" in body
    assert f"/cohorts/{world.cohort.id}/board/threads/" in body
    assert "- Nia Newton, Newtown Council" in body
    assert "every " + to_local(utcnow(), AUCKLAND).strftime("%A") in body
    assert "(Pacific/Auckland)" in body
    db.session.rollback()
    (record,) = db.session.execute(select(WeeklySummary)).scalars()
    assert record.mailed and record.message_id is not None
    iso = to_local(utcnow(), AUCKLAND).isocalendar()
    assert record.week == f"{iso.year}-W{iso.week:02d}"


def test_two_schedulers_sweeping_at_once_send_one_summary(world, mail_server, build_app):
    sink, settings = mail_server
    _due_now(world.ada.user)
    hosts = [build_app(**settings), build_app(**settings)]
    start, errors = threading.Barrier(2), []

    def run(host):
        try:
            with host.app_context():
                start.wait(timeout=60)
                sweep()
        except Exception as exc:  # reported by the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(host,)) for host in hosts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert [m["To"] for m in _summaries(sink)] == ["ada@example.org"]


def test_a_scheduler_that_found_the_week_due_too_late_sends_nothing(world, build_app,
                                                                    mail_server):
    """Both schedulers read the week as due before either recorded it: the record's unique
    constraint lets only the first one through."""
    sink, settings = mail_server
    _due_now(world.ada.user)
    first, second = build_app(**settings), build_app(**settings)
    with first.app_context():
        found_first = services.due_summaries()
    with second.app_context():
        found_second = services.due_summaries()
    assert found_first == found_second == [(world.ada.user_id, found_first[0][1])]
    results = []
    for host, found in ((first, found_first), (second, found_second)):
        with host.app_context():
            results.append(services.send_weekly_summary(*found[0]))
            commit()
            sweep()
    assert results == [True, None]
    assert len(_summaries(sink)) == 1


def test_a_sweep_leaves_the_summaries_past_its_turn_to_the_next(app, world, smtp_app,
                                                                monkeypatch):
    """With a turn over after the first summary, each sweep sends one, and the next picks up
    where the last stopped: all are sent, none twice."""
    monkeypatch.setitem(app.config, "SCHEDULER_TURN_SECONDS", 0)
    for member in (world.ada, world.ben, world.cy):
        _due_now(member.user)
    assert [sweep().count("send_weekly_summaries_job: 1") for _ in range(4)] == [1, 1, 1, 0]
    assert sorted(m["To"] for m in _summaries(smtp_app)) == [
        "ada@example.org", "ben@example.org", "cy@example.org"]


def test_the_sweep_reads_each_summary_without_holding_sqlites_write_lock(world, smtp_app,
                                                                         monkeypatch):
    """On SQLite a summary is read in a transaction of its own that takes no write lock (the
    sweep's are write transactions), so people's posts go on while the summaries are read."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's one write lock; PostgreSQL locks rows, not the database")
    _due_now(world.ada.user)
    real, free = summary._summary_of, []

    def reading(user, choice, now):
        found = real(user, choice, now)
        free.append(sqlite_write_lock_free())
        return found

    monkeypatch.setattr(summary, "_summary_of", reading)
    assert "send_weekly_summaries_job: 1" in sweep()
    assert free == [True] and len(_summaries(smtp_app)) == 1


def test_nothing_is_sent_in_a_week_with_nothing_to_say(make_cohort, make_member, make_user,
                                                       smtp_app):
    quiet = make_cohort("Quiet 2026")
    lone = make_member(quiet, "participant", user=make_user("lone@example.org", "Lone Ranger"))
    lone.joined_at = utcnow() - timedelta(days=60)
    commit()
    _due_now(lone.user)
    assert "send_weekly_summaries_job: 0" in sweep()
    assert "send_weekly_summaries_job: 0" in sweep()
    assert _summaries(smtp_app) == []
    db.session.rollback()
    (record,) = db.session.execute(select(WeeklySummary)).scalars()
    assert not record.mailed and record.message_id is None  # considered once, not again


def test_someone_who_never_turned_it_on_gets_nothing(world, smtp_app):
    """Off by default: a busy week sends no summary to anyone who did not ask for one."""
    assert "send_weekly_summaries_job: 0" in sweep()
    assert _summaries(smtp_app) == []
    assert db.session.execute(select(func.count()).select_from(WeeklySummary)).scalar_one() == 0


def test_the_one_click_link_in_the_summary_stops_it(app, world, smtp_app):
    _due_now(world.ada.user)
    sweep()
    (summary,) = _summaries(smtp_app)
    assert summary["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = summary["List-Unsubscribe"].strip("<>")
    anonymous = app.test_client()  # no session, no CSRF token: as a mail program posts
    confirm = anonymous.get(link[link.index("/unsubscribe/"):])
    assert "Stop the weekly summary?" in confirm.get_data(as_text=True)
    response = anonymous.post(link[link.index("/unsubscribe/"):],
                              data={"List-Unsubscribe": "One-Click"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "You are unsubscribed" in page
    assert "You will no longer get the weekly summary." in page
    assert "/settings#weekly-summary" in page
    db.session.rollback()
    assert not db.session.get(WeeklyChoice, world.ada.user_id).enabled
    for days in (7, 14):  # the weeks after: not due
        assert services.due_summaries(utcnow() + timedelta(days=days)) == []


def test_the_summarys_link_names_no_cohort_and_a_cohorts_link_must_name_one(app, world):
    """A person-wide kind of mail is stopped by a link that names no cohort; a link mixing the
    two up, even one signed here, stops nothing."""
    ada = world.ada.user
    services.set_weekly(ada, True, 0, 8)
    commit()
    with pytest.raises(ValueError, match="not a cohort's mail"):
        unsubscribe_token(ada, world.cohort.id, "weekly")
    with pytest.raises(ValueError, match="is a cohort's mail"):
        unsubscribe_token(ada, None, "board")
    signer = URLSafeSerializer(app.config["SECRET_KEY"], salt="cohort-unsubscribe")
    assert read_unsubscribe(signer.dumps([ada.id, world.cohort.id, "weekly"])) is None
    assert read_unsubscribe(signer.dumps([ada.id, None, "board"])) is None
    mail, choice = read_unsubscribe(unsubscribe_token(ada, None, "weekly"))
    assert mail.what == "the weekly summary" and choice.user_id == ada.id
