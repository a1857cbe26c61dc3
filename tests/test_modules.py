"""The extension points the registry reads (cohort/modules.py): each kind a module declares in
a file of fixed name is found through the registry and does what a person would notice."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import func, select

from cohort import modules
from cohort.accounts import personal_data as account_data
from cohort.accounts.models import User, UserSession
from cohort.board.services import session_threads
from cohort.cohorts import home as cohort_cards
from cohort.core import hooks
from cohort.core.cards import Card
from cohort.core.database import commit
from cohort.core.personal import PersonalData
from cohort.core.signals import mail_status_changed
from cohort.core.timeutil import utcnow
from cohort.evaluation.services.moments import SURVEY_CLOSES, closing_surveys
from cohort.extensions import db
from cohort.plans.services.moments import ITEM_DUE, due_items
from cohort.programme import personal_data as programme_data
from cohort.programme import signals
from cohort.programme.models import Attendance, LearningObjective, ObjectiveRating
from cohort.reminders.moments import kinds
from cohort.reminders.services import tallies
from tests.helpers import sign_in

ROOT = Path(__file__).resolve().parents[1]


def test_declared_receivers_are_connected_once_with_strong_references(app, build_app):
    declared = modules.receivers()
    assert (signals.session_scheduled, session_threads.on_session_scheduled) in declared
    assert (mail_status_changed, tallies.follow_the_outbox) in declared
    before = {id(signal): len(signal.receivers) for signal, _function in declared}
    build_app()  # create_app again, as tests do many times in one process
    build_app()
    assert {id(signal): len(signal.receivers) for signal, _function in declared} == before
    for signal, function in declared:
        assert signal.receivers[id(function)] is function  # held, not a weak reference


def test_a_scheduled_session_gets_its_thread_through_the_declared_receiver(make_session):
    session = make_session(title="Data sharing clinic")
    assert session_threads.session_thread(session).title == "Data sharing clinic"


def test_links_come_from_the_modules_links_files(app, monkeypatch, make_member, make_session):
    found = modules.links()
    assert found["programme_session"] == [session_threads.session_links]
    assert found["action_item"] == [session_threads.item_links]
    member = make_member(role="facilitator")
    session = make_session(cohort=member.cohort, title="Data sharing clinic")
    declared = modules.parts

    def parts(name):
        offer = SimpleNamespace(LINKS=[("programme_session", lambda obj, user: [
            (f"Notes on {obj.title}", "/notes")])])
        return [*declared(name), ("extra", offer)] if name == "links" else declared(name)

    monkeypatch.setattr(modules, "parts", parts)
    with app.test_request_context():
        links = hooks.extra_links("programme_session", session, member.user)
    assert [text.split(" (")[0] for text, _href in links] == [
        "Questions, slides and follow-up on the board", "Notes on Data sharing clinic"]


def test_reminders_find_the_moments_plans_and_evaluation_declare():
    offered = kinds()
    assert set(offered) == {ITEM_DUE, SURVEY_CLOSES}
    assert offered[ITEM_DUE].moments is due_items
    assert offered[SURVEY_CLOSES].moments is closing_surveys


def test_a_site_administrator_gets_the_invitation_card_on_their_home_page(app, client,
                                                                          make_user, make_member):
    admin = make_user("root@example.org", "Site Admin")
    admin.is_admin = True
    member = make_member(role="participant").user
    commit()
    card = Card(title="Invitations",
                text="Bring a facilitator or a participant into Cohort with a sign-in link, "
                     "or many people into a cohort from a CSV file.",
                link_text="Invite a facilitator or participant", href="/admin/invite")
    with app.test_request_context():
        assert modules.home_cards(member) == []
        cards = modules.home_cards(admin)
        assert cards == cohort_cards.cards(admin)
        assert card in cards and [c.href for c in cards] == ["/cohorts/new", "/admin/invite"]
    make_member(role="facilitator", user=admin)  # shown to an admin who is in a cohort too
    sign_in(client, "root@example.org")
    page = client.get("/").get_data(as_text=True)
    assert '<a class="govuk-link" href="/admin/invite">Invite a facilitator or participant</a>' \
        in page


def test_the_personal_data_parts_are_found_and_hold_the_persons_data(make_member,
                                                                     make_session):
    parts = dict(modules.personal_data_parts())
    assert parts["accounts"] is account_data and parts["programme"] is programme_data
    assert all(isinstance(part, PersonalData) for part in parts.values())

    pat = make_member(role="participant")
    other = make_member(cohort=pat.cohort, role="participant")
    session = make_session(cohort=pat.cohort, title="Open data", starts_in=-timedelta(days=1))
    objective = LearningObjective(session_id=session.id, position=1, text="Publish a dataset")
    db.session.add(objective)
    db.session.flush()
    for member, rating in ((pat, 4), (other, 2)):
        db.session.add(Attendance(session_id=session.id, membership_id=member.id,
                                  status="present", recorded_at=utcnow()))
        db.session.add(ObjectiveRating(objective_id=objective.id, membership_id=member.id,
                                       rating=rating, rated_at=utcnow()))
    db.session.add(UserSession(token_hash="a" * 64, user_id=pat.user_id, last_seen_at=utcnow()))
    commit()
    user = pat.user
    email = user.email

    exported = {module: part.export(user) for module, part in parts.items()}
    assert exported["accounts"]["email"] == email
    assert exported["accounts"]["name"] == user.name
    assert [(a["session"], a["status"]) for a in exported["programme"]["attendance"]] == [
        ("Open data", "Present")]
    assert [(r["objective"], r["rating"]) for r in exported["programme"][
        "confidence_ratings"]] == [("Publish a dataset", 4)]

    for _module, part in modules.erasure_parts():
        part.erase(user)
    commit()
    erased = db.session.get(User, user.id)
    assert email not in erased.email and erased.name == "A former member"
    assert not erased.is_active_account and erased.password_hash is None
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id)) == 0
    assert programme_data.export(erased) == {"attendance": [], "confidence_ratings": []}
    # the other participant's records stay
    assert db.session.scalar(select(func.count()).select_from(ObjectiveRating)) == 1
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 1


def test_the_app_loads_no_command_or_demo_code():
    script = ("import sys, cohort; cohort.create_app('testing'); "
              "print(sorted(m for m in sys.modules if m in ('cohort.cli', 'cohort.demo')))")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]"


def test_the_commands_still_load_when_the_command_line_asks(app):
    result = app.test_cli_runner().invoke(args=["cohort", "--help"])
    assert result.exit_code == 0
    for command in ("demo", "create-admin", "purge", "scheduler", "dispatch", "load-frameworks"):
        assert command in result.output
