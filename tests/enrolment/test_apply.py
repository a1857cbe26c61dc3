"""The public call for applications and the applicant's status page."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cohort.core.database import commit
from cohort.core.timeutil import format_deadline, utcnow
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
from tests.helpers import answers, body, csrf_from, fresh, link_path, mail_to, post_form, text_of


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
    closed = format_deadline(cohort.applications_close_at, cohort.timezone)
    with pytest.raises(EnrolmentError) as refused:
        submit_application(cohort, "asha@example.org", **answers())
    assert str(refused.value) == f"Applications to Wellbeing 2027 closed at {closed}"
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


# The public page: answers are confirmed by the owner of the address ---------------------------


def _confirmation(outbox, email: str) -> str:
    """The path of the newest confirmation link mailed to the address."""
    message = mail_to(outbox, email)[-1]
    assert message["Subject"].startswith("Confirm your application to")
    return link_path(message, "/applications/confirm/")


def _confirm(client, path: str):
    return post_form(client, path, {})


def _check_email_page(response) -> str:
    page = text_of(response)
    return page[page.index("Check your email"):page.index("fill in the form again")]


def test_anyone_applies_and_confirms_through_the_emailed_link(client, new_client, open_cohort,
                                                              outbox):
    cohort = open_cohort("Wellbeing 2027")
    page = client.get(f"/apply/{cohort.slug}")
    closes = format_deadline(cohort.applications_close_at, cohort.timezone)
    assert f"Applications close at {closes}" in text_of(page)
    assert "How we use your information" in text_of(page)
    response = post_form(client, f"/apply/{cohort.slug}", form())
    assert response.status_code == 200
    assert "Check your email" in text_of(response)
    fresh()
    assert application_count() == 0  # nothing until the owner confirms
    # The link works in another browser: the owner's mailbox is the proof.
    browser = new_client()
    path = _confirmation(outbox, "asha.patel@northshire.example")
    assert "Confirm your application" in text_of(browser.get(path))
    confirmed = _confirm(browser, path)
    assert confirmed.status_code == 302
    status = browser.get(confirmed.headers["Location"])
    assert "Application sent" in text_of(status) and "Submitted" in text_of(status)
    assert "Ten years in workforce policy." in text_of(status)  # the answers as sent
    fresh()
    assert application_count() == 1
    message = mail_to(outbox, "asha.patel@northshire.example")[-1]
    assert message["Subject"] == "Your application to Wellbeing 2027"
    emailed = new_client().get(link_path(message, "/applications/"))
    assert "Asha Patel" in text_of(emailed)
    # The confirmation link works once.
    again = _confirm(browser, path)
    assert "This link has already been used" in text_of(again)
    fresh()
    assert application_count() == 1


def test_someone_else_cannot_rewrite_an_application(client, new_client, open_cohort, apply_to,
                                                    outbox):
    """Knowing an applicant's address is not enough: applying with it changes nothing and
    shows nothing until its owner confirms."""
    cohort = open_cohort()
    application, token = apply_to(cohort, "asha@example.org")
    stranger = new_client()
    response = post_form(stranger, f"/apply/{cohort.slug}",
                         form(email="asha@example.org", name="Mallory", job_title="Changed"))
    assert "Check your email" in text_of(response)
    assert "Mallory" not in text_of(response) and "Submitted" not in text_of(response)
    fresh()
    application = db.session.get(Application, application.id)
    assert (application.name, application.job_title) == ("Applicant 1", "Policy officer")
    assert application_by_token(token).id == application.id  # the mailed link still works
    # The owner, reading their mail, can confirm the change if it was theirs.
    _confirm(client, _confirmation(outbox, "asha@example.org"))
    fresh()
    assert db.session.get(Application, application.id).job_title == "Changed"


@pytest.mark.parametrize("history", ["new", "open", "declined", "accepted"])
def test_the_page_answers_the_same_whatever_the_address_did_before(client, open_cohort,
                                                                   apply_to, make_user, history):
    cohort = open_cohort()
    if history != "new":
        application, _ = apply_to(cohort, "asha@example.org")
        if history == "declined":
            decline_application(make_user(), application)
        elif history == "accepted":
            accept_application(make_user(), application)
        commit()
    answer = post_form(client, f"/apply/{cohort.slug}", form(email="asha@example.org"))
    baseline = post_form(client, f"/apply/{cohort.slug}", form(email="zed@example.org"))
    assert answer.status_code == baseline.status_code == 200
    assert _check_email_page(answer).replace("asha@", "X@") == (
        _check_email_page(baseline).replace("zed@", "X@"))


def test_a_decided_application_is_not_changed_by_a_confirmation(client, open_cohort, apply_to,
                                                                 make_user, outbox):
    cohort = open_cohort()
    application, _ = apply_to(cohort, "asha@example.org")
    decline_application(make_user(), application, "Not this time")
    commit()
    post_form(client, f"/apply/{cohort.slug}", form(email="asha@example.org", job_title="X"))
    response = _confirm(client, _confirmation(outbox, "asha@example.org"))
    assert "An application from asha@example.org has already been declined" in text_of(response)
    fresh()
    application = db.session.get(Application, application.id)
    assert (application.status, application.job_title) == ("declined", "Policy officer")


def test_a_link_confirmed_after_the_call_closed_is_refused_and_stays_unused(client, open_cohort,
                                                                            outbox):
    cohort = open_cohort("Wellbeing 2027")
    post_form(client, f"/apply/{cohort.slug}", form(email="asha@example.org"))
    path = _confirmation(outbox, "asha@example.org")
    cohort.applications_close_at = utcnow() - timedelta(minutes=1)
    commit()
    closed = format_deadline(cohort.applications_close_at, cohort.timezone)
    response = _confirm(client, path)
    assert f"Applications to Wellbeing 2027 closed at {closed}" in text_of(response)
    assert "already been used" not in text_of(response)
    fresh()
    assert application_count() == 0
    # Reopened, the same link still confirms: the refusal did not spend it.
    cohort = db.session.get(type(cohort), cohort.id)
    cohort.applications_close_at = utcnow() + timedelta(days=1)
    commit()
    assert _confirm(client, path).status_code == 302
    fresh()
    assert application_count() == 1


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
def test_each_question_is_required_on_the_page(client, open_cohort, outbox, field, message):
    cohort = open_cohort()
    response = post_form(client, f"/apply/{cohort.slug}", {**form(), field: ""})
    assert response.status_code == 200
    assert message in text_of(response)
    assert outbox == []


def test_a_malformed_email_gets_a_clear_message(client, open_cohort, outbox):
    cohort = open_cohort()
    response = post_form(client, f"/apply/{cohort.slug}", form(email="asha.example.org"))
    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.org" in text_of(response)
    assert 'href="#email"' in response.get_data(as_text=True)
    assert outbox == []


def test_a_double_clicked_submit_leaves_one_application(client, open_cohort, outbox):
    cohort = open_cohort()
    token = csrf_from(client.get(f"/apply/{cohort.slug}"))
    data = {"csrf_token": token, **form()}
    first = client.post(f"/apply/{cohort.slug}", data=data)
    second = client.post(f"/apply/{cohort.slug}", data=data)
    assert (first.status_code, second.status_code) == (200, 200)
    links = [link_path(m, "/applications/confirm/")
             for m in mail_to(outbox, "asha.patel@northshire.example")]
    for path in links:
        _confirm(client, path)
    fresh()
    assert application_count() == 1


def test_mail_to_one_address_is_limited(client, open_cohort, outbox):
    """The form cannot be used to flood someone's mailbox."""
    cohort = open_cohort()
    for _ in range(5):
        response = post_form(client, f"/apply/{cohort.slug}", form(email="asha@example.org"))
        assert "Check your email" in text_of(response)
    assert len(mail_to(outbox, "asha@example.org")) == 3


