"""Friendly error pages, and the CSRF token every state-changing request needs."""

from flask import abort
from markupsafe import escape

from cohort.core.errors import MESSAGES
from tests.helpers import DEFAULT_PASSWORD, csrf_from

FRIENDLY = "Go to your cohorts"  # the error page's way back


def test_unknown_address_is_a_friendly_404(client, login, make_user):
    for who in ("anonymous", "signed in"):
        if who == "signed in":
            login(make_user())
        response = client.get("/no/such/page")
        assert response.status_code == 404, who
        page = response.get_data(as_text=True)
        assert "Page not found" in page
        assert FRIENDLY in page
        assert "<title>Page not found – Cohort</title>" in page


def test_json_clients_get_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["error"] == "Page not found"


def test_another_cohort_is_not_found_rather_than_forbidden(client, login, make_member,
                                                          make_cohort):
    mine = make_member()
    theirs = make_cohort("Somebody else's cohort")
    login(mine.user)

    assert client.get(f"/cohorts/{mine.cohort_id}").status_code == 200
    hidden = client.get(f"/cohorts/{theirs.id}")
    missing = client.get("/cohorts/999999")
    assert hidden.status_code == missing.status_code == 404
    assert "Page not found" in hidden.get_data(as_text=True)
    assert "Somebody else" not in hidden.get_data(as_text=True)


def test_a_request_body_over_the_limit_is_a_friendly_413(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    token = csrf_from(client.get("/login"))
    response = client.post("/login", data={"csrf_token": token, "email": "a@example.org",
                                           "password": "x" * 4096})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is too large" in page
    assert FRIENDLY in page


def test_an_unexpected_error_is_a_friendly_500(build_app, caplog):
    app = build_app()

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "What you entered has not been saved" in page
    assert "secret internal detail" not in page
    assert "Traceback" not in page
    assert "secret internal detail" in caplog.text  # but it is logged


def test_no_free_database_connection_is_a_busy_page_not_a_failure(build_app):
    """Every pooled connection in use for the pool's whole wait: the person is told the service
    is busy and to try again, as for a locked database."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    app = build_app()

    @app.route("/crowded")
    def crowded():
        raise PoolTimeout("QueuePool limit of size 5 overflow 10 reached")

    response = app.test_client().get("/crowded")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    page = response.get_data(as_text=True)
    assert "The service is busy" in page
    assert "Nothing was saved" in page


def test_wrong_method_is_a_friendly_405(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "This action is not allowed here" in response.get_data(as_text=True)


def test_every_error_page_has_a_title_and_advice(build_app):
    app = build_app()

    @app.route("/fail/<int:code>")
    def fail(code):
        abort(code)

    client = app.test_client()
    for code, (title, advice) in MESSAGES.items():
        response = client.get(f"/fail/{code}")
        assert response.status_code == code
        page = response.get_data(as_text=True)
        assert escape(title) in page, code
        assert escape(advice) in page, code
        assert FRIENDLY in page, code


# CSRF ------------------------------------------------------------------------------------


def test_sign_in_without_the_token_is_a_friendly_400(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem with your request" in page
    assert "sent without its security token" in page
    assert client.get("/account").status_code == 302


def test_a_token_from_another_session_is_refused(client, new_client, make_user):
    user = make_user()
    token = csrf_from(new_client().get("/login"))
    client.get("/login")
    response = client.post("/login", data={"csrf_token": token, "email": user.email,
                                           "password": DEFAULT_PASSWORD})
    assert response.status_code == 400


def test_a_refusal_of_several_fields_puts_each_message_on_its_own(app):
    """A service may refuse several fields at once (UserError's `also`): the form helper shows
    each message on its field, and one naming no field of the form at the top."""
    from wtforms import StringField

    from cohort.core.errors import UserError
    from cohort.core.forms import Form, attempt

    class TwoFields(Form):
        title = StringField("Title")
        topic = StringField("Topic")

    def refuse():
        raise UserError("Enter a title", "title", also=[("Enter a topic", "topic"),
                                                        ("Try again later", "elsewhere")])

    with app.test_request_context(method="POST", data={"title": "", "topic": ""}):
        form = TwoFields(meta={"csrf": False})
        assert attempt(form, refuse) == (False, None)
        assert (form.title.errors, form.topic.errors) == (["Enter a title"], ["Enter a topic"])
        assert form.form_errors == ["Try again later"]
