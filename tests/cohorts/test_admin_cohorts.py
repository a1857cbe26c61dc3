"""The site admin's cohorts: the list with facilitators, members and places; archiving a
finished cohort; choosing a new cohort's facilitators; inviting people from a CSV file, with a
preview that writes nothing."""

import io
import re
from datetime import date
from html import unescape

from sqlalchemy import func, select

from cohort.accounts.models import User
from cohort.cohorts.models import Cohort, Membership
from cohort.core.database import commit
from cohort.core.models import AuditEvent, MailMessage
from cohort.extensions import db
from tests.helpers import count_queries, csrf_from, date_parts, fresh, post_form, text_of


def _admin(make_user, login):
    admin = make_user(is_admin=True, name="Alex Admin")
    login(admin)
    return admin


# The list -------------------------------------------------------------------------------------


def test_the_list_shows_status_dates_facilitators_members_and_places(client, login, make_user,
                                                                     make_cohort, make_member,
                                                                     make_holder):
    _admin(make_user, login)
    cohort = make_cohort("Wellbeing 2027", status="running", capacity=10,
                         starts_on=date(2027, 9, 1), ends_on=date(2028, 2, 28))
    make_member(cohort, "facilitator", user=make_user(name="Fay Facilitator"))
    make_holder(cohort)
    make_holder(cohort)
    make_member(cohort, "evaluator")
    page = text_of(client.get("/admin/cohorts"))
    assert "Wellbeing 2027 Running" in page
    assert "1 September 2027 to 28 February 2028" in page
    assert "Fay Facilitator" in page
    assert "2 participants, 1 evaluator" in page and "1 evaluators" not in page
    assert "2 of 10" in page


def test_the_list_costs_the_same_queries_however_many_cohorts_and_members(
        client, login, make_user, make_cohort, make_member):
    _admin(make_user, login)

    def add(n):
        for i in range(n):
            cohort = make_cohort(f"Cohort {n}-{i}")
            make_member(cohort, "facilitator")
            make_member(cohort, "participant")
        commit()

    add(1)
    client.get("/admin/cohorts")
    with count_queries() as few:
        client.get("/admin/cohorts")
    add(8)
    with count_queries() as many:
        client.get("/admin/cohorts")
    assert many[0] == few[0]


def test_a_finished_cohort_is_archived_off_the_homes_and_brought_back(
        client, new_client, login, make_user, make_cohort, make_member):
    admin = _admin(make_user, login)
    cohort = make_cohort("Wellbeing 2021", status="finished")
    member = make_member(cohort, "participant")
    running = make_cohort("Wellbeing 2027", status="running")
    theirs = new_client()
    login(member.user, the_client=theirs)
    assert "Wellbeing 2021" in text_of(theirs.get("/"))

    # Only a finished cohort has the button; asking for another is refused.
    listed = client.get("/admin/cohorts")
    assert f"/admin/cohorts/{cohort.id}/archive" in listed.get_data(as_text=True)
    assert f"/admin/cohorts/{running.id}/archive" not in listed.get_data(as_text=True)
    refused = post_form(client, f"/admin/cohorts/{running.id}/archive", {},
                        page="/admin/cohorts")
    assert "only a finished cohort can be archived" in text_of(
        client.get(refused.headers["Location"]))

    response = post_form(client, f"/admin/cohorts/{cohort.id}/archive", {}, page="/admin/cohorts")
    assert response.status_code == 302
    fresh()
    assert db.session.get(Cohort, cohort.id).archived_at is not None
    assert "Wellbeing 2021 has been archived" in text_of(client.get(response.headers["Location"]))
    assert "Wellbeing 2021" not in text_of(client.get("/admin/cohorts"))
    assert "Wellbeing 2021" in text_of(client.get("/admin/cohorts?archived=1"))
    assert "Wellbeing 2021" not in text_of(theirs.get("/"))
    assert theirs.get(f"/cohorts/{cohort.id}").status_code == 200  # still theirs to open

    back = post_form(client, f"/admin/cohorts/{cohort.id}/unarchive", {},
                     page="/admin/cohorts?archived=1")
    assert back.status_code == 302
    assert "Wellbeing 2021" in text_of(theirs.get("/"))
    fresh()
    actions = db.session.execute(select(AuditEvent.action).where(
        AuditEvent.cohort_id == cohort.id, AuditEvent.actor_id == admin.id)
        .order_by(AuditEvent.id)).scalars().all()
    assert actions == ["cohort_archived", "cohort_unarchived"]


def test_reopening_an_archived_cohort_brings_it_back(make_cohort, make_user):
    from cohort.cohorts.services import update_cohort
    from cohort.cohorts.services.admin import archive

    cohort = make_cohort("Wellbeing 2021", status="finished")
    archive(make_user(is_admin=True), cohort)
    update_cohort(None, cohort, status="running")
    assert cohort.archived_at is None


# Opening a cohort with chosen facilitators ---------------------------------------------------

NEW = {"title": "Wellbeing strategies 2028", "status": "draft", "capacity": "10",
       **date_parts("starts_on", date(2028, 9, 1)), **date_parts("ends_on", date(2029, 2, 28))}