def test_after_the_window_closes_the_page_says_so_and_nothing_is_written(client, open_cohort,
                                                                         outbox):
    now = utcnow()
    cohort = open_cohort("Wellbeing 2027", applications_open_at=now - timedelta(days=10),
                         applications_close_at=now - timedelta(hours=1))
    closed = format_deadline(cohort.applications_close_at, cohort.timezone)
    page = text_of(client.get(f"/apply/{cohort.slug}"))
    assert f"Applications closed at {closed}" in page
    assert 'name="email"' not in page
    # A form opened before the close and sent after it.
    response = post_form(client, f"/apply/{cohort.slug}", form(), page="/login")
    assert response.status_code == 200
    assert f"Applications to Wellbeing 2027 closed at {closed}" in text_of(response)
    assert outbox == []


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
    post_form(client, f"/apply/{cohort.slug}", form())
    response = _confirm(client, _confirmation(outbox, "asha.patel@northshire.example"))
    page = text_of(client.get(response.headers["Location"]))
    assert "On the waitlist (number 1)" in page
    assert "Every place is taken at the moment" in page
    assert "on the waitlist (number 1)" in body(mail_to(outbox, "asha.patel@northshire.example")[-1])


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
    assert "Withdraw my application" not in page


def test_the_applicant_withdraws_from_the_status_page(client, open_cohort, apply_to):
    cohort = open_cohort()
    application, token = apply_to(cohort)
    response = post_form(client, f"/applications/{token}", {}, follow_redirects=True)
    assert "Your application has been withdrawn" in text_of(response)
    fresh()
    assert db.session.get(Application, application.id).status == "withdrawn"
    assert "Withdraw my application" not in text_of(client.get(f"/applications/{token}"))


def test_an_unknown_token_is_not_found(client):
    assert client.get("/applications/not-a-real-token").status_code == 404
    assert client.get("/applications/confirm/not-a-real-token").status_code == 404
