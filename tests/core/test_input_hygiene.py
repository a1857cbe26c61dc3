"""What a user or a client can type that once gave a 500 or worse: line breaks and NUL bytes in
text fields, ids beyond 64 bits, Unicode digits, an unsafe `next=`, and mail that cannot be
built. Each gets a clear message or a 404, and nothing is saved half-way."""

from urllib.parse import quote, urlencode

import pytest
from sqlalchemy import func, select

from cohort.cohorts.models import Cohort
from cohort.core.database import commit
from cohort.core.forms import has_control_characters
from cohort.core.mail import queue_mail
from cohort.core.models import MailMessage
from cohort.core.outbox import dispatch
from cohort.core.scheduler import sweep
from cohort.core.timeutil import current_zones, is_known_zone
from cohort.extensions import db
from cohort.programme.forms import COMMON_ZONES, zone_choices
from cohort.programme.models import Material
from tests.helpers import csrf_from, post_form


@pytest.fixture
def facilitating(client, login, make_cohort, make_member, make_user):
    cohort = make_cohort("Tidy cohort")
    user = make_member(cohort, "facilitator", user=make_user()).user
    login(user)
    return cohort


@pytest.mark.parametrize("title", ["Line\r\nBcc: x@example.org", "Null\x00byte", "Tab\tin it",
                                   "Right\u202eto left", "Isolated\u2066 text"])
def test_a_one_line_field_refuses_control_characters(client, facilitating, title):
    cohort = facilitating
    response = post_form(client, f"/cohorts/{cohort.id}/edit", {
        "title": title, "status": "running", "capacity": "12", "version": str(cohort.version)})
    assert response.status_code == 200
    assert "Title must not contain line breaks or control characters" in response.get_data(
        as_text=True)
    db.session.rollback()
    assert db.session.get(Cohort, cohort.id).title == "Tidy cohort"


def test_too_long_and_no_such_choice_name_the_field_and_what_to_do(client, facilitating):
    cohort = facilitating
    response = post_form(client, f"/cohorts/{cohort.id}/edit", {
        "title": "T" * 201, "status": "running", "capacity": "12",
        "erasure_deletes_answers": "perhaps", "version": str(cohort.version)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Title must be 200 characters or fewer" in page
    assert "Choose one of the options for" in page
    assert "Field cannot be longer" not in page and "Not a valid choice" not in page
    db.session.rollback()
    assert db.session.get(Cohort, cohort.id).title == "Tidy cohort"


def test_a_text_box_keeps_line_breaks_but_refuses_nul(client, facilitating):
    cohort = facilitating
    url = f"/cohorts/{cohort.id}/objectives"
    assert post_form(client, url, {"objectives": "One\r\nTwo"}).status_code == 302
    refused = post_form(client, url, {"objectives": "One\x00Two"})
    assert "must not contain control characters" in refused.get_data(as_text=True)


def test_a_material_link_with_a_line_break_is_refused(client, facilitating, make_session):
    session = make_session(facilitating)
    response = post_form(
        client, f"/cohorts/{facilitating.id}/sessions/{session.id}/materials",
        {"title": "Slides", "url": "https://example.org/\r\nx"},
        page=f"/cohorts/{facilitating.id}/sessions/{session.id}", follow_redirects=True)
    assert response.status_code == 200
    assert "must not contain line breaks" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Material.id))).scalar_one() == 0


@pytest.mark.parametrize("path", [
    "/cohorts/9223372036854775808", "/cohorts/99999999999999999999999/programme",
    "/cohorts/1/sessions/9223372036854775808", "/admin/mail/18446744073709551616",
])
def test_an_id_beyond_64_bits_is_not_found(client, facilitating, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("version", ["²", "٣", "99999999999999999999999", "-1", "1.0"])
def test_a_strange_version_is_not_a_500(client, facilitating, version):
    cohort = facilitating
    response = post_form(client, f"/cohorts/{cohort.id}/edit", {
        "title": "Renamed", "status": "running", "capacity": "12", "version": version})
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("part", ["²", "٣", "9999999999", "1" * 25])
def test_a_strange_date_part_gets_a_field_message(client, facilitating, part):
    cohort = facilitating
    response = post_form(client, f"/cohorts/{cohort.id}/edit", {
        "title": "Tidy cohort", "status": "running", "capacity": "12",
        "starts_on-day": part, "starts_on-month": "1", "starts_on-year": "2027"})
    assert response.status_code == 200
    assert "Start date must be a real date" in response.get_data(as_text=True)


def test_nul_in_an_address_is_refused(client, facilitating):
    assert client.get("/apply/x%00y").status_code == 400
    assert client.get(f"/cohorts/{facilitating.id}/applications?q=a%00b").status_code == 400


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: x=1", "//evil.example",
                                    "https://evil.example/", "/\\evil.example", "//[::1",
                                    "http://[x"])
def test_an_unsafe_next_falls_back_to_home(client, make_user, target):
    user = make_user()
    response = post_form(client, "/login?" + urlencode({"next": target}),
                         {"email": user.email, "password": "correct horse battery"},
                         page="/login")
    assert (response.status_code, response.headers["Location"]) == (302, "/")


def test_a_next_on_the_site_is_kept(client, make_user):
    user = make_user()
    response = post_form(client, "/login?next=/account",
                         {"email": user.email, "password": "correct horse battery"},
                         page="/login")
    assert response.headers["Location"] == "/account"


def test_a_message_that_cannot_be_built_is_marked_failed_and_stops_nothing(app, outbox,
                                                                           make_user):
    message = queue_mail("someone@example.org", "Broken\r\nBcc: x@example.org", "Body")
    commit()  # delivering after the commit must not raise
    db.session.rollback()
    row = db.session.get(MailMessage, message.id)
    assert row.status == "failed" and "Cannot be built" in row.error
    assert outbox == []
    assert dispatch(only=[message.id]) == 0  # not claimed again
    assert "dispatch_mail_job: 0" in sweep()