def test_an_admin_chooses_the_facilitators_and_is_not_made_one(client, login, make_user,
                                                               outbox):
    admin = _admin(make_user, login)
    assert 'href="/cohorts/new">Open a new cohort' in client.get("/").get_data(as_text=True)
    fay = make_user(name="Fay Facilitator", email="fay@example.org")
    sam = make_user(name="Sam Second", email="sam@example.org")
    assert "Facilitators' email addresses" in text_of(client.get("/cohorts/new"))
    response = post_form(client, "/cohorts/new",
                         {**NEW, "facilitators": "FAY@example.org\nsam@example.org, fay@example.org"})
    assert response.status_code == 302
    fresh()
    cohort = db.session.execute(select(Cohort)).scalar_one()
    roles = dict(db.session.execute(select(Membership.user_id, Membership.role).where(
        Membership.cohort_id == cohort.id)).all())
    assert roles == {fay.id: "facilitator", sam.id: "facilitator"}
    assert admin.id not in roles
    assert {m["To"] for m in outbox} == {"fay@example.org", "sam@example.org"}


def test_an_admin_must_choose_a_facilitator_with_an_account(client, login, make_user):
    _admin(make_user, login)
    retired = make_user(name="Rae Retired", email="rae@example.org")
    retired.is_active_account = False
    commit()
    for facilitators, message in [
        ("", "Choose who facilitates the cohort"),
        ("nobody@example.org", "Nobody has an account with the address nobody@example.org"),
        ("not an address", "“not” is not an email address"),
        ("rae@example.org", "Rae Retired's account (rae@example.org) is deactivated"),
        ("²", "“²” is not an email address"),
    ]:
        response = post_form(client, "/cohorts/new", {**NEW, "facilitators": facilitators})
        assert response.status_code == 200
        assert message in text_of(response)
    assert db.session.execute(select(func.count(Cohort.id))).scalar_one() == 0


def test_a_facilitator_opening_a_cohort_sees_no_choice_of_facilitators(client, login,
                                                                       make_member):
    login(make_member(role="facilitator").user)
    assert "Facilitators' email addresses" not in text_of(client.get("/cohorts/new"))


# Inviting people from a CSV file --------------------------------------------------------------


def _upload(client, cohort, content: bytes, role="participant", filename="people.csv"):
    page = client.get("/admin/people/import")
    return client.post("/admin/people/import", data={
        "csrf_token": csrf_from(page), "cohort": str(cohort.id), "role": role,
        "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


CSV = (b"Email,Name,Organisation,Job title\n"
       b"new.person@example.org,New Person,Northshire County Council,Policy officer\n"
       b"priya@example.org,,,\n"
       b"member@example.org,,,\n"
       b"not-an-address,Someone,,\n"
       b"nameless@example.org,,,\n"
       b"NEW.PERSON@example.org,Again,,\n"
       b"retired@example.org,,,\n"
       b"\n"
       b"extra@example.org,Extra,Org,Job,surplus\n")


def test_the_preview_explains_every_row_and_writes_nothing(client, login, make_user,
                                                          make_cohort, make_member):
    _admin(make_user, login)
    cohort = make_cohort("Wellbeing 2027", status="recruiting")
    make_user(name="Priya Shah", email="priya@example.org")
    make_member(cohort, "participant", user=make_user(name="Mo Member",
                                                      email="member@example.org"))
    make_user(name="Rae Retired", email="retired@example.org").is_active_account = False
    commit()
    users = db.session.execute(select(func.count(User.id))).scalar_one()
    response = _upload(client, cohort, CSV)
    assert response.status_code == 200
    page = text_of(response)
    assert "1 to invite" in page and "1 to add" in page and "1 in the cohort already" in page
    assert "5 refused" in page
    for expected in [
        "2 new.person@example.org New Person Will invite",
        "3 priya@example.org Priya Shah Will add",
        "4 member@example.org Mo Member Already a member Already in the cohort as participant",
        "5 not-an-address Someone Refused The email address is not in the right format",
        "6 nameless@example.org — Refused No name: someone new to Cohort needs one",
        "7 new.person@example.org Again Refused The same address is on line 2",
        "8 retired@example.org — Refused Their account is deactivated",
        "10 extra@example.org Extra Refused The line has more cells than the first line names",
    ]:
        assert expected in page, expected
    fresh()
    assert db.session.execute(select(func.count(User.id))).scalar_one() == users
    assert db.session.execute(select(func.count(MailMessage.id))).scalar_one() == 0


def test_confirming_invites_and_adds_as_the_preview_said(client, login, make_user, make_cohort,
                                                        outbox):
    admin = _admin(make_user, login)
    cohort = make_cohort("Wellbeing 2027", status="recruiting")
    priya = make_user(name="Priya Shah", email="priya@example.org")
    preview = _upload(client, cohort, b"email,name\nnew.person@example.org,New Person\n"
                                      b"priya@example.org,\nbad,\n")
    html = preview.get_data(as_text=True)
    assert "Invite 2 people" in text_of(preview)
    import re

    fields = dict(re.findall(r'<input id="(cohort|role|content|filename)" name="\1" '
                             r'type="hidden" value="([^"]*)"', html))
    from html import unescape

    response = client.post("/admin/people/import/confirm", data={
        "csrf_token": csrf_from(preview), **{k: unescape(v) for k, v in fields.items()}})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    fresh()
    new = db.session.execute(select(User).where(
        User.email == "new.person@example.org")).scalar_one()
    roles = dict(db.session.execute(select(Membership.user_id, Membership.role).where(
        Membership.cohort_id == cohort.id)).all())
    assert roles == {new.id: "participant", priya.id: "participant"}
    assert {m["To"] for m in outbox} == {"new.person@example.org", "priya@example.org"}
    entry = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "people_imported")).scalar_one()
    assert (entry.actor_id, entry.cohort_id, entry.subject) == (admin.id, cohort.id, "people.csv")
    assert entry.detail.startswith("1 invited, 1 added, 0 already members, 1 refused")


