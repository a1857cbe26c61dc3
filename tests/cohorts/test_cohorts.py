"""Opening and editing a cohort: fields, GOV.UK date boxes, capacity, the call's window."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from cohort.cohorts.models import Cohort, Membership
from cohort.cohorts.services import CohortError, create_cohort, update_cohort
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from tests.helpers import csrf_from, date_parts, fresh, post_form, text_of, version_in


def cohort_form(**changes) -> dict:
    data = {
        "title": "Wellbeing strategies 2027",
        "focus": "Workplace wellbeing",
        "description": "Ten councils refresh their wellbeing strategies together.",
        "status": "recruiting",
        "capacity": "12",
        "ground_rules": "What is said here stays here\nShare unfinished work",
        **date_parts("starts_on", date(2027, 9, 1)),
        **date_parts("ends_on", date(2028, 2, 28)),
        **date_parts("applications_open_on", date(2027, 6, 1)),
        **date_parts("applications_close_on", date(2027, 7, 31)),
    }
    return {**data, **changes}


def cohort_count() -> int:
    return db.session.execute(select(func.count(Cohort.id))).scalar_one()


# Services ---------------------------------------------------------------------------------------


def test_a_cohort_gets_a_unique_slug_from_its_title():
    first = create_cohort(None, "Wellbeing: strategies!")
    second = create_cohort(None, "Wellbeing strategies")
    assert (first.slug, second.slug) == ("wellbeing-strategies", "wellbeing-strategies-2")


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": " "}, "Enter the cohort's title"),
    ({"status": "archived"}, "Choose a status"),
    ({"capacity": 0}, "Enter the number of places, 1 or more"),
    ({"starts_on": date(2027, 5, 2), "ends_on": date(2027, 5, 1)},
     "The end date must be on or after the start date"),
    ({"applications_open_at": datetime(2027, 5, 2, tzinfo=UTC)},
     "Enter both the opening and the closing date of the call, or neither"),
    ({"applications_open_at": datetime(2027, 5, 2, tzinfo=UTC),
      "applications_close_at": datetime(2027, 5, 1, tzinfo=UTC)},
     "The call must close after it opens"),
])
def test_create_refuses_fields_that_cannot_stand(fields, message):
    fields = {"title": "A cohort", **fields}
    with pytest.raises(CohortError, match=message):
        create_cohort(None, fields.pop("title"), **fields)
    assert cohort_count() == 0


def test_capacity_cannot_go_below_the_places_taken(make_cohort, holder):
    cohort = make_cohort(capacity=5)
    holder(cohort)
    holder(cohort)
    with pytest.raises(CohortError, match="2 places are taken"):
        update_cohort(None, cohort, capacity=1)
    db.session.rollback()
    assert db.session.get(Cohort, cohort.id).capacity == 5
    update_cohort(None, cohort, capacity=2)
    assert cohort.capacity == 2


# Creating a cohort ------------------------------------------------------------------------------


def test_an_admin_who_chooses_to_facilitate_opens_a_cohort(client, login, make_user):
    admin = make_user(is_admin=True)
    login(admin)
    response = post_form(client, "/cohorts/new", cohort_form(facilitate_myself="y"))
    assert response.status_code == 302
    fresh()
    cohort = db.session.execute(select(Cohort)).scalar_one()
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    assert (cohort.title, cohort.focus, cohort.status, cohort.capacity) == (
        "Wellbeing strategies 2027", "Workplace wellbeing", "recruiting", 12)
    assert (cohort.starts_on, cohort.ends_on) == (date(2027, 9, 1), date(2028, 2, 28))
    assert cohort.ground_rule_list == ["What is said here stays here", "Share unfinished work"]
    # The window runs from the opening day's start to the closing day's end, in London (BST).
    assert cohort.applications_open_at == datetime(2027, 5, 31, 23, 0, tzinfo=UTC)
    assert cohort.applications_close_at == datetime(2027, 7, 31, 23, 0, tzinfo=UTC)
    membership = db.session.execute(select(Membership)).scalar_one()
    assert (membership.user_id, membership.role) == (admin.id, "facilitator")
    page = text_of(client.get(f"/cohorts/{cohort.id}"))
    assert "What is said here stays here" in page


def test_anyone_who_facilitates_a_cohort_may_open_another(client, login, make_member):
    facilitator = make_member(role="facilitator").user
    login(facilitator)
    assert post_form(client, "/cohorts/new", cohort_form(title="Second")).status_code == 302
    fresh()
    created = db.session.execute(select(Cohort).where(Cohort.title == "Second")).scalar_one()
    roles = db.session.execute(
        select(Membership.role).where(Membership.cohort_id == created.id,
                                      Membership.user_id == facilitator.id)).scalars().all()
    assert roles == ["facilitator"]


@pytest.mark.parametrize("role", ["participant", "evaluator"])
def test_other_members_may_not_open_a_cohort(client, login, make_member, role):
    login(make_member(role=role).user)
    assert client.get("/cohorts/new").status_code == 403
    token_page = "/account"
    response = post_form(client, "/cohorts/new", cohort_form(), page=token_page)
    assert response.status_code == 403
    assert cohort_count() == 1  # the member's own cohort only


@pytest.mark.parametrize(("changes", "message"), [
    ({"starts_on-month": ""}, "Start date must include a month"),
    ({"starts_on-day": "", "starts_on-year": ""}, "Start date must include a day and year"),
    ({"starts_on-day": "first"}, "Start date must be a real date, in numbers"),
    ({**date_parts("starts_on", (31, 2, 2027))}, "Start date must be a real date"),
    ({"starts_on-year": "27"}, "Start date must have a 4-digit year, like 2027"),
    ({"starts_on-year": "9999"}, "Start date must be a year from 1900 to 2200"),
    ({**date_parts("ends_on", date(2027, 8, 31))},
     "The end date must be on or after the start date"),
    ({**date_parts("applications_close_on", date(2027, 5, 30))},
     "The call must close after it opens"),
    ({"capacity": "0"}, "Enter a number of places from 1 to 500"),
    ({"capacity": ""}, "Enter the number of places"),
    ({"title": ""}, "Enter the cohort's title"),
])
def test_bad_fields_get_a_clear_message_and_nothing_is_saved(client, login, make_user,
                                                            changes, message):
    login(make_user(is_admin=True))
    response = post_form(client, "/cohorts/new", cohort_form(**changes))
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert message in page
    assert cohort_count() == 0


def test_a_date_error_points_at_the_box_to_fix(client, login, make_user):
    login(make_user(is_admin=True))
    response = post_form(client, "/cohorts/new", cohort_form(**{"starts_on-month": ""}))
    assert 'href="#starts_on-month"' in response.get_data(as_text=True)


def test_a_window_error_is_shown_on_the_closing_date(client, login, make_user):
    login(make_user(is_admin=True))
    response = post_form(client, "/cohorts/new", cohort_form(
        **date_parts("applications_close_on", date(2027, 5, 30))))
    assert 'href="#applications_close_on-day"' in response.get_data(as_text=True)


# Editing a cohort -------------------------------------------------------------------------------


def test_the_facilitator_edits_every_setting(client, login, make_cohort, facilitator):
    cohort = make_cohort("Old title", status="draft", capacity=10, timezone="Europe/London")
    login(facilitator(cohort))
    assert 'value="Old title"' in client.get(f"/cohorts/{cohort.id}/edit").get_data(as_text=True)
    form_page = client.get(f"/cohorts/{cohort.id}/edit")
    response = post_form(client, f"/cohorts/{cohort.id}/edit", cohort_form(
        title="New title", status="running", capacity="14", version=version_in(form_page),
        **date_parts("applications_open_on", date(2027, 1, 10)),
        **date_parts("applications_close_on", date(2027, 1, 20)),
    ))
    assert response.status_code == 302
    fresh()
    cohort = db.session.get(Cohort, cohort.id)
    assert (cohort.title, cohort.status, cohort.capacity, cohort.focus) == (
        "New title", "running", 14, "Workplace wellbeing")
    assert cohort.description.startswith("Ten councils")
    assert len(cohort.ground_rule_list) == 2
    # In January London is on GMT: the window is the two days' midnights in UTC.
    assert cohort.applications_open_at == datetime(2027, 1, 10, tzinfo=UTC)
    assert cohort.applications_close_at == datetime(2027, 1, 21, tzinfo=UTC)
    # The form shows the window as the days entered, not the UTC instants.
    page = client.get(f"/cohorts/{cohort.id}/edit").get_data(as_text=True)
    assert re.search(r'name="applications_close_on-day"[^>]*value="20"', page)
    assert re.search(r'name="applications_open_on-day"[^>]*value="10"', page)


def test_the_window_is_read_in_the_cohorts_own_zone(client, login, make_cohort, facilitator):
    cohort = make_cohort(timezone="Pacific/Auckland")
    login(facilitator(cohort))
    post_form(client, f"/cohorts/{cohort.id}/edit", cohort_form(
        **date_parts("applications_open_on", date(2027, 1, 10)),
        **date_parts("applications_close_on", date(2027, 1, 20))))
    fresh()
    cohort = db.session.get(Cohort, cohort.id)
    # Auckland is 13 hours ahead in January (NZDT).
    assert cohort.applications_open_at == datetime(2027, 1, 9, 11, tzinfo=UTC)
    assert cohort.applications_close_at == datetime(2027, 1, 20, 11, tzinfo=UTC)


def test_capacity_below_the_places_taken_is_refused(client, login, make_cohort, facilitator,
                                                    holder):
    cohort = make_cohort(capacity=5)
    for _ in range(3):
        holder(cohort)
    login(facilitator(cohort))
    response = post_form(client, f"/cohorts/{cohort.id}/edit", cohort_form(capacity="2"))
    assert response.status_code == 200
    assert "3 places are taken: the capacity cannot be less than that" in text_of(response)
    fresh()
    assert db.session.get(Cohort, cohort.id).capacity == 5


def test_capacity_that_is_not_a_whole_number_says_what_to_type(client, login, make_cohort,
                                                               facilitator):
    cohort = make_cohort(capacity=5)
    login(facilitator(cohort))
    response = post_form(client, f"/cohorts/{cohort.id}/edit", cohort_form(capacity="twelve"))
    assert response.status_code == 200
    assert "Enter the number of places as a whole number, like 12" in text_of(response)
    fresh()
    assert db.session.get(Cohort, cohort.id).capacity == 5


def test_a_save_over_someone_elses_change_is_refused(client, login, make_cohort, facilitator):
    cohort = make_cohort("Original")
    login(facilitator(cohort))
    token_page = client.get(f"/cohorts/{cohort.id}/edit")
    # Another facilitator saves between this one's opening the form and sending it.
    db.session.execute(update(Cohort).where(Cohort.id == cohort.id)
                       .values(version=Cohort.version + 1, title="Theirs"))
    db.session.commit()
    mine = cohort_form(title="Mine", version=version_in(token_page))
    response = client.post(f"/cohorts/{cohort.id}/edit",
                           data={"csrf_token": csrf_from(token_page), **mine})
    assert response.status_code == 200
    assert "Someone else changed this" in text_of(response)
    fresh()
    assert db.session.get(Cohort, cohort.id).title == "Theirs"
    # The form now carries the current version: saving again, knowingly, goes through.
    again = client.post(f"/cohorts/{cohort.id}/edit",
                        data={"csrf_token": csrf_from(token_page), **mine,
                              "version": version_in(response)})
    assert again.status_code == 302
    fresh()
    assert db.session.get(Cohort, cohort.id).title == "Mine"


def test_two_facilitators_editing_at_once(client, new_client, login, make_cohort, facilitator):
    cohort = make_cohort("Original")
    first, second = facilitator(cohort), facilitator(cohort)
    other = new_client()
    login(first)
    login(second, the_client=other)
    first_form = client.get(f"/cohorts/{cohort.id}/edit")
    second_form = other.get(f"/cohorts/{cohort.id}/edit")
    saved = other.post(f"/cohorts/{cohort.id}/edit", data={
        "csrf_token": csrf_from(second_form),
        **cohort_form(title="Second's", version=version_in(second_form))})
    assert saved.status_code == 302
    refused = client.post(f"/cohorts/{cohort.id}/edit", data={
        "csrf_token": csrf_from(first_form),
        **cohort_form(title="First's", version=version_in(first_form))})
    assert refused.status_code == 200
    assert "Someone else changed this" in text_of(refused)
    fresh()
    assert db.session.get(Cohort, cohort.id).title == "Second's"


def test_an_open_call_shows_its_status(make_cohort):
    now = utcnow()
    cohort = make_cohort(status="recruiting", applications_open_at=now - timedelta(hours=1),
                         applications_close_at=now + timedelta(hours=1))
    assert cohort.call_is_open(now)
    assert not cohort.call_is_open(now + timedelta(hours=1))  # the closing instant is out
    cohort.status = "draft"
    assert not cohort.call_is_open(now)
    cohort.status = "finished"
    assert not cohort.call_is_open(now)
