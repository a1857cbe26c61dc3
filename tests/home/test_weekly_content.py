"""What the weekly summary says, and to whom: each role what its home page and its cohort's
pages show it, no more; nothing of a hidden thread, of a cohort the person left, or of a
finished one; each cohort under its title in one message; a fixed number of queries however
much there is."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from cohort.accounts.models import User
from cohort.board import services as board
from cohort.board.services import NewThread
from cohort.core.database import commit
from cohort.core.models import MailMessage
from cohort.core.timeutil import utcnow
from cohort.extensions import db
from cohort.home import services
from tests.helpers import count_queries
from tests.home import weekly_world

NEWCOMER = "Nia Newton"
NOT_NEWS = ("A thread Fay hid", "Last month", "Olga Older", "Tom Waiting", "Left 2025",
            "Finished 2024", "Newcomer of", "Busy thread of")


@pytest.fixture
def world(make_cohort, make_member, make_holder, make_user):
    return weekly_world.build(make_cohort, make_member, make_holder, make_user)


def _mail(membership) -> MailMessage | None:
    """The person's summary of a week, queued as the job queues it; None when none is."""
    services.set_weekly(membership.user, True, 0, 8)
    if not services.send_weekly_summary(membership.user_id, "2026-W10"):
        return None
    commit()
    return db.session.execute(select(MailMessage).where(
        MailMessage.recipient == membership.user.email,
        MailMessage.subject.startswith("Your week in"))).scalar_one()


def _threads(message: MailMessage) -> list[str]:
    part = message.body.split("Most active on the board this week:\n", 1)
    return [line[2:] for line in part[1].split("\n\n")[0].splitlines()
            if line.startswith("- ")] if len(part) == 2 else []


def test_a_participant_hears_of_busy_threads_and_newcomers_but_not_their_own_posts(world):
    message = _mail(world.ada)
    assert message.subject == "Your week in Wellbeing 2026"
    assert message.body.startswith("Hello Ada Lovelace,")
    assert "Wellbeing 2026\n==============" in message.body
    # Cy's opening post and Ben's two replies; Ada's own thread is no news to Ada.
    assert _threads(message) == ["Measuring wellbeing: 3 new posts",
                                 "Sharing our survey: 1 new post"]
    assert "- Nia Newton, Newtown Council\n" in message.body
    assert f"Who is in the cohort: http://localhost/cohorts/{world.cohort.id}/members" \
        in message.body
    for text in NOT_NEWS:
        assert text not in message.body, text


def test_a_team_member_sees_what_their_place_does_minus_their_own_posts(world):
    message = _mail(world.ben)
    assert _threads(message) == ["Ada thinking aloud: 4 new posts",
                                 "Measuring wellbeing: 1 new post"]
    assert NEWCOMER in message.body


def test_a_hidden_thread_is_no_news_even_to_the_facilitator_who_sees_it(world):
    message = _mail(world.fay)
    assert "A thread Fay hid" not in message.body
    assert _threads(message)[:1] == ["Ada thinking aloud: 4 new posts"]
    # The facilitator's to-dos come first, each with its whole link.
    assert (f"What needs you:\n- 1 team member waits for your approval\n"
            f"  http://localhost/cohorts/{world.cohort.id}/roster\n") in message.body
    assert "Tom Waiting" not in message.body  # not yet approved: not yet in the cohort


def test_the_evaluator_hears_nothing_of_the_board_or_of_people(world):
    """The evaluator sees no board and no names: a week busy with both tells them nothing."""
    assert _mail(world.eve) is None
    assert services.compose(world.eve.user) == []


def test_nothing_comes_from_a_cohort_left_or_finished(world):
    busy = board.busiest_threads([world.left.id, world.finished.id], world.ada.user_id,
                                 utcnow() - services.WINDOW, utcnow())
    assert set(busy) == {world.left.id, world.finished.id}  # both had a busy week
    parts = services.compose(world.ada.user)
    assert [part.cohort.title for part in parts] == ["Wellbeing 2026"]
    message = _mail(world.ada)
    for text in ("Left 2025", "Finished 2024", "Newcomer of", "Busy thread of"):
        assert text not in message.body


def test_each_cohort_comes_under_its_own_title_in_one_message(world, make_cohort, make_member,
                                                              make_holder):
    second = make_cohort("Data maturity 2026", starts_on=world.cohort.starts_on)
    in_second = make_member(second, "participant", user=world.ada.user)
    in_second.joined_at = utcnow() - weekly_world.LONG_AGO
    pam = make_holder(second, since=weekly_world.LONG_AGO)
    board.acknowledge(pam)
    commit()
    board.create_thread(pam.user, pam, second, NewThread(kind="question", title="Open data?",
                                                         body="Who publishes theirs?"))
    commit()
    message = _mail(world.ada)
    assert message.subject in ("Your week in Wellbeing 2026 and 1 other cohort",
                               "Your week in Data maturity 2026 and 1 other cohort")
    first_at, second_at = (message.body.index(f"\n{title}\n") for title in
                           ("Wellbeing 2026", "Data maturity 2026"))
    section = message.body[second_at:first_at] if second_at < first_at else \
        message.body[second_at:]
    assert "- Open data?: 1 new post" in section and "Measuring wellbeing" not in section
    assert len(db.session.execute(select(MailMessage).where(
        MailMessage.recipient == "ada@example.org",
        MailMessage.subject.startswith("Your week"))).all()) == 1


def test_ones_own_posts_and_ones_own_arrival_are_no_news(make_cohort, make_holder, make_user):
    solo = make_cohort("Solo 2026")
    sam = make_holder(solo, user=make_user("sam@example.org", "Sam Solo"), since=timedelta(0))
    board.acknowledge(sam)
    commit()
    thread = board.create_thread(sam.user, sam, solo, NewThread(
        kind="discussion", title="Thinking aloud", body="First thoughts."))
    board.reply(sam.user, sam, thread, "Second thoughts.")
    commit()
    assert services.compose(sam.user) == []
    assert _mail(sam) is None


def test_the_demo_participant_is_told_what_their_home_page_shows(demo_cohorts):
    _reference, running = demo_cohorts
    user = db.session.execute(select(User).where(
        User.email == "participant01@example.org")).scalar_one()
    (part,) = services.compose(user)
    assert part.cohort.id == running.id
    assert ("Your self-assessment for Start of the programme is a draft: finish and submit it",
            f"http://localhost/cohorts/{running.id}/assessment") in part.todos
    assert any(text.startswith("Answer “Knowledge self-assessment (before the programme)”")
               and link.startswith(f"http://localhost/cohorts/{running.id}/surveys/")
               and link.endswith("/answer") for text, link in part.todos)
    assert ("1 feedback request waits for your answer",
            f"http://localhost/cohorts/{running.id}/board?kind=feedback") in part.todos


def test_composing_takes_the_same_queries_however_much_there_is(world, make_holder, make_user):
    db.session.expire_all()
    with count_queries() as few:
        services.compose(world.ada.user)
    for n in range(6):
        newcomer = make_holder(world.cohort, user=make_user(), since=timedelta(days=1))
        board.acknowledge(newcomer)
        commit()
        thread = board.create_thread(newcomer.user, newcomer, world.cohort, NewThread(
            kind="discussion", title=f"Thread {n}", body="Hello."))
        board.reply(world.cy.user, world.cy, thread, "Welcome.")
        commit()
    db.session.expire_all()
    with count_queries() as many:
        parts = services.compose(world.ada.user)
    assert len(parts[0].joined) == 7 and len(parts[0].threads) == 3
    assert many[0] == few[0]