def test_sent_mail_carries_a_date(outbox, make_user):
    queue_mail("someone@example.org", "Hello", "Body")
    commit()
    assert outbox[-1]["Date"]


def test_the_time_zone_list_offers_current_names_only(client, make_user, login):
    login(make_user())
    page = client.get("/settings").get_data(as_text=True)
    assert 'value="Europe/London"' in page
    assert 'value="Africa/Asmera"' not in page and 'value="GB"' not in page


@pytest.mark.parametrize("url", ["https://[::1", "http://[x", "https://a b", "https://"])
def test_a_malformed_link_is_refused_with_a_message(client, facilitating, make_session, url):
    session = make_session(facilitating)
    response = post_form(
        client, f"/cohorts/{facilitating.id}/sessions/{session.id}/materials",
        {"title": "Slides", "url": url},
        page=f"/cohorts/{facilitating.id}/sessions/{session.id}", follow_redirects=True)
    assert response.status_code == 200
    assert "Enter a link that starts with https:// or http://" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Material.id))).scalar_one() == 0


def test_a_text_box_keeps_a_paragraph_written_right_to_left():
    assert not has_control_characters("\u2067\u05e9\u05dc\u05d5\u05dd\u2069 and more", True)
    assert has_control_characters("\u2067\u05e9\u05dc\u05d5\u05dd\u2069 and more")


@pytest.mark.parametrize("name", ["localtime", "Factory", "EST5EDT", "US/Pacific", "GB"])
def test_a_zone_outside_the_list_is_refused(client, make_user, login, name):
    user = make_user()
    login(user)
    response = post_form(client, "/settings", {"section": "time-zone", "time-zone-timezone": name})
    page = response.get_data(as_text=True)
    assert "Choose a time zone from the list" in page
    # Shown as sent, marked as typed: the long list's box does not suggest it as a choice.
    assert f'<option value="{name}" selected data-typed="">{name}</option>' in page
    db.session.rollback()
    assert db.session.get(type(user), user.id).timezone is None
    assert is_known_zone(name) == (name not in ("localtime", "Factory"))


def test_a_zone_kept_from_before_stays_chosen_until_another_is(client, make_user, login):
    """A zone the list once offered (EST5EDT) is still shown as the person's, and saving the
    section unchanged keeps it."""
    user = make_user()
    user.timezone = "EST5EDT"
    commit()
    login(user)
    page = client.get("/settings").get_data(as_text=True)
    assert '<option value="EST5EDT" selected>EST5EDT</option>' in page
    response = post_form(client, "/settings", {"section": "time-zone",
                                               "time-zone-timezone": "EST5EDT"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(type(user), user.id).timezone == "EST5EDT"


def test_the_sessions_offer_every_zone_of_the_list_with_the_common_ones_first():
    offered = [choice.value for choice in zone_choices()]
    assert offered[:len(COMMON_ZONES)] == list(COMMON_ZONES)
    assert sorted(offered) == sorted(current_zones())
    assert "Asia/Tokyo" in offered and "Australia/Canberra" not in offered


@pytest.mark.parametrize("sent", ["a%FF%FE", "caf%E9", "%C3"])
def test_a_form_not_sent_as_utf8_is_refused_and_nothing_is_saved(client, facilitating, sent):
    """Read as it came, "a%FF" would be kept as the text "a%FF": a 400 page says why."""
    cohort = facilitating
    url = f"/cohorts/{cohort.id}/edit"
    token = quote(csrf_from(client.get(url)))
    response = client.post(
        url, data=f"csrf_token={token}&title={sent}&status=running&capacity=12"
                  f"&version={cohort.version}",
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "not sent as UTF-8 text" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Cohort, cohort.id).title == "Tidy cohort"
    # The same form sent as UTF-8 is saved: "café".
    response = client.post(
        url, data=f"csrf_token={token}&title=caf%C3%A9&status=running&capacity=12"
                  f"&version={cohort.version}",
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Cohort, cohort.id).title == "café"


def test_an_address_not_sent_as_utf8_is_refused(client, facilitating):
    page = f"/cohorts/{facilitating.id}/applications"
    refused = client.get(page + "?q=caf%E9")
    assert refused.status_code == 400
    assert "not sent as UTF-8 text" in refused.get_data(as_text=True)
    assert client.get(page + "?q=caf%C3%A9").status_code == 200


def test_a_form_of_parts_not_sent_as_utf8_is_refused(client, facilitating):
    """A form with a file is sent in parts; a part's text that is not UTF-8 would be kept
    with "\ufffd" in its place."""
    cohort = facilitating
    url = f"/cohorts/{cohort.id}/edit"
    token = csrf_from(client.get(url))
    fields = {"csrf_token": token, "title": "caf\xe9".encode("latin-1"), "status": "running",
              "capacity": "12", "version": str(cohort.version)}
    body = b"".join(
        b"--xx\r\nContent-Disposition: form-data; name=\"" + name.encode() + b"\"\r\n\r\n"
        + (value if isinstance(value, bytes) else value.encode()) + b"\r\n"
        for name, value in fields.items()) + b"--xx--\r\n"
    response = client.post(url, data=body, content_type="multipart/form-data; boundary=xx")
    assert response.status_code == 400
    assert "not sent as UTF-8 text" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Cohort, cohort.id).title == "Tidy cohort"


def test_a_password_chosen_with_bidirectional_marks_still_signs_in(client, make_user):
    password = "\u2067my own pass phrase\u2069"
    user = make_user(password=password)
    response = post_form(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302
