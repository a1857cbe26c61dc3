"""Each recorded action of the audit log that no other test follows, done through the services
as a page would: it is written once, naming who did it, the person it concerns and the cohort
where there are ones. (Sign-ins, lock-outs, membership changes, handovers, moderation,
deletions, exports and the admin's actions are followed in test_audit_log.py and beside their
pages' tests.)"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort.core.database import commit
from cohort.core.models import AuditEvent
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import DEFAULT_PASSWORD


def only(action: str) -> AuditEvent:
    (event,) = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == action)).scalars().all()
    return event


@pytest.fixture
def running(make_cohort, facilitator):
    cohort = make_cohort("Wellbeing 2027", status="running")
    return cohort, facilitator(cohort)


def test_deciding_and_withdrawing_applications(open_cohort, apply_to, facilitator, make_user):
    from cohort.enrolment.services import (
        accept_application,
        decline_application,
        withdraw_application,
    )

    cohort = open_cohort("Wellbeing 2027")
    staff = facilitator(cohort)
    first, _ = apply_to(cohort, "first@example.org")
    second, _ = apply_to(cohort, "second@example.org")
    third, _ = apply_to(cohort, "third@example.org")
    membership = accept_application(staff, first)
    decline_application(staff, second)
    withdraw_application(third)
    commit()
    accepted = only("application_accepted")
    assert (accepted.actor_id, accepted.about_id, accepted.cohort_id) == (
        staff.id, membership.user_id, cohort.id)
    declined = only("application_declined")
    assert (declined.subject, declined.cohort_id) == ("second@example.org", cohort.id)
    withdrawn = only("application_withdrawn")
    assert (withdrawn.actor_id, withdrawn.cohort_id) == (None, cohort.id)


def test_a_cohorts_settings_changed_without_its_status(running):
    from cohort.cohorts.services import update_cohort

    cohort, staff = running
    update_cohort(staff, cohort, title="Wellbeing 2027, renamed")
    commit()
    event = only("cohort_updated")
    assert (event.actor_id, event.cohort_id) == (staff.id, cohort.id)


def test_framework_installed_chosen_and_a_round_opened(running, framework):
    from pathlib import Path

    from cohort.plans.services import open_round
    from cohort.plans.services.framework_file import parse
    from cohort.plans.services.frameworks import import_spec

    cohort, staff = running
    assert db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "framework_installed")).first() is not None  # shipped, by nobody
    shipped = Path(__file__).resolve().parents[2] / "cohort/plans/frameworks"
    # The cohort's own copy of the framework it uses becomes its framework.
    import_spec(staff, cohort, parse((shipped / "wellbeing-maturity.yaml").read_text()), "edit")
    open_round(staff, cohort, "Start of the programme")
    commit()
    chosen = only("cohort_framework_chosen")
    assert (chosen.actor_id, chosen.cohort_id) == (staff.id, cohort.id)
    assert only("framework_imported").cohort_id == cohort.id
    opened = only("assessment_round_opened")
    assert (opened.detail, opened.cohort_id) == ("Start of the programme", cohort.id)


def test_a_reminder_added_and_a_survey_attached_and_removed(running, make_session):
    from cohort.evaluation.services import attach_survey, remove_survey
    from cohort.reminders.services import ReminderData, add_reminder

    cohort, staff = running
    session = make_session(cohort)
    add_reminder(staff, cohort, ReminderData(
        anchor="session_start", offset_minutes=-60, session_id=session.id,
        subject="Soon: ((session))", body="See you at ((time))."))
    now = utcnow()
    survey = attach_survey(staff, cohort, "knowledge", "pre", now + timedelta(days=1),
                           now + timedelta(days=14), True)
    remove_survey(staff, survey)
    commit()
    for action in ("reminder_added", "survey_attached", "survey_removed"):
        event = only(action)
        assert (event.actor_id, event.cohort_id) == (staff.id, cohort.id), action


def test_a_resource_removed(running, make_member):
    from cohort.board import services as board

    cohort, staff = running
    resource = board.add_resource(staff, cohort, board.ResourceData(
        title="Measures bank", topic="Measuring", url="https://example.org/measures"),
        approved=True)
    board.remove_resource(staff, resource)
    commit()
    event = only("resource_removed")
    assert (event.actor_id, event.cohort_id, event.detail) == (staff.id, cohort.id,
                                                               "Measures bank")


def test_an_invitation_a_reset_and_a_password_change_name_the_person(make_user, running):
    from cohort.accounts.services import (
        change_password,
        issue_token,
        redeem_token,
        reset_calendar_token,
    )
    from cohort.cohorts.services import invite

    cohort, staff = running
    admin = make_user(is_admin=True)
    person, _created = invite(admin, "new.person@example.org", "New Person", cohort=cohort,
                              role="participant")
    redeem_token(issue_token(person, "invitation"), "invitation", "a long new passphrase")
    change_password(person, "a long new passphrase", DEFAULT_PASSWORD, "192.0.2.7", "test")
    reset_calendar_token(person)
    commit()
    invited = only("user_invited")
    assert (invited.actor_id, invited.about_id, invited.cohort_id) == (admin.id, person.id,
                                                                       cohort.id)
    for action in ("invitation_redeemed", "password_changed", "calendar_feed_reset"):
        event = only(action)
        assert (event.actor_id, event.about_id) == (person.id, person.id), action
    assert only("password_changed").address == "192.0.2.7"