def test_participants_from_a_file_take_the_free_places_and_no_more(client, login, make_user,
                                                                   make_cohort, make_holder):
    _admin(make_user, login)
    cohort = make_cohort("Wellbeing 2027", status="recruiting", capacity=3)
    make_holder(cohort)
    preview = _upload(client, cohort, b"email,name,organisation\n"
                                      b"a@example.org,Ana,Anytown\nb@example.org,Ben,Bytown\n"
                                      b"c@example.org,Cy,Cytown\n")
    page = text_of(preview)
    assert "2 to invite" in page and "1 refused" in page
    assert ("4 c@example.org Cy Refused No place is left for them: 2 of the cohort's 3 places "
            "were free") in page
    html = preview.get_data(as_text=True)
    fields = dict(re.findall(r'<input id="(cohort|role|content|filename)" name="\1" '
                             r'type="hidden" value="([^"]*)"', html))
    response = client.post("/admin/people/import/confirm", data={
        "csrf_token": csrf_from(preview), **{k: unescape(v) for k, v in fields.items()}})
    assert response.status_code == 302
    fresh()
    joined = {m.user.email: m.place for m in db.session.execute(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.place_id.is_not(None))).scalars()}
    assert sorted(place.slot for place in joined.values()) == [1, 2, 3]
    assert joined["b@example.org"].organisation.name == "Bytown"
    assert "c@example.org" not in joined
    # As evaluators, nobody takes a place: the file's people are all invited.
    evaluators = _upload(client, cohort, b"email,name\nd@example.org,Di\ne@example.org,Ed\n",
                         role="evaluator")
    assert "2 to invite" in text_of(evaluators)


def test_a_file_that_cannot_be_read_is_refused_with_a_message(client, login, make_user,
                                                             make_cohort):
    _admin(make_user, login)
    cohort = make_cohort("Wellbeing 2027", status="recruiting")
    finished = make_cohort("Wellbeing 2021", status="finished")
    for content, filename, message in [
        (b"", "people.csv", "The file is empty"),
        (b"name,phone\nA,1\n", "people.csv", "The first line must name the columns"),
        (b"email,name,E-mail\nq9@example.org,Alice,other@example.org\n", "people.csv",
         "The first line names the email address column twice: keep one of them"),
        (b"email,Full name,Name\nq9@example.org,Alice Real,Bob Other\n", "people.csv",
         "names the name column twice"),
        (b"\xff\xfe\x00e", "people.csv", "A text or CSV file must be UTF-8 text"),
        (b"email\na@example.org\n", "people.xlsx", "The file must be a CSV file"),
        (b'email\n"a@example.org\n', "people.csv", "cannot be read as CSV"),
        (b"email\n" + b"p@example.org\n" * 1001, "people.csv", "more than 1000 people"),
    ]:
        response = _upload(client, cohort, content, filename=filename)
        assert response.status_code == 200
        assert message in text_of(response), message
    response = _upload(client, finished, b"email\na@example.org\n")
    assert "Wellbeing 2021 has finished" in text_of(response)
    page = client.get("/admin/people/import")
    response = client.post("/admin/people/import", data={
        "csrf_token": csrf_from(page), "cohort": "", "role": "participant"})
    assert "Choose a cohort" in text_of(response)


def test_a_tampered_confirmation_is_refused(client, login, make_user, make_cohort):
    _admin(make_user, login)
    cohort = make_cohort("Wellbeing 2027", status="recruiting")
    page = client.get("/admin/people/import")
    for fields in [{"cohort": "²", "role": "participant", "content": "email\na@example.org"},
                   {"cohort": str(cohort.id), "role": "owner", "content": "email\na@ex.org"},
                   {"cohort": str(cohort.id), "role": "participant", "content": "email\nbad"}]:
        response = client.post("/admin/people/import/confirm",
                               data={"csrf_token": csrf_from(page), **fields})
        assert response.status_code == 302
        assert response.headers["Location"] == "/admin/people/import"
    fresh()
    assert db.session.execute(select(func.count(Membership.id))).scalar_one() == 0
