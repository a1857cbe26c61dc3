"""A finished cohort is read-only until a facilitator reopens it (audited); a cohort keeps a
facilitator; staff have no participant's page; a session far from the cohort's dates is
confirmed first; the call's hints are the cohort's own."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cohort.cohorts.models import Cohort
from cohort.cohorts.services import CohortError, hand_over, leave_place, update_cohort
from cohort.core.database import commit
from cohort.core.errors import UserError
from cohort.core.models import AuditEvent
from cohort.core.timeutil import utcnow
from cohort.enrolment.services import request_handover
from cohort.extensions import db
from cohort.programme.services import add_session, set_programme_objectives
from tests.helpers import post_form


@pytest.fixture
def finished(make_cohort, make_member, make_holder, make_user):
    cohort = make_cohort("Finished cohort", status="running")
    boss = make_member(cohort, "facilitator", user=make_user(name="Fay")).user
    holder = make_holder(cohort)
    update_cohort(boss, cohort, status="finished")
    commit()
    return cohort, boss, holder


def test_a_finished_cohort_refuses_every_change(finished):
    cohort, boss, holder = finished
    attempts = [
        lambda: add_session(boss, cohort, "Late", "workshop", utcnow(), 60),
        lambda: set_programme_objectives(boss, cohort, "New"),
        lambda: hand_over(boss, holder.place, "new@example.org", "New Person"),
        lambda: leave_place(boss, holder, how="removed"),
        lambda: request_handover(holder.user, holder.place, "n@example.org", "N", None),
        lambda: update_cohort(boss, cohort, title="Renamed"),
    ]
    for attempt in attempts:
        with pytest.raises(UserError, match="has finished"):
            attempt()
        db.session.rollback()


def test_reopening_is_audited_and_allows_changes_again(finished):
    cohort, boss, _holder = finished
    update_cohort(boss, cohort, status="running")
    commit()
    assert db.session.execute(select(AuditEvent.action).where(
        AuditEvent.action == "cohort_reopened")).scalar_one()
    set_programme_objectives(boss, cohort, "Now allowed")
    commit()


def test_the_roster_of_a_finished_cohort_offers_no_change(client, login, finished):
    cohort, boss, holder = finished
    login(boss)
    page = client.get(f"/cohorts/{cohort.id}/roster").get_data(as_text=True)
    assert "has finished, so its roster can no longer change" in page
    assert "Hand over" not in page and "/remove" not in page
    programme = client.get(f"/cohorts/{cohort.id}/programme").get_data(as_text=True)
    assert "Schedule a session" not in programme


def test_the_last_facilitator_cannot_leave(client, login, make_cohort, make_member, make_user):
    cohort = make_cohort()
    only = make_member(cohort, "facilitator")
    make_user(name="Alex Admin", is_admin=True)
    with pytest.raises(UserError, match="only facilitator") as refused:
        leave_place(only.user, only)
    assert "Alex Admin" in str(refused.value)
    db.session.rollback()
    login(only.user)
    response = post_form(client, f"/cohorts/{cohort.id}/me/leave", {})
    assert response.status_code == 200
    assert "You are the only facilitator" in response.get_data(as_text=True)
    # With a co-facilitator, they may.
    make_member(cohort, "facilitator")
    assert post_form(client, f"/cohorts/{cohort.id}/me/leave", {}).status_code == 302


def test_staff_see_their_role_not_a_participants_page(client, login, make_cohort, make_member):
    cohort = make_cohort()
    evaluator = make_member(cohort, "evaluator")
    login(evaluator.user)
    page = client.get(f"/cohorts/{cohort.id}/me").get_data(as_text=True)
    assert "What I am working on" not in page
    assert "You are evaluator of" in page
    assert post_form(client, f"/cohorts/{cohort.id}/me", {"working_on": "x"}).status_code == 403


def test_a_handover_proposal_asks_for_the_successors_name(make_cohort, make_holder):
    holder = make_holder(make_cohort())
    with pytest.raises(UserError, match="Enter the name of the person who will take your place"):
        request_handover(holder.user, holder.place, "someone.new@example.org", "  ", None)


def test_a_session_outside_the_cohorts_dates_is_confirmed_first(client, login, make_cohort,
                                                                make_member):
    cohort = make_cohort(starts_on=date(2027, 9, 1), ends_on=date(2028, 2, 28))
    login(make_member(cohort, "facilitator").user)
    form = {"title": "Workshop", "kind": "workshop", "day-day": "13", "day-month": "4",
            "day-year": "2031", "start_time": "10:00", "timezone": "Europe/London",
            "duration_minutes": "90", "audience": "members"}
    url = f"/cohorts/{cohort.id}/sessions/new"
    asked = post_form(client, url, form).get_data(as_text=True)
    assert "13 April 2031 is outside the cohort&#39;s dates" in asked
    assert 'name="confirm_dates"' in asked
    assert post_form(client, url, {**form, "confirm_dates": "y"}).status_code == 302
    with pytest.raises(UserError, match="outside the cohort"):
        add_session(None, cohort, "Slip", "workshop", utcnow() + timedelta(days=3650), 60)


def test_the_call_shows_the_cohorts_own_hints(client, make_cohort):
    now = utcnow()
    cohort = make_cohort(status="recruiting", applications_open_at=now - timedelta(days=1),
                         applications_close_at=now + timedelta(days=5),
                         focus_hint="For example, air quality or active travel")
    page = client.get(f"/apply/{cohort.slug}").get_data(as_text=True)
    assert "For example, air quality or active travel" in page
    # Unset, a hint says what is asked without assuming the cohort's subject.
    assert "Participants bring a strategy or policy to prepare or refresh" in page
    assert "employee wellbeing" not in page


def test_settings_change_the_hints(client, login, make_cohort, make_member):
    cohort = make_cohort()
    login(make_member(cohort, "facilitator").user)
    post_form(client, f"/cohorts/{cohort.id}/edit", {
        "title": cohort.title, "status": "running", "capacity": "12",
        "version": str(cohort.version), "strategy_hint": "The transport plan you will refresh"})
    db.session.rollback()
    assert db.session.get(Cohort, cohort.id).strategy_hint == "The transport plan you will refresh"


def test_finished_settings_cannot_change_without_reopening(finished):
    cohort, boss, _holder = finished
    with pytest.raises(CohortError, match="reopen it"):
        update_cohort(boss, cohort, status="finished", capacity=20)
