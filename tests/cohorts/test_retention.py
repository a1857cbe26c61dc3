"""Retention (cohorts/services/retention.py): RETENTION_DAYS_AFTER_FINISH after a finished
cohort's end date its personal data goes, by the scheduler's job, once, with an audit entry;
`flask cohort retention --dry-run` first says what would go, counted by kind, and changes
nothing. Each module's own kinds are tested in tests/<module>/test_personal_data.py."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cohort.board.models import Post, Thread
from cohort.cohorts.jobs import retention_job
from cohort.cohorts.models import Cohort, Membership
from cohort.cohorts.services import due_for_expiry, expire_cohort, update_cohort
from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.core.timeutil import utcnow
from cohort.enrolment.models import Application
from cohort.evaluation.models import Response
from cohort.extensions import db
from cohort.programme.models import Attendance

TODAY = date(2026, 12, 7)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def cohorts(make_cohort, make_holder):
    """Finished cohorts that ended 400 and 100 days ago, one with no end date, a running one;
    a participant in each."""
    made = {
        "long ago": make_cohort("Long ago", ends_on=TODAY - timedelta(days=400)),
        "lately": make_cohort("Lately", ends_on=TODAY - timedelta(days=100)),
        "undated": make_cohort("Undated"),
        "running": make_cohort("Running", ends_on=TODAY - timedelta(days=400)),
    }
    for name, cohort in made.items():
        make_holder(cohort)
        if name != "running":
            update_cohort(None, cohort, status="finished")
    commit()
    return made


def test_only_finished_cohorts_past_the_period_are_due(cohorts):
    assert due_for_expiry(None, TODAY) == []  # no period set: everything is kept
    assert due_for_expiry(365, TODAY) == [cohorts["long ago"]]
    assert due_for_expiry(100, TODAY) == [cohorts["long ago"], cohorts["lately"]]


def test_a_dry_run_counts_and_changes_nothing_and_a_real_run_is_done_once(cohorts):
    cohort = cohorts["long ago"]
    dry = expire_cohort(cohort, dry_run=True)
    assert dry.parts["cohorts"]["memberships of participants and team members"] == 1
    assert dry.total == 2  # the membership, and who held the place
    commit()
    assert _count(Membership, Membership.cohort_id == cohort.id) == 1
    assert cohort.personal_data_expired_at is None
    assert _count(AuditEvent, AuditEvent.action == "personal_data_expired") == 0

    done = expire_cohort(cohort, dry_run=False)
    commit()
    assert done.lines() == dry.lines() == [
        "records of who held a place: 1", "memberships of participants and team members: 1"]
    [event] = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "personal_data_expired")).scalars().all()
    assert (event.subject, event.actor_id) == (cohort.slug, None)
    assert event.detail == ("records of who held a place: 1; "
                            "memberships of participants and team members: 1")
    assert due_for_expiry(365, TODAY) == []
    # reopened, its clock starts again
    update_cohort(None, cohort, status="running")
    commit()
    assert cohort.personal_data_expired_at is None


def test_the_job_follows_the_setting(app, cohorts, monkeypatch):
    for cohort in cohorts.values():
        if cohort.ends_on:  # the job counts from today
            cohort.ends_on = utcnow().date() - (TODAY - cohort.ends_on)
    commit()
    monkeypatch.setitem(app.config, "RETENTION_DAYS_AFTER_FINISH", None)
    assert retention_job() == 0
    monkeypatch.setitem(app.config, "RETENTION_DAYS_AFTER_FINISH", 365)
    assert retention_job() == 1
    assert retention_job() == 0
    assert _count(Membership) == 3


def test_the_command_reports_the_demos_2021_cohort_by_kind_before_removing_it(
        app, demo_cohorts, monkeypatch):
    reference, running = demo_cohorts
    posts, applications = _count(Post), _count(Application)
    runner = app.test_cli_runner()
    monkeypatch.setitem(app.config, "RETENTION_DAYS_AFTER_FINISH", None)
    assert "personal data is kept" in runner.invoke(args=["cohort", "retention"]).output
    monkeypatch.setitem(app.config, "RETENTION_DAYS_AFTER_FINISH", 365)

    dry = runner.invoke(args=["cohort", "retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert lines[0].startswith(f"{reference.title} (ended 17 December 2021): would remove ")
    assert "  applications: 13" in lines and "Dry run: nothing was changed." in lines
    assert any(line.startswith("  posts: ") for line in lines)
    # its surveys were anonymous: no names to take off their answers
    assert not [line for line in lines if line.startswith("  names on survey answers")]
    db.session.expire_all()
    assert (_count(Post), _count(Application)) == (posts, applications)

    done = runner.invoke(args=["cohort", "retention"])
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[0].startswith(f"{reference.title} (ended 17 December "
                                                  "2021): removed ")
    db.session.expire_all()
    reference_threads = select(Thread.id).where(Thread.cohort_id == reference.id)
    assert _count(Post, Post.thread_id.in_(reference_threads), Post.number > 1) == 0
    assert _count(Application, Application.cohort_id == reference.id) == 0
    assert _count(Attendance) > 0  # the running cohort's
    assert _count(Response) > 0  # the anonymous answers stay, and the evaluation with them
    assert db.session.get(Cohort, running.id).personal_data_expired_at is None
    again = runner.invoke(args=["cohort", "retention", "--dry-run"])
    assert "No finished cohort ended 365 or more days ago" in again.output
