"""The public call for applications and the applicant's status page."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohort.core.database import commit
from cohort.core.timeutil import format_local, utcnow
from cohort.enrolment.models import Application
from cohort.enrolment.services import (
    APPLICATION_FIELDS,
    EnrolmentError,
    accept_application,
    application_by_token,
    decline_application,
    submit_application,
)
from cohort.extensions import db
from tests.conftest import csrf_from, post_form

from .helpers import answers, body, fresh, link_path, mail_to, text_of


def application_count() -> int:
    return db.session.execute(select(func.count(Application.id))).scalar_one()


def form(email="asha.patel@northshire.example", **changes) -> dict:
    return {"email": email, **answers(**changes)}


# Services ---------------------------------------------------------------------------------------


def test_an_application_is_taken_while_the_call_is_open(open_cohort, outbox):
    cohort = open_cohort()
    application, token, created = submit_application(cohort, " Asha@Example.ORG ", **answers())
    commit()
    assert created
    assert (application.email, application.status) == ("asha@example.org", "submitted")
    assert application_by_token(token).id == application.id
    assert application_by_token("not-a-token") is None
    [message] = mail_to(outbox, "asha@example.org")
    assert link_path(message, "/applications/") == f"/applications/{token}"


@pytest.mark.parametrize("missing", APPLICATION_FIELDS)
def test_every_question_must_be_answered(open_cohort, missing):
    cohort = open_cohort()
    with pytest.raises(EnrolmentError, match="Answer every question") as refused:
        submit_application(cohort, "asha@example.org", **answers(**{missing: "  "}))
    assert refused.value.field == missing
    db.session.rollback()
    assert application_count() == 0


@pytest.mark.parametrize("email", ["asha", "asha@", "asha@@example.org", "asha example@x.org"])
def test_a_malformed_email_is_refused(open_cohort, email):
    with pytest.raises(EnrolmentError, match="Enter an email address in the correct format") as refused:
        submit_application(open_cohort(), email, **answers())
    assert refused.value.field == "email"


def test_applying_again_with_the_same_email_updates_the_application(open_cohort, outbox):
    cohort = open_cohort()
    first, first_token, _ = submit_application(cohort, "asha@example.org", **answers())
    commit()
    again, token, created = submit_application(cohort, "ASHA@example.org",
                                               **answers(job_title="Head of policy"))
    commit()
    assert not created
    assert again.id == first.id
    assert again.job_title == "Head of policy"
    assert again.updated_at is not None
    assert application_count() == 1
    # The newest emailed link shows the application.
    assert application_by_token(token).id == first.id
    assert "has been updated" in body(mail_to(outbox, "asha@example.org")[-1])


def test_after_the_window_closes_nothing_is_written(open_cohort):
    now = utcnow()
    cohort = open_cohort("Wellbeing 2027", applications_open_at=now - timedelta(days=10),
                         applications_close_at=now - timedelta(days=1))
    closed = format_local(cohort.applications_close_at, cohort.timezone)
    with pytest.raises(EnrolmentError) as refused:
        submit_application(cohort, "asha@example.org", **answers())
    assert str(refused.value) == f"Applications to Wellbeing 2027 closed on {closed}"
    db.session.rollback()
    assert application_count() == 0


def test_before_the_window_opens_nothing_is_written(open_cohort):
    now = utcnow()
    cohort = open_cohort("Later", applications_open_at=now + timedelta(days=1),
                         applications_close_at=now + timedelta(days=10))
    with pytest.raises(EnrolmentError, match="Later is not taking applications now"):
        submit_application(cohort, "asha@example.org", **answers())


def test_an_application_to_a_full_cohort_goes_on_the_waitlist(open_cohort, holder, outbox):
    cohort = open_cohort(capacity=1)
    holder(cohort)
    first, _, _ = submit_application(cohort, "first@example.org", **answers())
    second, _, _ = submit_application(cohort, "second@example.org", **answers())
    commit()
    assert [(a.status, a.waitlist_position) for a in (first, second)] == [
        ("waitlisted", 1), ("waitlisted", 2)]
    assert "on the waitlist (number 2)" in body(mail_to(outbox, "second@example.org")[0])


@pytest.mark.parametrize("decide", [accept_application, decline_application])
def test_a_decided_application_cannot_be_overwritten(open_cohort, make_user, decide):
    cohort = open_cohort()
    application, _, _ = submit_application(cohort, "asha@example.org", **answers())
    decide(make_user(), application)
    commit()
    with pytest.raises(EnrolmentError, match="already been"):
        submit_application(cohort, "asha@example.org", **answers(job_title="Changed"))
    db.session.rollback()
    assert db.session.get(Application, application.id).job_title == "Policy officer"


# The public page --------------------------------------------------------------------------------


def test_anyone_applies_and_follows_the_emailed_link(client, new_client, open_cohort, outbox):
    cohort = open_cohort("Wellbeing 2027")
    page = client.get(f"/apply/{cohort.slug}")
    assert page.status_code == 200
    assert "Applications close on" in text_of(page)
    response = post_form(client, f"/apply/{cohort.slug}", form())
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/applications/")
    status = client.get(response.headers["Location"])
    assert status.status_code == 200
    assert "Application sent" in text_of(status)
    assert "Submitted" in text_of(status)
    fresh()
    assert application_count() == 1
    [message] = mail_to(outbox, "asha.patel@northshire.example")
    assert message["Subject"] == "Your application to Wellbeing 2027"
    # The emailed link works in another browser.
    emailed = new_client().get(link_path(message, "/applications/"))
    assert emailed.status_code == 200
    assert "Your application to Wellbeing 2027" in text_of(emailed)
    assert "Asha Patel" in text_of(emailed)


@pytest.mark.parametrize(("field", "message"), [
    ("name", "Enter your full name"),
    ("email", "Enter your email address"),
    ("organisation_name", "Enter the organisation you work for"),
    ("job_title", "Enter your job title"),
    ("professional_background", "Tell us about your professional background"),
    ("area_of_focus", "Enter your area of focus"),
    ("strategy", "Tell us which strategy or policy you will work on"),
    ("motivation", "Tell us why you want to join"),
])
def test_each_question_is_required_on_the_page(client, open_cohort, field, message):
    cohort = open_cohort()
    response = post_form(client, f"/apply/{cohort.slug}", {**form(), field: ""})
    assert response.status_code == 200
    assert message in text_of(response)
    assert application_count() == 0


def test_a_malformed_email_gets_a_clear_message(client, open_cohort):
    cohort = open_cohort()
    response = post_form(client, f"/apply/{cohort.slug}", form(email="asha.example.org"))
    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.org" in text_of(response)
    assert 'href="#email"' in response.get_data(as_text=True)
    assert application_count() == 0


def test_applying_again_in_any_case_updates_the_one_application(client, open_cohort):
    cohort = open_cohort()
    post_form(client, f"/apply/{cohort.slug}", form(email="asha@example.org"))
    response = post_form(client, f"/apply/{cohort.slug}",
                         form(email="ASHA@Example.org", motivation="A better answer"))
    assert "Application updated" in text_of(client.get(response.headers["Location"]))
    fresh()
    [application] = db.session.execute(select(Application)).scalars().all()
    assert application.motivation == "A better answer"


def test_a_double_clicked_submit_leaves_one_application(client, open_cohort):
    cohort = open_cohort()
    token = csrf_from(client.get(f"/apply/{cohort.slug}"))
    data = {"csrf_token": token, **form()}
    first = client.post(f"/apply/{cohort.slug}", data=data)
    second = client.post(f"/apply/{cohort.slug}", data=data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert application_count() == 1
    # The page the browser ends on (the second answer's) shows the application.
    assert client.get(second.headers["Location"]).status_code == 200


def test_after_the_window_closes_the_page_says_so_and_nothing_is_written(client, open_cohort):
    now = utcnow()
    cohort = open_cohort("Wellbeing 2027", applications_open_at=now - timedelta(days=10),
                         applications_close_at=now - timedelta(hours=1))
    closed = format_local(cohort.applications_close_at, cohort.timezone)
    page = text_of(client.get(f"/apply/{cohort.slug}"))
    assert f"Applications closed on {closed}" in page
    assert 'name="email"' not in page
    # A form opened before the close and sent after it.
    response = post_form(client, f"/apply/{cohort.slug}", form(), page="/login")
    assert response.status_code == 200
    assert f"Applications to Wellbeing 2027 closed on {closed}" in text_of(response)
    assert application_count() == 0


def test_a_draft_cohort_has_no_call(client, open_cohort):
    cohort = open_cohort(status="draft")
    assert client.get(f"/apply/{cohort.slug}").status_code == 404
    assert post_form(client, f"/apply/{cohort.slug}", form(), page="/login").status_code == 404
    assert client.get("/apply/no-such-cohort").status_code == 404
    assert application_count() == 0


def test_the_applicant_to_a_full_cohort_is_told_on_the_page_and_by_mail(client, open_cohort,
                                                                        holder, outbox):
    cohort = open_cohort(capacity=1)
    holder(cohort)
    response = post_form(client, f"/apply/{cohort.slug}", form())
    page = text_of(client.get(response.headers["Location"]))
    assert "On the waitlist (number 1)" in page
    assert "Every place is taken at the moment" in page
    [message] = mail_to(outbox, "asha.patel@northshire.example")
    assert "on the waitlist (number 1)" in body(message)


def test_a_decided_application_is_not_overwritten_from_the_page(client, open_cohort, make_user):
    cohort = open_cohort()
    application, _, _ = submit_application(cohort, "asha@example.org", **answers())
    decline_application(make_user(), application, "Not this time")
    commit()
    response = post_form(client, f"/apply/{cohort.slug}",
                         form(email="asha@example.org", job_title="Changed"))
    assert response.status_code == 200
    assert "An application from asha@example.org has already been declined" in text_of(response)
    fresh()
    application = db.session.get(Application, application.id)
    assert (application.status, application.job_title) == ("declined", "Policy officer")


def test_the_status_page_shows_each_state(client, open_cohort, make_user, apply_to):
    cohort = open_cohort()
    application, token = apply_to(cohort)
    assert "Submitted" in text_of(client.get(f"/applications/{token}"))
    accept_application(make_user(), application, "Welcome aboard")
    commit()
    page = text_of(client.get(f"/applications/{token}"))
    assert "Accepted" in page
    assert "You have a place" in page
    assert "Welcome aboard" in page


def test_an_unknown_token_is_not_found(client):
    assert client.get("/applications/not-a-real-token").status_code == 404
