"""A person's data rights end to end, on the demo: Nadia Hussain (former02) held Blackburn with
Darwen's place in the 2021 cohort, posted on its board, rated her confidence after the
sessions she attended and handed her place over in July 2021. On top of the demo she answers a
named survey and an anonymous one (the cohort reopened for it, through the services), signs
in, downloads her data, asks for it to be erased, and a site administrator erases it."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, or_, select

from cohort.accounts.models import User, UserSession
from cohort.accounts.services import set_password
from cohort.board.models import Post, PostRevision, Thread
from cohort.cohorts.models import Membership, PlaceHolding
from cohort.cohorts.services import update_cohort
from cohort.core.database import commit
from cohort.core.models import AuditEvent, MailMessage
from cohort.core.timeutil import utcnow
from cohort.evaluation.models import Response
from cohort.evaluation.services import attach_survey, instrument_of, save_answers, surveys_of
from cohort.extensions import db
from cohort.plans.models import ActionItem, ActionPlan
from cohort.programme.models import ObjectiveRating
from tests.helpers import DEMO_PASSWORD, fresh, link_path, mail_to, post_form, sign_in, text_of

NADIA = "former02@example.org"
PASSWORD = "nadia's new passphrase"
HER_POST = "We use the same loneliness question"


def _membership(person, cohort) -> Membership:
    """Her membership of the cohort, which she left when she handed her place over."""
    return db.session.execute(select(Membership).where(
        Membership.user_id == person.id, Membership.cohort_id == cohort.id)).scalar_one()


def _answer_surveys(cohort, admin, facilitator, nadia):
    """Reopen the 2021 cohort, give a named survey and an anonymous one, let her answer both,
    and finish it again."""
    update_cohort(admin, cohort, status="running")
    now = utcnow()
    opened = (now - timedelta(days=1), now + timedelta(days=7))
    named = attach_survey(facilitator, cohort, "knowledge", "pre", *opened, False)
    # The anonymous one is the cohort's own programme evaluation, open again for her answer (an
    # instrument given before and after is named both times or anonymous both, and the
    # cohort's other instruments are given already).
    anonymous = next(survey for survey in surveys_of(cohort)
                     if survey.instrument_key == "programme-evaluation")
    closed_at, anonymous.closes_at = anonymous.closes_at, opened[1]
    membership = _membership(nadia, cohort)
    for survey, level in ((named, "2"), (anonymous, "4")):
        items = instrument_of(survey).items_at(survey.phase)
        save_answers(nadia, membership, survey,
                     {i.key: level for i in items if i.type != "text"}, submit=True)
    anonymous.closes_at = closed_at
    update_cohort(admin, cohort, status="finished")
    commit()
    return named, anonymous


@pytest.fixture
def nadia(demo_cohorts):
    reference, _running = demo_cohorts
    users = {u.email: u for u in db.session.execute(select(User)).scalars()}
    nadia = users[NADIA]
    named, anonymous = _answer_surveys(reference, users["admin@example.org"],
                                       users["facilitator@example.org"], nadia)
    set_password(nadia, PASSWORD)
    commit()
    return nadia, reference, named, anonymous


def test_the_demo_person_did_all_the_things_her_data_covers(nadia):
    person, reference, named, _anonymous = nadia
    membership = _membership(person, reference)
    assert db.session.scalar(select(func.count()).select_from(Post).where(
        Post.author_id == person.id)) >= 1
    assert db.session.scalar(select(func.count()).select_from(ObjectiveRating).where(
        ObjectiveRating.membership_id == membership.id)) >= 1
    holding = db.session.execute(select(PlaceHolding).where(
        PlaceHolding.user_id == person.id)).scalar_one()
    assert holding.how_ended == "handover"
    assert not named.anonymous and db.session.scalar(select(func.count()).select_from(
        Response).where(Response.membership_id == membership.id)) == 1


def _download(client) -> zipfile.ZipFile:
    page = client.get("/account/data")
    assert page.status_code == 200
    assert "Your answers to anonymous surveys are not in the download" in text_of(page)
    response = post_form(client, "/account/data", {})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_she_downloads_everything_cohort_holds_about_her(nadia, client):
    person, reference, named, anonymous = nadia
    assert sign_in(client, NADIA, PASSWORD).status_code == 302
    archive = _download(client)
    names = set(archive.namelist())
    assert {"README.txt", "accounts.json", "cohorts.json", "enrolment.json", "programme.json",
            "board.json", "plans.json", "evaluation.json", "core.json"} <= names
    part = {name.removesuffix(".json"): json.loads(archive.read(name))
            for name in names if name.endswith(".json")}
    assert part["accounts"]["name"] == "Nadia Hussain" and part["accounts"]["email"] == NADIA
    assert [(m["cohort"], m["status"]) for m in part["cohorts"]["memberships"]] == [
        (reference.title, "left")]
    assert [p["how_it_ended"] for p in part["cohorts"]["places_held"]] == ["handover"]
    assert [a["name"] for a in part["enrolment"]["applications"]] == ["Nadia Hussain"]
    assert part["programme"]["confidence_ratings"] and part["programme"]["attendance"]
    assert any(HER_POST in post["text"] for post in part["board"]["posts"])
    assert HER_POST in archive.read("board/posts.csv").decode()
    # the named survey's answers, with its questions; the anonymous one's are not looked for
    answered = part["evaluation"]["named_survey_answers"]
    assert [a["survey"] for a in answered] == [named.title]
    assert {a["answer"] for a in answered[0]["answers"]} == {2}
    assert anonymous.title not in json.dumps(part["evaluation"])
    readme = archive.read("README.txt").decode()
    assert "Your answers to anonymous surveys are not here" in readme
    assert "- board/posts.csv" in readme
    # the download itself is in the audit log, and so in the next download
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.actor_id == person.id,
        AuditEvent.action == "personal_data_downloaded")) == 1
    again = _download(client)
    entries = json.loads(again.read("core.json"))["audit_log_entries"]
    assert "personal_data_downloaded" in [e["action"] for e in entries]


def test_she_asks_to_be_erased_and_an_admin_erases_her(nadia, client, new_client, outbox):
    person, reference, named, _anonymous = nadia
    person_id, membership_id = person.id, _membership(person, reference).id
    items = db.session.scalar(select(func.count()).select_from(ActionItem).join(
        ActionPlan).where(ActionPlan.cohort_id == reference.id))
    assert sign_in(client, NADIA, PASSWORD).status_code == 302
    asked = post_form(client, "/account/data/erasure", {}, page="/account/data")
    assert asked.status_code == 302
    page = text_of(client.get("/account/data"))
    assert "You asked for your data to be erased on" in page

    [mail] = mail_to(outbox, "admin@example.org")
    assert "Nadia Hussain asks for their data in Cohort to be erased" in mail["Subject"]
    erase_page = link_path(mail, "/admin/people/")
    assert erase_page == f"/admin/people/{person_id}/erase"

    admin = new_client()
    assert sign_in(admin, "admin@example.org", DEMO_PASSWORD).status_code == 302
    assert f'href="{erase_page}"' in admin.get("/").get_data(as_text=True)  # the admin's home
    assert "Has not asked" not in text_of(admin.get(erase_page))
    wrong = post_form(admin, erase_page, {"email": "participant02@example.org"})
    assert wrong.status_code == 200
    assert "Type the person's email address exactly as shown, to confirm" in text_of(wrong)
    fresh()
    assert db.session.get(User, person_id).erased_at is None

    done = post_form(admin, erase_page, {"email": " Former02@Example.org "})
    assert done.status_code == 302
    assert "Nadia Hussain's data has been erased" in text_of(admin.get(erase_page))
    fresh()

    # the account: anonymised, closed, signed out everywhere; her old password opens nothing
    erased = db.session.get(User, person_id)
    assert (erased.name, erased.is_active_account, erased.password_hash) == (
        "A former member", False, None)
    assert NADIA not in erased.email
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == person_id)) == 0
    assert client.get("/account").status_code == 302
    # her posts stay, as a former member's; their earlier versions go
    thread = db.session.execute(select(Thread).join(Post).where(
        Post.body.contains(HER_POST))).scalar_one()
    facilitator = new_client()
    sign_in(facilitator, "facilitator@example.org", DEMO_PASSWORD)
    shown = text_of(facilitator.get(f"/cohorts/{reference.id}/board/threads/{thread.id}"))
    assert HER_POST in shown and "A former member" in shown and "Nadia" not in shown
    assert db.session.scalar(select(func.count()).select_from(PostRevision).join(Post).where(
        Post.author_id == person_id)) == 0
    # her named answers stay without her name (the cohort's default), still one response
    [response] = db.session.execute(select(Response).where(
        Response.survey_id == named.id)).scalars().all()
    assert response.membership_id is None and response.respondent != f"m{membership_id}"
    evaluator = new_client()
    sign_in(evaluator, "evaluator@example.org", DEMO_PASSWORD)
    assert evaluator.get(f"/cohorts/{reference.id}/evaluation").status_code == 200
    exported = evaluator.get(f"/cohorts/{reference.id}/evaluation.csv").get_data(as_text=True)
    assert "Nadia" not in exported
    # her place's plan stays with the place
    assert db.session.scalar(select(func.count()).select_from(ActionItem).join(
        ActionPlan).where(ActionPlan.cohort_id == reference.id)) == items
    assert db.session.get(Membership, membership_id).professional_background is None
    # nothing in the mail log or the audit log names her any more
    for column in (MailMessage.recipient, MailMessage.subject, MailMessage.body):
        assert db.session.scalar(select(func.count()).select_from(MailMessage).where(or_(
            column.ilike("%former02@example.org%"), column.ilike("%Nadia Hussain%")))) == 0
    for column in (AuditEvent.subject, AuditEvent.detail):
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(or_(
            column.ilike("%former02@example.org%"), column.ilike("%Nadia Hussain%")))) == 0
    assert db.session.execute(select(AuditEvent.subject).where(
        AuditEvent.action == "account_erased")).scalar_one() == f"user {person_id}"
    # the admin's home no longer asks for it; her old address and password open nothing
    assert f'href="{erase_page}"' not in admin.get("/").get_data(as_text=True)
    assert sign_in(new_client(), NADIA, PASSWORD).status_code == 200  # refused, on the form
