"""What needs a person from enrolment (handovers and team members waiting), reminders (failed
deliveries, reminders about to go out) and the programme (the next session), under each
cohort on the home page and atop its overview."""

from datetime import timedelta

from sqlalchemy import select

from cohort.cohorts.models import Membership
from cohort.core.database import commit
from cohort.core.timeutil import format_local, utcnow, zone_for
from cohort.extensions import db
from cohort.programme.models import ProgrammeSession
from cohort.reminders.models import Reminder
from tests.helpers import DEMO_PASSWORD, home_queries, sign_in

FACILITATOR_ONLY = ("could not be delivered", "in the next 7 days", "for your decision",
                    "for your approval", "no materials", "no joining link")


def _home_of(client, email: str) -> str:
    sign_in(client, email, DEMO_PASSWORD)
    return client.get("/").get_data(as_text=True)


def _todos_in(page: str) -> str:
    """The to-do lists of a page (its "Next step" lines aside)."""
    return "".join(part.split("</ul>")[0] for part in page.split('class="govuk-list '
                                                                 'govuk-list--bullet cohort-todos"')[1:])


def _member(cohort, email: str) -> Membership:
    return next(m for m in db.session.execute(select(Membership).where(
        Membership.cohort_id == cohort.id)).scalars() if m.user.email == email)


def _next_session(cohort) -> ProgrammeSession:
    return db.session.execute(select(ProgrammeSession).where(
        ProgrammeSession.cohort_id == cohort.id, ProgrammeSession.starts_at >= utcnow())
        .order_by(ProgrammeSession.starts_at)).scalars().first()


def _when(session, user) -> str:
    return f"{session.title} on {format_local(session.starts_at, zone_for(user))}"


def test_the_demo_facilitator_sees_the_refused_delivery_and_what_the_next_session_lacks(
        client, demo_cohorts):
    _reference, running = demo_cohorts
    facilitator = _member(running, "facilitator@example.org")
    session = _next_session(running)
    soon = db.session.execute(select(Reminder).where(
        Reminder.cohort_id == running.id, Reminder.status == "active",
        Reminder.is_default.is_(False), Reminder.due_at >= utcnow(),
        Reminder.due_at < utcnow() + timedelta(days=7))).scalars().all()
    expected = [
        f'href="/cohorts/{running.id}/reminders">1 reminder could not be delivered</a>',
        f'href="/cohorts/{running.id}/sessions/{session.id}">{_when(session, facilitator.user)} '
        "has no materials yet</a>",
    ]
    if soon:
        expected.append(f'href="/cohorts/{running.id}/reminders">{len(soon)} '
                        f'{"reminder goes" if len(soon) == 1 else "reminders go"} out in the '
                        "next 7 days</a>")
    home = _home_of(client, "facilitator@example.org")
    overview = client.get(f"/cohorts/{running.id}").get_data(as_text=True)
    for page in (home, overview):
        for link in expected:
            assert link in page
    # Most urgent first: the refused delivery comes before the session being prepared.
    assert overview.index("could not be delivered") < overview.index("has no materials")
    assert "for your decision" not in home and "for your approval" not in home


def test_the_demo_participant_is_shown_the_next_session_to_join_and_nothing_of_the_facilitators(
        client, demo_cohorts):
    _reference, running = demo_cohorts
    me = _member(running, "participant01@example.org")
    session = _next_session(running)
    page = _home_of(client, "participant01@example.org")
    assert (f'href="/cohorts/{running.id}/sessions/{session.id}">Join '
            f"{_when(session, me.user)}</a>") in page
    assert not any(text in page for text in FACILITATOR_ONLY)


def test_the_demo_evaluator_is_shown_none_of_these(client, demo_cohorts):
    page = _todos_in(_home_of(client, "evaluator@example.org"))
    assert not any(text in page for text in FACILITATOR_ONLY + ("Join ", "Next session:"))


