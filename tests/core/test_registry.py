"""The registry (cohort/modules.py) is the one place a module is named: blueprints, tables,
template predicates, scheduled jobs and route-audit rows all come from it."""

from types import SimpleNamespace

import pytest

from cohort import modules
from cohort.accounts.jobs import purge_expired_job
from cohort.board.jobs import send_digests_job, session_threads_job
from cohort.cohorts.jobs import retention_job
from cohort.core.jobs import dispatch_mail_job, purge_audit_job
from cohort.enrolment.jobs import purge_applications_job
from cohort.evaluation.jobs import announce_surveys_job
from cohort.extensions import db
from cohort.home.jobs import send_weekly_summaries_job
from cohort.reminders.jobs import send_reminders_job


def test_every_module_with_views_is_registered(app):
    assert set(app.blueprints) == {name for name, _ in modules.parts("views")}
    assert set(app.blueprints) == {"core", "accounts", "cohorts", "enrolment", "programme",
                                  "reminders", "plans", "board", "evaluation", "home"}


def test_templates_get_exactly_the_declared_predicates(app):
    can = app.jinja_env.globals["can"]
    declared = set()
    for _name, permissions in modules.parts("permissions"):
        declared |= set(permissions.__all__)
    assert set(vars(can)) == declared
    # Helpers a permissions module imports are not predicates.
    assert not {"select", "Membership", "g", "has_request_context", "membership_of",
                "role_in"} & set(vars(can))


def test_a_predicate_declared_by_two_modules_is_refused(monkeypatch):
    def twice(name):
        if name != "permissions":
            return []
        same = SimpleNamespace(__all__=["can_view"], can_view=lambda user: True)
        return [("first", same), ("second", same)]

    monkeypatch.setattr(modules, "parts", twice)
    with pytest.raises(RuntimeError, match="predicate can_view is declared twice \\(second\\)"):
        modules.predicates()


def test_the_scheduler_runs_the_jobs_the_modules_declare(app):
    assert app.extensions["cohort_jobs"] == [purge_expired_job, retention_job,
                                             purge_applications_job,
                                             send_reminders_job, send_digests_job,
                                             session_threads_job, announce_surveys_job,
                                             send_weekly_summaries_job, purge_audit_job,
                                             dispatch_mail_job]


def test_every_table_comes_from_a_registered_module():
    owners = {name for name, _ in modules.parts("models")}
    for table in db.metadata.sorted_tables:
        mapped = [m for m in db.Model.registry.mappers if m.local_table is table]
        module = mapped[0].class_.__module__.split(".")[1]
        assert module in owners, f"{table.name} is defined in cohort.{module}"


def test_the_loaders_come_from_the_modules(app):
    loaders = app.extensions["cohort_loaders"]
    assert loaders["cohort_id"].name == "cohort"
    assert all(loader.parent is None or loader.parent in {
        other.name for other in loaders.values()} for loader in loaders.values())