def test_handovers_and_team_members_waiting_are_the_facilitators_to_do(client, new_client,
                                                                       demo_cohorts):
    from cohort.enrolment.services import propose_colleague, request_handover

    _reference, running = demo_cohorts
    holder = _member(running, "participant01@example.org")
    request_handover(holder.user, holder.place, "successor@example.org", "Sam Successor", None)
    propose_colleague(holder.user, holder.place, "colleague1@example.org", "Cara Colleague")
    commit()
    roster = f"/cohorts/{running.id}/roster"
    page = _home_of(client, "facilitator@example.org")
    assert f'href="{roster}">1 handover proposal waits for your decision</a>' in page
    assert f'href="{roster}">1 team member waits for your approval</a>' in page
    propose_colleague(holder.user, holder.place, "colleague2@example.org", "Col Two")
    commit()
    overview = client.get(f"/cohorts/{running.id}").get_data(as_text=True)
    assert f'href="{roster}">2 team members wait for your approval</a>' in overview
    participant = _home_of(new_client(), "participant01@example.org")
    assert "for your decision" not in participant and "for your approval" not in participant


def test_a_ready_session_and_a_quiet_cohort_need_the_facilitator_for_nothing(
        new_client, login, make_user, make_member, make_cohort, make_session):
    from cohort.programme.services import add_material

    user = make_user()
    quiet = make_cohort()
    make_member(cohort=quiet, user=user, role="facilitator")
    busy = make_cohort()
    make_member(cohort=busy, user=user, role="facilitator")
    session = make_session(cohort=busy, starts_in=timedelta(days=3))
    make_session(cohort=busy, title="Later workshop", starts_in=timedelta(days=20))
    client = new_client()
    login(user, the_client=client)
    page = client.get(f"/cohorts/{busy.id}").get_data(as_text=True)
    assert f"{_when(session, user)} has no joining link and no materials yet" in page
    assert "Later workshop" not in page
    session.join_url = "https://meet.example.org/workshop"
    add_material(user, session, "Slides", url="https://example.org/slides")
    commit()
    page = client.get("/").get_data(as_text=True)
    assert not any(text in page for text in FACILITATOR_ONLY)
    assert "Nothing needs you here now." in page


def test_a_team_member_sees_only_the_sessions_open_to_colleagues(
        new_client, login, make_user, make_member, make_cohort, make_session):
    user = make_user()
    cohort = make_cohort()
    make_member(cohort=cohort, user=user, role="colleague")
    make_session(cohort=cohort, title="Members workshop", starts_in=timedelta(days=2),
                 join_url="https://meet.example.org/a")
    client = new_client()
    login(user, the_client=client)
    # Nowhere on the home page or the overview: not in the to-dos, nor as the next step.
    assert "Members workshop" not in client.get("/").get_data(as_text=True)
    assert "Members workshop" not in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    open_one = make_session(cohort=cohort, title="Open workshop", starts_in=timedelta(days=4),
                            audience="members_and_colleagues")
    page = _todos_in(client.get("/").get_data(as_text=True))
    assert f"Next session: {_when(open_one, user)}" in page and "Join " not in page
    open_one.join_url = "https://meet.example.org/b"
    commit()
    assert f"Join {_when(open_one, user)}" in client.get("/").get_data(as_text=True)


def test_these_to_dos_take_the_same_queries_for_one_cohort_or_four(
        new_client, login, make_user, make_member, make_cohort, make_holder, make_session):
    from cohort.enrolment.services import propose_colleague, request_handover
    from cohort.reminders.services import ReminderData, add_reminder

    counts = {}
    for n in (1, 4):
        user = make_user()
        for i in range(n):
            cohort = make_cohort()
            make_member(cohort=cohort, user=user, role="facilitator")
            for k in range(i + 1):
                holder = make_holder(cohort=cohort)
                request_handover(holder.user, holder.place, f"s{n}-{i}-{k}@example.org", "S", None)
                propose_colleague(holder.user, holder.place, f"c{n}-{i}-{k}@example.org", "C")
                make_session(cohort=cohort, starts_in=timedelta(days=2 + k))
                reminder = add_reminder(user, cohort, ReminderData(
                    anchor="fixed", fixed_at=utcnow() + timedelta(days=1 + k),
                    subject="Soon", body="Hello"))
                reminder.failed_count = 1
            commit()
        client = new_client()
        login(user, the_client=client)
        counts[n], page = home_queries(client)
        assert "1 team member waits for your approval" in page
        assert "1 reminder could not be delivered" in page
    assert counts[1] == counts[4], counts
